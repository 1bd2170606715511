//===- vyre/host/host.h - driving a vyrec megakernel from a host ---------===//
//
// A small, dependency-free (C++17, standard library only) header for hosts:
// the protocol layout a manifest describes, and helpers to publish slots,
// encode packed slots, read done_count, metrics and PRINTF records, and
// service LOAD_MISS requests in the IO queue. Fill a Layout from the
// manifest (docs/manifest.md: every field below is a "protocol" entry) or
// from the constants of `vyrec --emit=c-header`. All buffer pointers are the
// host's mapped views of the storage buffers, as arrays of u32 words.
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_HOST_HOST_H
#define VYRE_HOST_HOST_H

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace vyre::host {

struct Layout {
  // slot.*
  uint32_t slotWords = 16, statusWord = 0, opcodeWord = 1, arg0Word = 4,
           argsPerSlot = 12, slotCount = 256;
  // status.*
  uint32_t statusEmpty = 0, statusPublished = 1, statusClaimed = 2,
           statusDone = 3;
  // control.*
  uint32_t shutdownWord = 0, doneCountWord = 1, metricsBase = 96,
           metricsSlots = 32, epochWord = 128, unknownOpcodeCountWord = 141,
           observableBase = 160;
  // control.* error counters (docs/protocol.md, "Robustness")
  uint32_t outOfBoundsCountWord = 142, packedClampedCountWord = 143,
           packedArityCountWord = 144, ioTimeoutCountWord = 145;
  // debug.*
  uint32_t debugCursorWord = 0, debugRecordsBase = 1, debugRecordWords = 4,
           debugBufferWords = 257;
  // io.*, io_word.*, io_status.*
  uint32_t ioSlotCount = 64, ioSlotWords = 8, ioStatusWord = 6,
           ioStatusOk = 0x10, ioStatusError = 0x11;
  // opcode.PACKED_SLOT, packed.MAX_OPS
  uint32_t packedSlotOpcode = 0x80000001u, packedMaxOps = 4;
};

/// Buffer placement (docs/embedding.md, "Buffer placement"). The values of
/// VkMemoryPropertyFlagBits this choice reads (stable Vulkan ABI), so this
/// header needs no Vulkan headers.
constexpr uint32_t kMemoryDeviceLocal = 0x1, kMemoryHostVisible = 0x2,
                   kMemoryHostCoherent = 0x4;

enum class Placement {
  None,                   // no host-visible coherent memory type fits
  DeviceLocalHostVisible, // DEVICE_LOCAL|HOST_VISIBLE|HOST_COHERENT (e.g. resizable BAR)
  HostVisible,            // HOST_VISIBLE|HOST_COHERENT system memory
};

inline const char *placementName(Placement p) {
  switch (p) {
  case Placement::DeviceLocalHostVisible: return "device-local host-visible";
  case Placement::HostVisible: return "host-visible";
  default: return "none";
  }
}

/// The memory type for a buffer the host maps while the kernel runs (every
/// protocol buffer: the manifest's `host_access_while_running` is not
/// "none"). \p typeBits comes from vkGetBufferMemoryRequirements,
/// \p propertyFlags[i] from VkPhysicalDeviceMemoryProperties::memoryTypes.
/// The first allowed type holding DEVICE_LOCAL|HOST_VISIBLE|HOST_COHERENT
/// wins, else the first holding HOST_VISIBLE|HOST_COHERENT: device-local
/// memory keeps the kernel's claim loop off the PCIe bus (33x fewer ms for
/// NOP slots on an H200). With \p preferDeviceLocal = false the first
/// host-visible coherent type that is not device-local wins (system
/// memory, for comparison), else any host-visible coherent one. Returns the
/// type index and sets \p placement from the chosen type's flags, or -1
/// (Placement::None).
inline int chooseMemoryType(uint32_t typeBits, const uint32_t *propertyFlags,
                            uint32_t typeCount, Placement &placement,
                            bool preferDeviceLocal = true) {
  const uint32_t host = kMemoryHostVisible | kMemoryHostCoherent;
  auto find = [&](uint32_t want, uint32_t avoid) {
    for (uint32_t t = 0; t < typeCount && t < 32; ++t)
      if ((typeBits & (1u << t)) && (propertyFlags[t] & want) == want &&
          !(propertyFlags[t] & avoid))
        return static_cast<int>(t);
    return -1;
  };
  int t = preferDeviceLocal ? find(host | kMemoryDeviceLocal, 0)
                            : find(host, kMemoryDeviceLocal);
  if (t < 0)
    t = find(host, 0);
  placement = t < 0 ? Placement::None
              : propertyFlags[t] & kMemoryDeviceLocal
                  ? Placement::DeviceLocalHostVisible
                  : Placement::HostVisible;
  return t;
}

namespace detail {
// The kernel updates these words with device atomics; the host must not
// tear them either. std::atomic_ref is C++20; reinterpret through
// std::atomic<uint32_t>, which is lock-free and layout-compatible on every
// platform Vulkan runs on.
inline std::atomic<uint32_t> &word(uint32_t *p) {
  static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t));
  return *reinterpret_cast<std::atomic<uint32_t> *>(p);
}
inline uint32_t load(const uint32_t *p) {
  return word(const_cast<uint32_t *>(p)).load(std::memory_order_acquire);
}
} // namespace detail

