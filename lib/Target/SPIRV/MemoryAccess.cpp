//===- MemoryAccess.cpp - buffer words, atomics and memory semantics -----===//
//
// Every buffer access goes through here: an OpAccessChain to one u32 word of
// a StorageBuffer block, then OpLoad/OpStore or a relaxed OpAtomic* with
// Device scope whose ordering is carried by OpMemoryBarriers around it.
// docs/protocol.md ("Memory model") is the normative description of the
// fences chosen for each ordering under each memory model; its
// "Robustness" section describes the bounds guards built here.
//
//===----------------------------------------------------------------------===//
#include "EmitInternal.h"

using namespace vyre;
using namespace vyre::emit;

MemoryModelInfo::Fences MemoryModelInfo::fences(AtomicOp op,
                                                MemoryOrder order) {
  bool acquire = order == MemoryOrder::Acquire ||
                 order == MemoryOrder::AcqRel || order == MemoryOrder::SeqCst;
  bool release = order == MemoryOrder::Release ||
                 order == MemoryOrder::AcqRel || order == MemoryOrder::SeqCst;
  // A load keeps only the acquire half and a store only the release half:
  // a release fence before a load (an acquire fence after a store) orders
  // nothing the load (store) itself publishes or observes.
  if (op == AtomicOp::Load)
    release = false;
  else if (op == AtomicOp::Store)
    acquire = false;
  return {acquire, release};
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
  uint32_t ptr = fb.op(spv::Op::OpAccessChain, ptrT, {it->second, c(0), index});
  if (buf->access == Access::Read)
    readOnlyWords.insert(ptr);
  return ptr;
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

uint32_t MemoryModelInfo::barrierSemantics(bool acquire, bool release) const {
  using M = spv::MemorySemanticsMask;
  uint32_t bits = uint32_t(M::UniformMemory);
  if (acquire && release)
    bits |= uint32_t(M::AcquireRelease);
  else if (acquire)
    bits |= uint32_t(M::Acquire);
  else
    bits |= uint32_t(M::Release);
  if (vulkan) {
    if (release)
      bits |= uint32_t(M::MakeAvailable);
    if (acquire)
      bits |= uint32_t(M::MakeVisible);
  }
  return bits;
}

void ModuleContext::fence(FunctionBuilder &fb, bool acquire, bool release) {
  fb.opVoid(spv::Op::OpMemoryBarrier,
            {c(mm.scope()), c(mm.barrierSemantics(acquire, release))});
}

void ModuleContext::acquireIf(FunctionBuilder &fb, uint32_t cond) {
  uint32_t thenL = b.newId(), mergeL = b.newId();
  fb.merge(spv::Op::OpSelectionMerge,
           {mergeL, uint32_t(spv::SelectionControlMask::MaskNone)});
  fb.terminate(spv::Op::OpBranchConditional, {cond, thenL, mergeL});
  fb.block(thenL);
  fence(fb, /*acquire=*/true, /*release=*/false);
  fb.terminate(spv::Op::OpBranch, {mergeL});
  fb.block(mergeL);
}

uint32_t ModuleContext::atomic(FunctionBuilder &fb, AtomicOp op,
                               MemoryOrder order, uint32_t ptr,
                               llvm::ArrayRef<uint32_t> operands) {
  // Every ordering is carried by explicit OpMemoryBarriers around a
  // relaxed atomic (a release fence before it, an acquire fence after it:
  // C++'s fence-to-fence synchronization, which the Vulkan memory model
  // defines too), never by the atomic's own semantics. Why:
  //  - translators keep barriers but drop atomic semantics: spirv-cross
  //    turns an acquire OpAtomicLoad into a relaxed atomic in MSL, HLSL and
  //    GLSL, while OpMemoryBarrier becomes atomic_thread_fence /
  //    DeviceMemoryBarrier / memoryBarrierBuffer (docs/embedding.md);
  //  - lavapipe (Mesa 22.3) drops an invocation that spins on an atomic
  //    carrying acquire semantics past its loop limiter (docs/scenario.md),
  //    while relaxed polls are only cut short.
  // seq_cst gets acq_rel fences: the Vulkan memory model has no SC.
  // A `read` buffer never changes while the kernel runs (nothing writes
  // it), so an atomic load of it is a plain load, and no release writes
  // it for an acquire to pair with. Translators need this: GLSL has no
  // atomic load and spirv-cross spells one atomicAdd(word, 0), which a
  // readonly buffer refuses.
  if (op == AtomicOp::Load && readOnlyWords.count(ptr))
    return loadWord(fb, ptr);
  auto [acquire, release] = MemoryModelInfo::fences(op, order);
  uint32_t scope = c(mm.scope());
  uint32_t relaxed = c(0);
  if (release)
    fence(fb, acquire && release, true);
  auto rmw = [&](spv::Op o) {
    return fb.op(o, u32(), {ptr, scope, relaxed, operands[0]});
  };
  uint32_t result = 0;
  switch (op) {
  case AtomicOp::Load:
    result = fb.op(spv::Op::OpAtomicLoad, u32(), {ptr, scope, relaxed});
    break;
  case AtomicOp::Store:
    // An exchange whose old value nobody reads: HLSL has no atomic store
    // (InterlockedExchange is its spelling of one), and the spirv-cross
    // Debian ships (2021) renders OpAtomicStore as an InterlockedExchange
    // into a temporary it never declares, which no HLSL compiler accepts.
    fb.op(spv::Op::OpAtomicExchange, u32(), {ptr, scope, relaxed, operands[0]});
    break;
  case AtomicOp::Add: result = rmw(spv::Op::OpAtomicIAdd); break;
  case AtomicOp::Sub: result = rmw(spv::Op::OpAtomicISub); break;
  case AtomicOp::And: result = rmw(spv::Op::OpAtomicAnd); break;
  case AtomicOp::Or: result = rmw(spv::Op::OpAtomicOr); break;
  case AtomicOp::Xor: result = rmw(spv::Op::OpAtomicXor); break;
  case AtomicOp::Min: result = rmw(spv::Op::OpAtomicUMin); break;
  case AtomicOp::Max: result = rmw(spv::Op::OpAtomicUMax); break;
  case AtomicOp::Exchange: result = rmw(spv::Op::OpAtomicExchange); break;
  case AtomicOp::CompareExchange:
    // Source order is (expected, desired); SPIR-V wants Value (desired)
    // then Comparator (expected).
    result = fb.op(spv::Op::OpAtomicCompareExchange, u32(),
                   {ptr, scope, relaxed, relaxed, operands[1], operands[0]});
    break;
  }
  if (acquire)
    fence(fb, true, acquire && release);
  return result;
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
