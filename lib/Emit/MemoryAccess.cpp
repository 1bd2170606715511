//===- MemoryAccess.cpp - buffer words, atomics and memory semantics -----===//
//
// Every buffer access goes through here: an OpAccessChain to one u32 word of
// a StorageBuffer block, then OpLoad/OpStore or an OpAtomic* with Device
// scope. docs/protocol.md ("Memory model") is the normative description of
// the semantics chosen for each ordering under each memory model; its
// "Robustness" section describes the bounds guards built here.
//
//===----------------------------------------------------------------------===//
#include "EmitInternal.h"

using namespace vyre;
using namespace vyre::emit;

uint32_t MemoryModelInfo::semantics(AtomicOp op, MemoryOrder order,
                                    bool unequal) const {
  MemoryOrder o = order;
  // A compare-exchange that fails only reads: its semantics are the success
  // ordering minus release.
  if (unequal) {
    if (o == MemoryOrder::Release)
      o = MemoryOrder::Relaxed;
    else if (o == MemoryOrder::AcqRel)
      o = MemoryOrder::Acquire;
  }
  // Vulkan forbids release/acq_rel/seq_cst on OpAtomicLoad and
  // acquire/acq_rel/seq_cst on OpAtomicStore (VUID-StandaloneSpirv-
  // OpAtomicLoad-04731, -OpAtomicStore-04730): keep the half that applies.
  if (op == AtomicOp::Load) {
    if (o == MemoryOrder::Release)
      o = MemoryOrder::Relaxed;
    else if (o == MemoryOrder::AcqRel || o == MemoryOrder::SeqCst)
      o = MemoryOrder::Acquire;
  } else if (op == AtomicOp::Store) {
    if (o == MemoryOrder::Acquire)
      o = MemoryOrder::Relaxed;
    else if (o == MemoryOrder::AcqRel || o == MemoryOrder::SeqCst)
      o = MemoryOrder::Release;
  }
  // The Vulkan memory model has no SequentiallyConsistent: acq_rel is the
  // strongest ordering it offers.
  if (vulkan && o == MemoryOrder::SeqCst)
    o = unequal ? MemoryOrder::Acquire : MemoryOrder::AcqRel;

  using M = spv::MemorySemanticsMask;
  uint32_t bits = 0;
  switch (o) {
  case MemoryOrder::Relaxed: return 0;
  case MemoryOrder::Acquire: bits = uint32_t(M::Acquire); break;
  case MemoryOrder::Release: bits = uint32_t(M::Release); break;
  case MemoryOrder::AcqRel: bits = uint32_t(M::AcquireRelease); break;
  case MemoryOrder::SeqCst: bits = uint32_t(M::SequentiallyConsistent); break;
  }
  bits |= uint32_t(M::UniformMemory);
  if (vulkan) {
    if (o == MemoryOrder::Release || o == MemoryOrder::AcqRel)
      bits |= uint32_t(M::MakeAvailable);
    if (o == MemoryOrder::Acquire || o == MemoryOrder::AcqRel)
      bits |= uint32_t(M::MakeVisible);
  }
  return bits;
}

uint32_t ModuleContext::wordPointer(FunctionBuilder &fb, const BufferDecl *buf,
                                    uint32_t index) {
  auto it = bufferVars.find(buf);
  if (!buf || it == bufferVars.end()) {
    fail(buf ? "buffer '" + buf->name + "' has no variable"
             : std::string("a protocol buffer is missing"));
    return b.newId();
  }
  uint32_t ptrT = b.typePointer(spv::StorageClass::StorageBuffer, u32());
  return fb.op(spv::Op::OpAccessChain, ptrT, {it->second, c(0), index});
}

uint32_t ModuleContext::loadWord(FunctionBuilder &fb, uint32_t ptr) {
  if (mm.vulkan)
    return fb.op(spv::Op::OpLoad, u32(),
                 {ptr, uint32_t(spv::MemoryAccessMask::NonPrivatePointer)});
  return fb.op(spv::Op::OpLoad, u32(), {ptr});
}

