//===- Packed.cpp - decode_packed: the PACKED_SLOT decoder ---------------===//
//
// docs/protocol.md, "Packed slot"; the format's constants and formulas are
// vyre/host/packed_slot.h's (the one home of the format), emitted.
//
//===----------------------------------------------------------------------===//
#include "Skeleton.h"

#include "vyre/host/packed_slot.h"

using namespace vyre;
using namespace vyre::kernel;
namespace packed = vyre::host::packed;

/// Byte \p byteIndex of a slot's payload (little-endian in the argument
/// words).
Val MegakernelBuilder::payloadByte(Val argBase, Val byteIndex) {
  Val word = op(BinaryOp::Shr, byteIndex, c(2));
  Val at = add(argBase, word);
  Val w = k.load(k.element(sema.ringBuffer, at));
  Val inWord = bitAnd(byteIndex, c(3));
  Val shift = op(BinaryOp::Shl, inWord, c(3));
  Val shifted = op(BinaryOp::Shr, w, shift);
  return bitAnd(shifted, c(packed::kByteMax));
}

/// Byte \p byteIndex (a compile-time byte offset) of a slot's payload.
Val MegakernelBuilder::payloadByteAt(Val argBase, uint32_t byteIndex) {
  Val at = byteIndex / 4 ? add(argBase, c(byteIndex / 4)) : argBase;
  Val w = k.load(k.element(sema.ringBuffer, at));
  if (byteIndex % 4)
    w = op(BinaryOp::Shr, w, c(8 * (byteIndex % 4)));
  return bitAnd(w, c(packed::kByteMax));
}

/// decode_packed(slot_base).
void MegakernelBuilder::packedFunction() {
  k.define(packedFn, "decode_packed", 1, std::nullopt, Inline::Default,
           {"slot_base"}, [&](llvm::ArrayRef<Val> params) {
             Val slotBase = params[0];
             Var iVar = k.local(Ty::U32);
             k.name(iVar, "packed_inner_index");
             Val argBase = add(slotBase, P(PV::slot_ARG0_WORD));
             Val count = packedCount(argBase);
             Val metaWords = packedMetadataWords(count);
             countUp(iVar, count, [&](Val i) {
               packedInnerOp(argBase, metaWords, i,
                             [&](Val innerOp, llvm::ArrayRef<Val> args) {
                               k.call(dispatchFns[0], std::nullopt,
                                      {slotBase, innerOp, args[0], args[1],
                                       args[2]});
                             });
             });
           });
}

/// packed::clampedCount(count byte, packed.MAX_OPS); a clamp is counted.
Val MegakernelBuilder::packedCount(Val argBase) {
  Val raw = payloadByteAt(argBase, packed::kCountByte);
  Val clamped = op(BinaryOp::Gt, raw, P(PV::packed_MAX_OPS));
  k.ifThen(clamped, [&] { countError(PV::control_PACKED_CLAMPED_COUNT); });
  Val maxOps = P(PV::packed_MAX_OPS);
  return umin(raw, maxOps);
}

/// packed::metadataWords(count), for a run-time count.
Val MegakernelBuilder::packedMetadataWords(Val count) {
  Val pairs = mul(c(packed::kPairBytes), count);
  Val bytes = add(c(packed::kHeaderBytes), pairs);
  Val rounded = add(bytes, c(packed::kBytesPerWord - 1));
  return op(BinaryOp::Div, rounded, c(packed::kBytesPerWord));
}

/// Inner op \p i of a packed slot: its pair, the arity check
/// (packed::argumentsFit), then its arguments, its metric and \p run (which
/// dispatches it).
void MegakernelBuilder::packedInnerOp(
    Val argBase, Val metaWords, Val i,
    llvm::function_ref<void(Val op, llvm::ArrayRef<Val> args)> run) {
  // packed::opcodeByte(i), then packed::argOffsetByte(i)
  Val pairOffset = mul(c(packed::kPairBytes), i);
  Val pairByte = add(c(packed::kHeaderBytes), pairOffset);
  Val innerOp = payloadByte(argBase, pairByte);
  Val offByte = add(pairByte, c(1));
  Val argOffset = payloadByte(argBase, offByte);
  Val base = add(metaWords, argOffset);
  Val end = add(base, c(packed::kArgsPerOp));
  Val fits = op(BinaryOp::Le, end, P(PV::slot_ARGS));
  k.ifElse(
      fits,
      [&] {
        Val firstArg = add(argBase, base);
        Val args[packed::kArgsPerOp];
        for (uint32_t j = 0; j < packed::kArgsPerOp; ++j) {
          Val at = j ? add(firstArg, c(j)) : firstArg;
          args[j] = k.load(k.element(sema.ringBuffer, at));
        }
        countMetric(innerOp, c(1));
        run(innerOp, args);
      },
      // The arity check failed: skip the op and count it.
      [&] { countError(PV::control_PACKED_ARITY_COUNT); });
}
