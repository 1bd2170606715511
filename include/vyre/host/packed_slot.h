//===- vyre/host/packed_slot.h - the packed-slot format ---------*- C++ -*-===//
//
// The one home of the packed-slot format (docs/protocol.md, "Packed slot"):
// where the count byte and the (opcode, arg_offset) pairs lie in a slot's
// argument words, how many metadata words they take, and when an inner op's
// arguments fit. Everything that reads or writes packed slots uses these:
// the kernel's decoder (lib/Kernel/Packed.cpp), the interpreter, the
// layout checks of Sema (lib/Sema/Bounds.cpp), the manifest's
// "packed_slot" object, the scenario reader and the encoders of host.h.
//
// Like host.h, which includes it, this header is dependency-free C++17 and
// installed for engines. Only the slot's length (slot.ARGS) and the op cap
// (packed.MAX_OPS) are protocol values; everything here is fixed.
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_HOST_PACKED_SLOT_H
#define VYRE_HOST_PACKED_SLOT_H

#include <cstddef>
#include <cstdint>

namespace vyre::host::packed {

/// The payload is read as little-endian bytes of the argument words.
inline constexpr uint32_t kBytesPerWord = 4;
/// Byte 0: the op count (the kernel clamps it to packed.MAX_OPS).
inline constexpr uint32_t kCountByte = 0;
/// Byte 1: unused by the kernel (vyre's host writes its number of argument
/// words there).
inline constexpr uint32_t kSpareByte = 1;
/// The count byte and the spare byte are the header.
inline constexpr uint32_t kHeaderBytes = 2;
/// Each inner op has one (opcode, arg_offset) byte pair after the header.
inline constexpr uint32_t kPairBytes = 2;
/// Every inner op reads three argument words (arg0..arg2).
inline constexpr uint32_t kArgsPerOp = 3;
/// Inner opcodes, arg_offsets and the count are single bytes.
inline constexpr uint32_t kInnerOpcodeBits = 8;
inline constexpr uint32_t kByteMax = 0xFF;

/// The byte holding inner op \p i's opcode; its arg_offset follows it.
constexpr size_t opcodeByte(size_t i) { return kHeaderBytes + kPairBytes * i; }
constexpr size_t argOffsetByte(size_t i) { return opcodeByte(i) + 1; }

/// The count the kernel decodes: the count byte, clamped to \p maxOps.
constexpr size_t clampedCount(size_t countByte, size_t maxOps) {
  return countByte < maxOps ? countByte : maxOps;
}

/// Words the header and \p count pairs occupy (rounded up); the arguments
/// are addressed from there. The kernel computes it from the clamped count.
constexpr size_t metadataWords(size_t count) {
  return (kHeaderBytes + kPairBytes * count + kBytesPerWord - 1) /
         kBytesPerWord;
}

/// The arity rule: an inner op whose arguments start \p argOffset words after
/// \p metadataWords metadata words runs only if all three lie inside the
/// slot's \p argsPerSlot argument words (otherwise it is skipped and counted
/// in control.PACKED_ARITY_COUNT).
constexpr bool argumentsFit(size_t metadataWords, size_t argOffset,
                            size_t argsPerSlot) {
  return metadataWords + argOffset + kArgsPerOp <= argsPerSlot;
}

/// packed.MAX_OPS as Sema requires it: one argument triple per op.
constexpr size_t maxOpsFor(size_t argsPerSlot) {
  return argsPerSlot / kArgsPerOp;
}

/// The formulas above as the manifest states them (its "packed_slot" object).
inline constexpr const char *kMetadataWordsFormula = "(2 + 2*count + 3) / 4";
inline constexpr const char *kArityRule =
    "metadata_words + arg_offset + 3 <= slot.ARGS";

static_assert(metadataWords(0) == 1 && metadataWords(1) == 1 &&
                  metadataWords(2) == 2 && metadataWords(3) == 2,
              "kMetadataWordsFormula: (2 + 2*count + 3) / 4");
static_assert(argumentsFit(1, 0, 4) && !argumentsFit(1, 1, 4),
              "kArityRule: metadata_words + arg_offset + 3 <= slot.ARGS");

} // namespace vyre::host::packed

#endif // VYRE_HOST_PACKED_SLOT_H