/// One inner op of a packed slot: an 8-bit opcode and three arguments.
struct InnerOp {
  uint32_t opcode;
  uint32_t args[3];
};

/// One (opcode, arg_offset) byte pair of a packed slot's metadata.
struct PackedPair {
  uint8_t opcode, argOffset;
};

/// The lower level of encodePacked: writes exactly the given metadata and
/// argument words into the layout.argsPerSlot words at \p out, checking
/// only that they fit, so a host (or a test) can also build slots the
/// kernel must reject: a count byte above MAX_OPS (clamped), an arg_offset
/// whose triple runs past the slot (the arity check), more pairs than the
/// count. Byte 0 = \p countByte, byte 1 = 0, pair i at bytes 2 + 2i and
/// 3 + 2i (little-endian within words; the rest of the last metadata word is
/// 0); \p argWords[w] goes to word metadata_words + w, where metadata_words
/// = (2 + 2 * min(countByte, packedMaxOps) + 3) / 4 is the kernel's formula;
/// every other word is 0. Returns false (and writes nothing) if the \p n
/// pairs do not fit in argsPerSlot words, if an argument word would fall
/// past them, or if a non-zero argument word would fall in a word the pairs
/// occupy (more pairs than the clamped count describes).
inline bool encodePackedRaw(const Layout &l, uint8_t countByte,
                            const PackedPair *pairs, size_t n,
                            const uint32_t *argWords, size_t nArgWords,
                            uint32_t *out) {
  size_t clamped = countByte < l.packedMaxOps ? countByte : l.packedMaxOps;
  size_t metadataWords = (2 + 2 * clamped + 3) / 4;
  size_t headerWords = (2 + 2 * n + 3) / 4;
  if (headerWords > l.argsPerSlot)
    return false;
  if (nArgWords > 0 && metadataWords + nArgWords > l.argsPerSlot)
    return false;
  for (size_t w = 0; w < nArgWords; ++w)
    if (metadataWords + w < headerWords && argWords[w] != 0)
      return false;
  for (uint32_t w = 0; w < l.argsPerSlot; ++w)
    out[w] = 0;
  for (size_t w = 0; w < nArgWords; ++w)
    out[metadataWords + w] = argWords[w];
  std::vector<uint8_t> bytes(headerWords * 4, 0);
  bytes[0] = countByte;
  for (size_t i = 0; i < n; ++i) {
    bytes[2 + 2 * i] = pairs[i].opcode;
    bytes[3 + 2 * i] = pairs[i].argOffset;
  }
  for (size_t w = 0; w < headerWords; ++w)
    out[w] = uint32_t(bytes[4 * w]) | uint32_t(bytes[4 * w + 1]) << 8 |
             uint32_t(bytes[4 * w + 2]) << 16 | uint32_t(bytes[4 * w + 3]) << 24;
  return true;
}

/// Encodes \p count inner ops into the argument words of one slot
/// (\p argWords holds layout.argsPerSlot words): byte 0 = count, then one
/// (opcode, arg_offset) byte pair per op from byte 2, then the ops' argument
/// triples after the metadata words. Triples share words where they can
/// (an op whose arguments already appear, or overlap the tail of the last
/// triple, reuses them), which is how MAX_OPS ops fit. Returns false (and
/// writes nothing) if the ops do not fit or an opcode is not 8 bits.
inline bool encodePacked(const Layout &l, const InnerOp *ops, size_t count,
                         uint32_t *argWords) {
  if (count == 0 || count > l.packedMaxOps || count > 0xFF)
    return false;
  uint32_t metadataWords = static_cast<uint32_t>((2 + 2 * count + 3) / 4);
  if (metadataWords > l.argsPerSlot)
    return false;
  uint32_t room = l.argsPerSlot - metadataWords;
  std::vector<uint32_t> data; // argument words after the metadata
  std::vector<PackedPair> pairs(count);
  for (size_t i = 0; i < count; ++i) {
    if (ops[i].opcode > 0xFF)
      return false;
    // First offset where the triple matches what is there or runs past it.
    uint32_t o = 0;
    for (;; ++o) {
      bool fits = true;
      for (uint32_t a = 0; a < 3 && fits; ++a)
        fits = o + a >= data.size() || data[o + a] == ops[i].args[a];
      if (fits)
        break;
    }
    for (uint32_t a = 0; a < 3; ++a)
      if (o + a >= data.size())
        data.push_back(ops[i].args[a]);
    if (data.size() > room || o > 0xFF)
      return false;
    pairs[i] = {static_cast<uint8_t>(ops[i].opcode), static_cast<uint8_t>(o)};
  }
  return encodePackedRaw(l, static_cast<uint8_t>(count), pairs.data(), count,
                         data.data(), data.size(), argWords);
}

