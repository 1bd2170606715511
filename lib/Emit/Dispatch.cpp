//===- Dispatch.cpp - dispatch_op's switch over the opcodes ---------------===//
//
// SPIR-V's universal limits (spec section 2.17) allow an OpSwitch at most
// 16,383 (literal, label) pairs. Up to that many cases, dispatch is one
// OpSwitch, as before. Past it the sorted cases are cut into chunks of at
// most that many, and a balanced tree of `opcode < first opcode of chunk k`
// selections leads to one OpSwitch per chunk: a slot costs ceil(log2(chunks))
// comparisons more (three at 100,000 handlers), and every construct stays
// structured (each leaf switch counts its own unknown opcodes).
//
//===----------------------------------------------------------------------===//
#include "EmitInternal.h"

#include <algorithm>

using namespace vyre;
using namespace vyre::emit;

namespace {

constexpr auto kNone = static_cast<uint32_t>(spv::SelectionControlMask::MaskNone);

class DispatchEmitter {
public:
  DispatchEmitter(ModuleContext &ctx, FunctionBuilder &fb,
                  const uint32_t (&params)[kNumHandlerInputs])
      : ctx(ctx), b(ctx.b), fb(fb), params(params) {}

  /// \p cases (sorted by opcode) in leaves of at most \p chunk cases, then
  /// a branch to \p exit.
  void range(llvm::ArrayRef<DispatchCase> cases, size_t chunk, uint32_t exit) {
    if (cases.size() <= chunk) {
      leafSwitch(cases, exit);
      return;
    }
    // Split at a chunk boundary so every leaf but the last is full.
    size_t chunks = (cases.size() + chunk - 1) / chunk;
    size_t mid = (chunks / 2) * chunk;
    uint32_t lowL = b.newId(), highL = b.newId(), mergeL = b.newId();
    uint32_t low = fb.op(spv::Op::OpULessThan, ctx.boolT(),
                         {opcode(), ctx.c(cases[mid].opcode)});
    fb.merge(spv::Op::OpSelectionMerge, {mergeL, kNone});
    fb.terminate(spv::Op::OpBranchConditional, {low, lowL, highL});
    fb.block(lowL);
    range(cases.take_front(mid), chunk, mergeL);
    fb.block(highL);
    range(cases.drop_front(mid), chunk, mergeL);
    fb.block(mergeL);
    fb.terminate(spv::Op::OpBranch, {exit});
  }

  /// switch (opcode) { case OP: handlers...; default: unknown += 1 }, then
  /// a branch to \p exit (none when \p exit is 0: the caller goes on in the
  /// switch's merge block).
  void leafSwitch(llvm::ArrayRef<DispatchCase> cases, uint32_t exit) {
    uint32_t mergeL = b.newId(), defaultL = b.newId();
    Words sw{opcode(), defaultL};
    sw.reserve(2 + 2 * cases.size());
    std::vector<uint32_t> labels;
    labels.reserve(cases.size());
    for (const DispatchCase &c : cases) {
      // A case without handlers (PACKED_SLOT) goes straight to the merge.
      uint32_t label = c.functions.empty() ? mergeL : b.newId();
      sw.push_back(c.opcode);
      sw.push_back(label);
      labels.push_back(label);
    }
    fb.merge(spv::Op::OpSelectionMerge, {mergeL, kNone});
    fb.terminate(spv::Op::OpSwitch, sw);
    for (size_t i = 0; i < cases.size(); ++i) {
      if (cases[i].functions.empty())
        continue;
      fb.block(labels[i]);
      for (uint32_t fn : cases[i].functions) {
        Words call{fn};
        call.insert(call.end(), std::begin(params), std::end(params));
        fb.op(spv::Op::OpFunctionCall, ctx.voidT(), call);
      }
      fb.terminate(spv::Op::OpBranch, {mergeL});
    }
    fb.block(defaultL);
    ctx.atomic(fb, AtomicOp::Add, MemoryOrder::Relaxed,
               ctx.wordPointer(fb, ctx.sema.control,
                               ctx.protocolValue(PV::control_UNKNOWN_OPCODE_COUNT)),
               {ctx.c(1)});
    fb.terminate(spv::Op::OpBranch, {mergeL});
    fb.block(mergeL);
    if (exit)
      fb.terminate(spv::Op::OpBranch, {exit});
  }

private:
  ModuleContext &ctx;
  SpirvBuilder &b;
  FunctionBuilder &fb;
  /// dispatch_op's parameters, in kHandlerParameterOrder.
  const uint32_t (&params)[kNumHandlerInputs];

  uint32_t opcode() const {
    return params[parameterIndex(HandlerInput::Opcode)];
  }
};

} // namespace

void vyre::emit::emitDispatchSwitch(ModuleContext &ctx, FunctionBuilder &fb,
                                    const uint32_t (&params)[kNumHandlerInputs],
                                    llvm::ArrayRef<DispatchCase> cases,
                                    size_t maxCases) {
  DispatchEmitter d(ctx, fb, params);
  if (cases.size() <= maxCases) {
    d.leafSwitch(cases, 0);
    return;
  }
  // Sorted by opcode, in equal chunks of at most maxCases each.
  std::vector<DispatchCase> sorted(cases.begin(), cases.end());
  std::sort(sorted.begin(), sorted.end(),
            [](const DispatchCase &x, const DispatchCase &y) {
              return x.opcode < y.opcode;
            });
  size_t chunks = (cases.size() + maxCases - 1) / maxCases;
  size_t chunk = (cases.size() + chunks - 1) / chunks;
  uint32_t mergeL = ctx.b.newId();
  d.range(sorted, chunk, mergeL);
  fb.block(mergeL);
}