void ModuleContext::storeWord(FunctionBuilder &fb, uint32_t ptr,
                              uint32_t value) {
  if (mm.vulkan)
    fb.opVoid(spv::Op::OpStore,
              {ptr, value, uint32_t(spv::MemoryAccessMask::NonPrivatePointer)});
  else
    fb.opVoid(spv::Op::OpStore, {ptr, value});
}

uint32_t ModuleContext::atomic(FunctionBuilder &fb, AtomicOp op,
                               MemoryOrder order, uint32_t ptr,
                               llvm::ArrayRef<uint32_t> operands) {
  uint32_t scope = c(mm.scope());
  uint32_t sem = c(mm.semantics(op, order));
  auto rmw = [&](spv::Op o) {
    return fb.op(o, u32(), {ptr, scope, sem, operands[0]});
  };
  switch (op) {
  case AtomicOp::Load:
    return fb.op(spv::Op::OpAtomicLoad, u32(), {ptr, scope, sem});
  case AtomicOp::Store:
    fb.opVoid(spv::Op::OpAtomicStore, {ptr, scope, sem, operands[0]});
    return 0;
  case AtomicOp::Add: return rmw(spv::Op::OpAtomicIAdd);
  case AtomicOp::Sub: return rmw(spv::Op::OpAtomicISub);
  case AtomicOp::And: return rmw(spv::Op::OpAtomicAnd);
  case AtomicOp::Or: return rmw(spv::Op::OpAtomicOr);
  case AtomicOp::Xor: return rmw(spv::Op::OpAtomicXor);
  case AtomicOp::Min: return rmw(spv::Op::OpAtomicUMin);
  case AtomicOp::Max: return rmw(spv::Op::OpAtomicUMax);
  case AtomicOp::Exchange: return rmw(spv::Op::OpAtomicExchange);
  case AtomicOp::CompareExchange: {
    // Source order is (expected, desired); SPIR-V wants Value (desired)
    // then Comparator (expected).
    uint32_t unequal = c(mm.semantics(op, order, /*unequal=*/true));
    return fb.op(spv::Op::OpAtomicCompareExchange, u32(),
                 {ptr, scope, sem, unequal, operands[1], operands[0]});
  }
  }
  return 0;
}

uint32_t ModuleContext::arrayLength(FunctionBuilder &fb, const BufferDecl *buf) {
  auto it = bufferVars.find(buf);
  if (!buf || it == bufferVars.end()) {
    fail(buf ? "buffer '" + buf->name + "' has no variable"
             : std::string("a protocol buffer is missing"));
    return b.newId();
  }
  // Once per function, in its first block: the length cannot change while
  // the kernel runs.
  return fb.entryOp(spv::Op::OpArrayLength, u32(), {it->second, 0});
}

void ModuleContext::countError(FunctionBuilder &fb, PV counter) {
  atomic(fb, AtomicOp::Add, MemoryOrder::Relaxed,
         wordPointer(fb, sema.control, c(sema.protocol[counter])), {c(1)});
}

uint32_t ModuleContext::guardedAccess(
    FunctionBuilder &fb, const BufferDecl *buf, uint32_t index, bool hasResult,
    llvm::SMLoc loc, llvm::function_ref<uint32_t(uint32_t ptr)> body) {
  constexpr auto kNone =
      static_cast<uint32_t>(spv::SelectionControlMask::MaskNone);
  uint32_t len = arrayLength(fb, buf);
  uint32_t inRange = fb.op(spv::Op::OpULessThan, boolT(), {index, len});
  uint32_t inL = b.newId(), outL = b.newId(), mergeL = b.newId();
  fb.merge(spv::Op::OpSelectionMerge, {mergeL, kNone});
  fb.terminate(spv::Op::OpBranchConditional, {inRange, inL, outL});
  fb.block(inL);
  line(fb, loc);
  uint32_t r = body(wordPointer(fb, buf, index));
  fb.terminate(spv::Op::OpBranch, {mergeL});
  fb.block(outL);
  if (!oobFn)
    oobFn = b.newId();
  oobUsed = true;
  fb.op(spv::Op::OpFunctionCall, voidT(), {oobFn});
  fb.terminate(spv::Op::OpBranch, {mergeL});
  fb.block(mergeL);
  line(fb, loc);
  if (!hasResult)
    return 0;
  return fb.op(spv::Op::OpPhi, u32(), {r, inL, c(0), outL});
}