/// Writes a slot's opcode and arguments, then publishes it: the status word
/// is written last with release ordering, so the kernel that claims the slot
/// sees the payload. The slot must be EMPTY (or DONE and being recycled).
/// Returns false if \p slot is out of range or there are too many args.
inline bool publishSlot(const Layout &l, uint32_t *ring, uint32_t slot,
                        uint32_t opcode, const uint32_t *args, size_t nargs) {
  if (slot >= l.slotCount || nargs > l.argsPerSlot)
    return false;
  uint32_t *s = ring + size_t(slot) * l.slotWords;
  s[l.opcodeWord] = opcode;
  for (uint32_t a = 0; a < l.argsPerSlot; ++a)
    s[l.arg0Word + a] = a < nargs ? args[a] : 0;
  detail::word(s + l.statusWord).store(l.statusPublished, std::memory_order_release);
  return true;
}

/// Publishes a packed slot carrying \p count inner ops.
inline bool publishPacked(const Layout &l, uint32_t *ring, uint32_t slot,
                          const InnerOp *ops, size_t count) {
  std::vector<uint32_t> args(l.argsPerSlot);
  return encodePacked(l, ops, count, args.data()) &&
         publishSlot(l, ring, slot, l.packedSlotOpcode, args.data(), args.size());
}

inline uint32_t slotStatus(const Layout &l, const uint32_t *ring, uint32_t slot) {
  return detail::load(ring + size_t(slot) * l.slotWords + l.statusWord);
}

/// Marks a DONE slot EMPTY again so it can be republished.
inline void recycleSlot(const Layout &l, uint32_t *ring, uint32_t slot) {
  detail::word(ring + size_t(slot) * l.slotWords + l.statusWord)
      .store(l.statusEmpty, std::memory_order_release);
}

inline uint32_t doneCount(const Layout &l, const uint32_t *control) {
  return detail::load(control + l.doneCountWord);
}

/// metrics[opcode], or 0 for opcodes without a counter (>= METRICS_SLOTS).
inline uint32_t metric(const Layout &l, const uint32_t *control, uint32_t opcode) {
  return opcode < l.metricsSlots ? detail::load(control + l.metricsBase + opcode) : 0;
}

/// The kernel's error counters (docs/protocol.md, "Robustness"). All zero
/// for a well-formed workload; a host should log any that grow.
struct ErrorCounts {
  uint32_t unknownOpcode, outOfBounds, packedClamped, packedArity, ioTimeout;
};

inline ErrorCounts errorCounts(const Layout &l, const uint32_t *control) {
  return {detail::load(control + l.unknownOpcodeCountWord),
          detail::load(control + l.outOfBoundsCountWord),
          detail::load(control + l.packedClampedCountWord),
          detail::load(control + l.packedArityCountWord),
          detail::load(control + l.ioTimeoutCountWord)};
}

inline void requestShutdown(const Layout &l, uint32_t *control) {
  detail::word(control + l.shutdownWord).store(1, std::memory_order_release);
}

struct PrintfRecord {
  uint32_t fmtId, arg1, arg2, slotBase;
};

/// The PRINTF records that fit in the log (the cursor counts reserved words,
/// including those of records dropped because the log was full).
inline std::vector<PrintfRecord> printfRecords(const Layout &l, const uint32_t *debugLog) {
  std::vector<PrintfRecord> out;
  if (l.debugRecordWords < 4) // a record is (fmt_id, arg1, arg2, slot_base)
    return out;
  uint32_t reserved = detail::load(debugLog + l.debugCursorWord);
  for (uint32_t off = 0; off + l.debugRecordWords <= reserved; off += l.debugRecordWords) {
    uint32_t base = l.debugRecordsBase + off;
    if (base + l.debugRecordWords > l.debugBufferWords)
      break;
    out.push_back({debugLog[base], debugLog[base + 1], debugLog[base + 2], debugLog[base + 3]});
  }
  return out;
}

/// Services every PUBLISHED request in the IO queue: calls
/// `bool serve(const uint32_t *request)` for each and writes io_status.OK or
/// ERROR into its status word. Returns how many requests it serviced.
template <typename Serve>
size_t serviceIoQueue(const Layout &l, uint32_t *ioQueue, Serve &&serve) {
  size_t serviced = 0;
  for (uint32_t i = 0; i < l.ioSlotCount; ++i) {
    uint32_t *req = ioQueue + size_t(i) * l.ioSlotWords;
    if (detail::load(req + l.ioStatusWord) != l.statusPublished)
      continue;
    bool ok = serve(static_cast<const uint32_t *>(req));
    detail::word(req + l.ioStatusWord)
        .store(ok ? l.ioStatusOk : l.ioStatusError, std::memory_order_release);
    ++serviced;
  }
  return serviced;
}

} // namespace vyre::host

#endif
