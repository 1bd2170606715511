//===- Dispatch.cpp - dispatch_op's switch over the opcodes ---------------===//
//
// A target limits a switch's cases (SPIR-V: 16,383 (literal, label) pairs;
// WGSL: 1,023 case selectors). Up to that many cases, dispatch is one
// switch. Past it the sorted cases are cut into chunks of at most that
// many, and a balanced tree of `opcode < first opcode of chunk k` selections
// leads to one switch per chunk: a slot costs ceil(log2(chunks))
// comparisons more, and every construct stays structured (each leaf switch
// counts its own unknown opcodes).
//
//===----------------------------------------------------------------------===//
#include "Skeleton.h"

#include <algorithm>

using namespace vyre;
using namespace vyre::kernel;

namespace {

class DispatchEmitter {
public:
  DispatchEmitter(KernelBuilder &k, const SemaResult &sema,
                  llvm::ArrayRef<Val> params)
      : k(k), sema(sema), params(params) {}

  /// \p cases (sorted by opcode) in leaves of at most \p chunk cases.
  void range(llvm::ArrayRef<DispatchCase> cases, size_t chunk) {
    if (cases.size() <= chunk)
      return leafSwitch(cases);
    // Split at a chunk boundary so every leaf but the last is full.
    size_t chunks = (cases.size() + chunk - 1) / chunk;
    size_t mid = (chunks / 2) * chunk;
    Val low = k.binary(BinaryOp::Lt, opcode(), k.u32(cases[mid].opcode));
    k.ifElse(
        low, [&] { range(cases.take_front(mid), chunk); },
        [&] { range(cases.drop_front(mid), chunk); });
  }

  /// switch (opcode) { case OP: handlers...; default: unknown += 1 }
  void leafSwitch(llvm::ArrayRef<DispatchCase> cases) {
    llvm::SmallVector<uint32_t, 16> values;
    values.reserve(cases.size());
    for (const DispatchCase &c : cases)
      values.push_back(c.opcode);
    k.switchOn(
        opcode(), values,
        // A case without handlers (PACKED_SLOT) does nothing.
        [&](size_t i) { return !cases[i].functions.empty(); },
        [&](size_t i) {
          for (Fn fn : cases[i].functions)
            k.call(fn, std::nullopt, params);
        },
        [&] {
          Ptr unknown = k.element(
              sema.control, k.protocol(PV::control_UNKNOWN_OPCODE_COUNT));
          k.atomic(AtomicOp::Add, MemoryOrder::Relaxed, unknown, {k.u32(1)});
        });
  }

private:
  KernelBuilder &k;
  const SemaResult &sema;
  /// dispatch_op's parameters, in kHandlerParameterOrder.
  llvm::ArrayRef<Val> params;

  Val opcode() const { return params[parameterIndex(HandlerInput::Opcode)]; }
};

} // namespace

void vyre::kernel::emitDispatchSwitch(KernelBuilder &k, const SemaResult &sema,
                                      llvm::ArrayRef<Val> params,
                                      llvm::ArrayRef<DispatchCase> cases) {
  DispatchEmitter d(k, sema, params);
  size_t maxCases = k.maxSwitchCases();
  if (cases.size() <= maxCases)
    return d.leafSwitch(cases);
  // Sorted by opcode, in equal chunks of at most maxCases each.
  std::vector<DispatchCase> sorted(cases.begin(), cases.end());
  std::sort(sorted.begin(), sorted.end(),
            [](const DispatchCase &x, const DispatchCase &y) {
              return x.opcode < y.opcode;
            });
  size_t chunks = (cases.size() + maxCases - 1) / maxCases;
  size_t chunk = (cases.size() + chunks - 1) / chunks;
  d.range(sorted, chunk);
}
