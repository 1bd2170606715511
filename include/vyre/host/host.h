//===- vyre/host/host.h - driving a vyrec megakernel from a host ---------===//
//
// A small, dependency-free header for hosts (C++17: the standard library,
// and on x86 the compiler's <immintrin.h> for _mm_sfence):
// the protocol layout a manifest describes, and helpers to publish slots,
// encode packed slots, read done_count, metrics and PRINTF records, and
// service LOAD_MISS requests in the IO queue; set the tenant masks (the
// tenant gate) and the priority partitions (the priority schedule), and
// publish slots exactly as vyre's own host does (publishSlotAsVyre,
// encodePackedAsVyre), and choose the loop for a CPU device
// (preferPortableLoop). Fill a Layout from the
// manifest (docs/manifest.md: every field below is a "protocol" entry) or
// from the constants of `vyrec --emit=c-header`. All buffer pointers are the
// host's mapped views of the storage buffers, as arrays of u32 words.
//
// A sharded module (vyrec --shards, docs/protocol.md "Shards") changes
// nothing here: the slot protocol is the same, and which shard runs a slot
// is the kernel's business. The host only creates one pipeline per entry
// point that the manifest's "shards" (or the generated header's
// NAME_entry_points[]) lists, and dispatches them all (docs/embedding.md).
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_HOST_HOST_H
#define VYRE_HOST_HOST_H

#include "packed_slot.h"

#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__) || defined(_M_IX86)
#include <immintrin.h> // _mm_sfence
#endif

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace vyre::host {

/// Where each protocol word is. The defaults are vyre's prelude values,
/// written out so this header needs nothing else;
/// test/unit/HostDefaultsTest.cpp checks them against the prelude.
struct Layout {
  // slot.*
  uint32_t slotWords = 16, statusWord = 0, opcodeWord = 1, tenantWord = 2,
           priorityWord = 3, arg0Word = 4, argsPerSlot = 12, slotCount = 256;
  // status.*
  uint32_t statusEmpty = 0, statusPublished = 1, statusClaimed = 2,
           statusDone = 3;
  // control.*
  uint32_t shutdownWord = 0, doneCountWord = 1, metricsBase = 96,
           metricsSlots = 32, epochWord = 128, unknownOpcodeCountWord = 141,
           observableBase = 160;
  // control.* tenant and priority words; priority.*
  uint32_t tenantBase = 2, tenantQuotaBase = 32, tenantFairnessBase = 64,
           priorityOffsetsBase = 129, priorityLevels = 5, priorityNormal = 2;
  // control.* error counters (docs/protocol.md, "Robustness")
  uint32_t outOfBoundsCountWord = 142, packedClampedCountWord = 143,
           packedArityCountWord = 144, ioTimeoutCountWord = 145,
           ioErrorCountWord = 146, cutShortCountWord = 147;
  // kernel.PUBLISH: 1 where it is publish.DOORBELL (the host rings the
  // doorbell; the manifest's "publish" says whether the kernel relies on
  // it), and control.DOORBELL. Words, like every field.
  uint32_t doorbell = 0, doorbellWord = 148;
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
                   kMemoryHostCoherent = 0x4, kMemoryHostCached = 0x8;

enum class Placement {
  None,                   // no host-visible coherent memory type fits
  DeviceLocalHostVisible, // DEVICE_LOCAL|HOST_VISIBLE|HOST_COHERENT (e.g. resizable BAR)
  HostVisible,            // HOST_VISIBLE|HOST_COHERENT system memory
  HostCached,             // HOST_VISIBLE|HOST_COHERENT|HOST_CACHED system memory
};

inline const char *placementName(Placement p) {
  switch (p) {
  case Placement::DeviceLocalHostVisible: return "device-local host-visible";
  case Placement::HostVisible: return "host-visible";
  case Placement::HostCached: return "host-cached";
  default: return "none";
  }
}

namespace detail {
/// The first memory type allowed by \p typeBits whose flags hold \p want
/// and none of \p avoid, or -1.
inline int findMemoryType(uint32_t typeBits, const uint32_t *propertyFlags,
                          uint32_t typeCount, uint32_t want, uint32_t avoid) {
  for (uint32_t t = 0; t < typeCount && t < 32; ++t)
    if ((typeBits & (1u << t)) && (propertyFlags[t] & want) == want &&
        !(propertyFlags[t] & avoid))
      return static_cast<int>(t);
  return -1;
}
/// Where memory of flags \p flags puts a buffer the host maps.
inline Placement placementOf(uint32_t flags) {
  if (flags & kMemoryDeviceLocal)
    return Placement::DeviceLocalHostVisible;
  return flags & kMemoryHostCached ? Placement::HostCached
                                   : Placement::HostVisible;
}
} // namespace detail

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
    return detail::findMemoryType(typeBits, propertyFlags, typeCount, want,
                                  avoid);
  };
  int t = preferDeviceLocal ? find(host | kMemoryDeviceLocal, 0)
                            : find(host, kMemoryDeviceLocal);
  if (t < 0)
    t = find(host, 0);
  placement = t < 0 ? Placement::None : detail::placementOf(propertyFlags[t]);
  return t;
}

/// The memory type for the completion mirror (the manifest's "placement":
/// "host_cached"; docs/embedding.md, "Buffer placement"): the first allowed
/// type holding HOST_VISIBLE|HOST_COHERENT|HOST_CACHED that is not
/// DEVICE_LOCAL, so that the host's polls hit its own cache until the
/// kernel's write (which a coherent type snoops) lands; else the first
/// host-visible coherent one. The kernel writes the mirror and never reads
/// it, so system memory costs it one posted write per slot. Returns the
/// type index and sets \p placement, or -1 (Placement::None).
inline int chooseHostCachedMemoryType(uint32_t typeBits,
                                      const uint32_t *propertyFlags,
                                      uint32_t typeCount,
                                      Placement &placement) {
  const uint32_t host = kMemoryHostVisible | kMemoryHostCoherent;
  int t = detail::findMemoryType(typeBits, propertyFlags, typeCount,
                                 host | kMemoryHostCached, kMemoryDeviceLocal);
  if (t < 0)
    t = detail::findMemoryType(typeBits, propertyFlags, typeCount, host, 0);
  placement = t < 0 ? Placement::None : detail::placementOf(propertyFlags[t]);
  return t;
}

/// Whether a running kernel sees the host's writes to a buffer placed at
/// \p p, so that the host may publish into it while the kernel runs (live
/// publishing, the doorbell, round trips): in device-local host-visible
/// memory, yes; in system memory, no. On NVIDIA's driver (H100, 580) a
/// running dispatch never saw the host's writes to system memory, whatever
/// the module's decorations or atomic semantics, only the next dispatch did
/// (docs/gpu-runs.md, 2026-12-07), and Vulkan promises nothing more. So a
/// host that publishes while the kernel runs keeps the ring and control
/// buffers where this holds, or publishes before each dispatch.
inline bool seesHostWritesWhileRunning(Placement p) {
  return p == Placement::DeviceLocalHostVisible;
}

/// A workgroup size and the workgroups to dispatch.
struct WorkgroupFit {
  uint32_t workgroupSize, workgroups;
};

/// On Mesa's llvmpipe (lavapipe; VkPhysicalDeviceDriverProperties::driverID
/// VK_DRIVER_ID_MESA_LLVMPIPE), a workgroup must be one subgroup: llvmpipe
/// runs a workgroup's subgroups as cooperative fibers and abandons the
/// unfinished ones once one of them finishes, so their invocations never
/// complete while the dispatch succeeds (docs/embedding.md). Such a host
/// specializes kernel.WORKGROUP_SIZE (the manifest's spec_constants) to
/// the returned size and dispatches the returned workgroups: the same
/// invocations in all (rounded up to whole subgroups). A workgroup already
/// no larger than \p subgroupSize is kept.
inline WorkgroupFit fitWorkgroupsToSubgroup(uint32_t workgroups,
                                            uint32_t workgroupSize,
                                            uint32_t subgroupSize) {
  if (subgroupSize == 0 || workgroupSize <= subgroupSize)
    return {workgroupSize, workgroups};
  uint64_t invocations = uint64_t(workgroups) * workgroupSize;
  return {subgroupSize,
          static_cast<uint32_t>((invocations + subgroupSize - 1) / subgroupSize)};
}

/// VK_PHYSICAL_DEVICE_TYPE_CPU, a VkPhysicalDeviceProperties::deviceType
/// value (stable Vulkan ABI), so this header needs no Vulkan headers.
constexpr uint32_t kPhysicalDeviceTypeCpu = 4;

/// Whether a host should build the portable loop's entry point (the
/// manifest's skeleton.portable_entry_point, the generated header's
/// NAME_portable_entry_point; null where the module has only portable
/// loops; docs/embedding.md, "CPU devices") instead of entry_point, on a
/// device of VkPhysicalDeviceProperties::deviceType \p physicalDeviceType:
/// yes on a CPU device (lavapipe, SwiftShader), which runs a subgroup as one SIMD
/// vector, so the subgroup and grouped skeletons' subgroup operations only
/// cost (on lavapipe the grouped loop took 57.7 ms for a mixed ring, the
/// portable one 8.7 ms); no on a GPU, where they make the kernel fast.
inline bool preferPortableLoop(uint32_t physicalDeviceType) {
  return physicalDeviceType == kPhysicalDeviceTypeCpu;
}

/// What the module needs of a device: the manifest's `requires` (or the
/// `NAME_requires_*` constants of `vyrec --emit=c-header`), and the hash
/// that ties the manifest to its module (docs/manifest.md). A host creates
/// its instance with apiVersion (apiMajor, apiMinor) and the instance
/// extensions listed, refuses a device whose
/// API version is lower or that lacks a feature, extension or subgroup
/// operation, and enables the features and extensions listed.
struct Requirements {
  uint32_t apiMajor = 1, apiMinor = 1;
  /// Instance extensions to enable: a device extension's dependency on a
  /// Vulkan 1.0 instance ("VK_KHR_get_physical_device_properties2").
  std::vector<std::string> instanceExtensions;
  std::vector<std::string> deviceExtensions; // "VK_KHR_vulkan_memory_model"
  std::vector<std::string> deviceFeatures;   // "vulkanMemoryModel"
  std::vector<std::string> subgroupOperations; // "basic", "ballot", ...
  std::vector<std::string> capabilities;     // "Shader", ... (informative)
  std::string moduleSha256; // lower-case hex of the .spv bytes
};

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
/// Orders the host's earlier stores before its later ones, and pushes them
/// to the device now. A GPU's host-visible device memory is usually mapped
/// write-combining, and x86 orders write-combining stores only at an
/// sfence, which a C++ release store does not emit (it is a plain mov);
/// nor does anything else flush the write-combining buffer soon.
inline void storeFence() {
#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__) || defined(_M_IX86)
  _mm_sfence();
#else
  std::atomic_thread_fence(std::memory_order_seq_cst);
#endif
}
/// The host's every store that hands the kernel something (a status word,
/// the doorbell, SHUTDOWN, a table): after every earlier store, with
/// release ordering, and on its way to the device when this returns.
inline void release(uint32_t *p, uint32_t value) {
  storeFence();
  word(p).store(value, std::memory_order_release);
  storeFence();
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
/// count. The count byte = \p countByte, the spare byte 0, pair i
/// at packed::opcodeByte(i) and packed::argOffsetByte(i) (packed_slot.h; the
/// rest of the last metadata word is 0); \p argWords[w] goes to word
/// metadata_words + w, where metadata_words is the kernel's
/// packed::metadataWords(packed::clampedCount(countByte, packedMaxOps));
/// every other word is 0. Returns false (and writes nothing) if the \p n
/// pairs do not fit in argsPerSlot words, if an argument word would fall
/// past them, or if a non-zero argument word would fall in a word the pairs
/// occupy (more pairs than the clamped count describes).
inline bool encodePackedRaw(const Layout &l, uint8_t countByte,
                            const PackedPair *pairs, size_t n,
                            const uint32_t *argWords, size_t nArgWords,
                            uint32_t *out) {
  size_t metadataWords =
      packed::metadataWords(packed::clampedCount(countByte, l.packedMaxOps));
  size_t headerWords = packed::metadataWords(n);
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
  std::vector<uint8_t> bytes(headerWords * packed::kBytesPerWord, 0);
  bytes[packed::kCountByte] = countByte;
  for (size_t i = 0; i < n; ++i) {
    bytes[packed::opcodeByte(i)] = pairs[i].opcode;
    bytes[packed::argOffsetByte(i)] = pairs[i].argOffset;
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
  if (count == 0 || count > l.packedMaxOps || count > packed::kByteMax)
    return false;
  uint32_t metadataWords = static_cast<uint32_t>(packed::metadataWords(count));
  if (metadataWords > l.argsPerSlot)
    return false;
  uint32_t room = l.argsPerSlot - metadataWords;
  std::vector<uint32_t> data; // argument words after the metadata
  std::vector<PackedPair> pairs(count);
  for (size_t i = 0; i < count; ++i) {
    if (ops[i].opcode > packed::kByteMax)
      return false;
    // First offset where the triple matches what is there or runs past it.
    uint32_t o = 0;
    for (;; ++o) {
      bool fits = true;
      for (uint32_t a = 0; a < packed::kArgsPerOp && fits; ++a)
        fits = o + a >= data.size() || data[o + a] == ops[i].args[a];
      if (fits)
        break;
    }
    for (uint32_t a = 0; a < packed::kArgsPerOp; ++a)
      if (o + a >= data.size())
        data.push_back(ops[i].args[a]);
    if (data.size() > room || o > packed::kByteMax)
      return false;
    pairs[i] = {static_cast<uint8_t>(ops[i].opcode), static_cast<uint8_t>(o)};
  }
  return encodePackedRaw(l, static_cast<uint8_t>(count), pairs.data(), count,
                         data.data(), data.size(), argWords);
}

inline uint32_t slotStatus(const Layout &l, const uint32_t *ring, uint32_t slot) {
  return detail::load(ring + size_t(slot) * l.slotWords + l.statusWord);
}

/// Whether a slot whose status is \p status is free for the host to write:
/// EMPTY, or DONE (the kernel has finished it); any other is in flight.
inline bool slotIsFree(const Layout &l, uint32_t status) {
  return status == l.statusEmpty || status == l.statusDone;
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
  detail::release(s + l.statusWord, l.statusPublished);
  return true;
}

/// The doorbell's count of published slots wraps at this multiple of
/// \p slotCount (slot.COUNT, as specialized), so that the n-th slot a host
/// publishes is ring slot n mod slot.COUNT across the wrap too
/// (docs/protocol.md, "The doorbell").
inline uint32_t doorbellModulus(uint32_t slotCount) {
  uint32_t count = slotCount ? slotCount : 1;
  return count * (0xFFFFFFFFu / count);
}

/// publish.DOORBELL (Layout::doorbell): stores \p published, the count of
/// slots the host has published into the ring in order (slot n mod
/// slot.COUNT as its n-th), in control.DOORBELL with release ordering, after
/// their status words; it wraps at doorbellModulus. Nothing under
/// publish.SCAN.
inline void ringDoorbell(const Layout &l, uint32_t *control, uint64_t published) {
  if (l.doorbell)
    detail::release(control + l.doorbellWord,
                    static_cast<uint32_t>(published %
                                          doorbellModulus(l.slotCount)));
}

/// Publishes slots and waits for them under either publishing contract
/// (the manifest's "publish"): with publish.SCAN a slot is announced by
/// its status word alone; with publish.DOORBELL the slots are published in
/// ring order and announce() stores the count of published slots in
/// control.DOORBELL (release, after their status words). One Publisher
/// per ring; it must be the only one publishing into it, and it starts
/// where the kernel's doorbell starts, at slot 0 with the count 0.
///
/// With a completion mirror (the module's "completions" buffer:
/// docs/protocol.md, "The completion mirror"), pass its mapped words: the
/// kernel stores DONE into completions[slot] after the slot's DONE in the
/// ring, and completed() polls that word in the host's own memory instead
/// of the ring's status word across the bus. publish() clears the slot's
/// mirror word before it publishes, and, for a slot the mirror covers,
/// writes over it only once the mirror said DONE (or the ring's status is
/// EMPTY): a ring DONE seen before its mirror word landed would let that
/// late DONE land over the cleared word and answer the next request early.
class Publisher {
public:
  Publisher(Layout l, uint32_t *ring, uint32_t *control,
            uint32_t *completions = nullptr, uint64_t completionWords = 0)
      : l(l), ring(ring), control(control), mirror(completions),
        mirrorWords(completions ? completionWords : 0) {}

  /// Whether slot \p slot has a completion mirror word.
  bool mirrored(uint32_t slot) const { return slot < mirrorWords; }

  /// The ring slot the next publish() fills.
  uint32_t nextSlot() const { return l.slotCount ? count % l.slotCount : 0; }

  /// Publishes opcode and args into nextSlot(), which must be EMPTY or
  /// DONE (the host recycles a slot only once the kernel finished it), and
  /// with \p announceNow rings the doorbell. Returns the slot, or -1 (and
  /// writes nothing) if it is still in flight or the args do not fit. It
  /// reads the slot's status first only where it does not know the slot
  /// free (ringIsEmpty, status): on a discrete GPU that read crosses the
  /// bus and costs about a microsecond of a request's round trip.
  int64_t publish(uint32_t opcode, const uint32_t *args, size_t nargs,
                  bool announceNow = true) {
    uint32_t slot = nextSlot();
    if (slot >= l.slotCount)
      return -1;
    if ((slot >= knownFree.size() || !knownFree[slot]) && !isFree(slot))
      return -1;
    if (nargs > l.argsPerSlot)
      return -1;
    if (mirrored(slot)) // before the status: the kernel's DONE comes after
      detail::word(mirror + slot).store(0, std::memory_order_relaxed);
    if (!publishSlot(l, ring, slot, opcode, args, nargs))
      return -1;
    if (slot < knownFree.size())
      knownFree[slot] = false;
    count = count + 1 == doorbellModulus(l.slotCount) ? 0 : count + 1;
    if (announceNow)
      announce();
    return slot;
  }

  /// publish.DOORBELL: tells the kernel about every slot published so far
  /// (a burst needs one announce); publish.SCAN: nothing to do.
  void announce() { ringDoorbell(l, control, count); }

  /// Tells the Publisher that every ring slot is EMPTY now (the host has
  /// just created or cleared the ring, before the kernel runs).
  void ringIsEmpty() { knownFree.assign(l.slotCount, true); }

  /// Slot \p slot's status (acquire), as slotStatus; a slot seen DONE (or
  /// EMPTY) stays free until this Publisher publishes it again, so
  /// publish() then writes it without reading it.
  /// (With a completion mirror, a ring DONE marks the slot free only once
  /// its mirror word says DONE too: completed().)
  uint32_t status(uint32_t slot) {
    uint32_t st = slotStatus(l, ring, slot);
    if (freeByRing(slot, st))
      markFree(slot);
    return st;
  }

  /// Whether the kernel has finished slot \p slot: its completion mirror
  /// word is DONE (acquire: the handler's writes are visible), one read
  /// of the host's own memory; without a mirror word, its status is DONE
  /// (status()). A completed slot is free until the next publish() into it.
  bool completed(uint32_t slot) {
    if (!mirrored(slot))
      return status(slot) == l.statusDone;
    if (detail::load(mirror + slot) != l.statusDone)
      return false;
    markFree(slot);
    return true;
  }

private:
  Layout l;
  uint32_t *ring, *control;
  uint32_t *mirror;     // the completion mirror, or null
  uint64_t mirrorWords; // its words (0 without one)
  uint32_t count = 0; // slots published, modulo doorbellModulus
  // Per slot: EMPTY or DONE as last seen; empty until ringIsEmpty or
  // status first needs it.
  std::vector<bool> knownFree;

  void markFree(uint32_t slot) {
    if (slot >= l.slotCount)
      return;
    if (knownFree.empty()) // one bit per slot, from the first use on
      knownFree.assign(l.slotCount, false);
    knownFree[slot] = true;
  }

  /// Whether ring status \p st alone frees slot \p slot: slotIsFree, but
  /// for a slot the mirror covers only EMPTY (its DONE frees it once the
  /// mirror word says so too).
  bool freeByRing(uint32_t slot, uint32_t st) const {
    return mirrored(slot) ? st == l.statusEmpty : slotIsFree(l, st);
  }

  /// Whether the host may write slot \p slot now (one read, or two where
  /// the mirror covers it and is not DONE).
  bool isFree(uint32_t slot) {
    if (mirrored(slot) && detail::load(mirror + slot) == l.statusDone)
      return true;
    return freeByRing(slot, slotStatus(l, ring, slot));
  }
};

/// Polls slot \p slot's status (acquire) until it is DONE, at most
/// \p maxPolls times; true once DONE (the handler's writes are visible).
inline bool waitDone(const Layout &l, const uint32_t *ring, uint32_t slot,
                     uint64_t maxPolls) {
  for (uint64_t i = 0; i < maxPolls; ++i)
    if (slotStatus(l, ring, slot) == l.statusDone)
      return true;
  return false;
}

/// Whether vyre's host publishes \p opcode (protocol/opcode.rs,
/// validate_publish_opcode, with vyre's own values): its built-in opcodes
/// NOP .. BATCH_FENCE (0 .. 7), PACKED_SLOT (0x80000001), PRINTF (0xFFFE)
/// and SHUTDOWN (0xFFFFFFFF), and user opcodes outside the reserved ranges
/// (the high bit set, or 0xFFF0 .. 0xFFFF). LOAD_MISS (0xFFFD) is reserved:
/// vyre's host writes a LOAD_MISS slot with encode_load_miss instead, which
/// puts 0 (priority.CRITICAL), not priority.NORMAL, in the priority word.
inline bool vyrePublishesOpcode(uint32_t opcode) {
  constexpr uint32_t batchFence = 7, packedSlot = 0x80000001u,
                     printfOp = 0xFFFEu, shutdownOp = 0xFFFFFFFFu,
                     systemMask = 0x80000000u, reservedLow = 0xFFF0u,
                     reservedHigh = 0xFFFFu;
  if (opcode <= batchFence || opcode == packedSlot || opcode == printfOp ||
      opcode == shutdownOp)
    return true;
  return (opcode & systemMask) == 0 &&
         !(opcode >= reservedLow && opcode <= reservedHigh);
}

/// Whether vyre's host writes over a slot whose status is \p status: only
/// an EMPTY or DONE one (publish.rs: "only EMPTY and DONE slots may be
/// written by the host"); a slot still in flight is refused.
inline bool vyrePublishesOver(const Layout &l, uint32_t status) {
  return slotIsFree(l, status);
}

/// Publishes a slot as vyre's host does (protocol_api/publish.rs): the
/// opcode, the tenant id, priority.NORMAL in the priority word and the
/// arguments (the rest of the argument words 0), then the status, last.
/// Returns false, and writes nothing, where vyre's host refuses: \p slot out
/// of range, too many args, an opcode vyre reserves (vyrePublishesOpcode:
/// LOAD_MISS, 0x80000005, ...) or a slot that is not EMPTY or DONE
/// (vyrePublishesOver).
inline bool publishSlotAsVyre(const Layout &l, uint32_t *ring, uint32_t slot,
                              uint32_t tenant, uint32_t opcode,
                              const uint32_t *args, size_t nargs) {
  if (slot >= l.slotCount || nargs > l.argsPerSlot ||
      !vyrePublishesOpcode(opcode) ||
      !vyrePublishesOver(l, slotStatus(l, ring, slot)))
    return false;
  uint32_t *s = ring + size_t(slot) * l.slotWords;
  s[l.tenantWord] = tenant;
  s[l.priorityWord] = l.priorityNormal;
  return publishSlot(l, ring, slot, opcode, args, nargs);
}

/// One inner op as vyre's host takes it: an 8-bit opcode and any number of
/// argument words (an op with fewer than 3 reads the next op's as its own).
struct VyreOp {
  uint8_t opcode;
  const uint32_t *args;
  size_t nargs;
};

/// Encodes a packed slot's argument words exactly as vyre's host does
/// (publish_packed_slot_from; packed_slot.h gives the format): the count
/// byte = the op count (not clamped: the kernel clamps, and counts it), the
/// spare byte = the number of argument words after the metadata,
/// pair i whose arg_offset is the running total of the earlier ops'
/// argument words, then every op's arguments back to back after
/// packed::metadataWords(count) metadata words.
/// Returns false (and writes nothing) where vyre's host refuses: more than
/// 255 ops, or metadata and arguments past layout.argsPerSlot words.
inline bool encodePackedAsVyre(const Layout &l, const VyreOp *ops, size_t n,
                               uint32_t *argWords) {
  if (n > packed::kByteMax)
    return false;
  size_t metadataWords = packed::metadataWords(n), total = 0;
  for (size_t i = 0; i < n; ++i)
    total += ops[i].nargs;
  if (metadataWords + total > l.argsPerSlot)
    return false;
  std::vector<uint32_t> out(l.argsPerSlot, 0);
  auto setByte = [&](size_t k, uint32_t v) {
    out[k / packed::kBytesPerWord] |= (v & packed::kByteMax)
                                      << (8 * (k % packed::kBytesPerWord));
  };
  setByte(packed::kCountByte, static_cast<uint32_t>(n));
  setByte(packed::kSpareByte, static_cast<uint32_t>(total));
  size_t at = 0;
  for (size_t i = 0; i < n; ++i) {
    setByte(packed::opcodeByte(i), ops[i].opcode);
    setByte(packed::argOffsetByte(i), static_cast<uint32_t>(at));
    for (size_t a = 0; a < ops[i].nargs; ++a)
      out[metadataWords + at++] = ops[i].args[a];
  }
  for (uint32_t w = 0; w < l.argsPerSlot; ++w)
    argWords[w] = out[w];
  return true;
}

/// The tenant table of vyre's host (encode_control with \p tenants
/// tenants), rebuilt whole as encode_control builds it:
/// control[TENANT_BASE] = TENANT_BASE + 1, then every mask word up to
/// TENANT_QUOTA_BASE (tenant t's is TENANT_BASE + 1 + t) all ones for
/// tenants 0 .. tenants-1 and 0 for the others, and every quota word from
/// TENANT_QUOTA_BASE up to TENANT_FAIRNESS_BASE 1,000,000 for tenants
/// 0 .. tenants-1 and 0 for the others; so setTenantTable(3) then
/// setTenantTable(1) leaves only tenant 0 enabled. Nothing else is
/// written (encode_control also zeroes the rest of a new control buffer).
/// With kernel.TENANT_GATE = 1 this lets tenants 0 .. tenants-1 run that
/// have a mask word (with vyre's values, tenants 0 .. 28: the masks end at
/// TENANT_QUOTA_BASE). A higher tenant t reads control[TENANT_BASE + 1 + t],
/// a protocol word, as its mask, exactly as vyre's kernel does: with vyre's
/// values tenant 29 + k reads quota word k (non-zero for k < tenants), then
/// the tenant claim counters, the metrics and the other control words
/// (docs/protocol.md, "Tenants"); a host keeps its tenant ids below 29.
inline void setTenantTable(const Layout &l, uint32_t *control, uint32_t tenants) {
  uint32_t table = l.tenantBase + 1;
  detail::release(control + l.tenantBase, table);
  for (uint64_t w = table; w < l.tenantQuotaBase; ++w)
    detail::release(control + w, w - table < tenants ? ~0u : 0u);
  for (uint64_t w = l.tenantQuotaBase; w < l.tenantFairnessBase; ++w)
    detail::release(control + w, w - l.tenantQuotaBase < tenants ? 1000000u : 0u);
}

/// Whether control word \p at may hold a tenant mask: a word of vyre's
/// mask table (TENANT_BASE + 1 up to TENANT_QUOTA_BASE), or a word at or
/// past OBSERVABLE_BASE (a table the host placed there, past every
/// protocol word). Every other word has a protocol meaning (SHUTDOWN,
/// DONE_COUNT, the quotas, claim counters, metrics, error counters, ...).
inline bool isTenantMaskWord(const Layout &l, uint64_t at) {
  return (at > l.tenantBase && at < l.tenantQuotaBase) || at >= l.observableBase;
}

/// Sets tenant \p tenant's mask (0 refuses its slots) in the table
/// control[TENANT_BASE] points at: control[control[TENANT_BASE] + tenant]
/// (u32 arithmetic, as the kernel computes it). Returns false, and writes
/// nothing, if that word is not below \p controlWords (the kernel would
/// refuse the tenant anyway) or is a protocol word (isTenantMaskWord: with
/// vyre's table, tenants 29 and up, whose "mask" is a quota word, a claim
/// counter, a metric, ...; tenant 127's would be control[130], a priority
/// partition bound).
inline bool setTenantMask(const Layout &l, uint32_t *control,
                          uint64_t controlWords, uint32_t tenant, uint32_t mask) {
  uint32_t at = detail::load(control + l.tenantBase) + tenant;
  if (at >= controlWords || !isTenantMaskWord(l, at))
    return false;
  detail::release(control + at, mask);
  return true;
}

/// Sets the priority partitions: priority p owns ring slots
/// [firstSlot[p], firstSlot[p + 1]); \p firstSlot holds priorityLevels + 1
/// words (the last ends the least urgent partition).
inline void setPriorityPartitions(const Layout &l, uint32_t *control,
                                  const uint32_t *firstSlot) {
  for (uint32_t p = 0; p <= l.priorityLevels; ++p)
    detail::release(control + l.priorityOffsetsBase + p, firstSlot[p]);
}

/// vyre's default partitions (default_priority_offsets): \p slots / LEVELS
/// slots per priority, the remainder to priority.NORMAL.
inline void setDefaultPriorityPartitions(const Layout &l, uint32_t *control,
                                         uint32_t slots) {
  std::vector<uint32_t> first(l.priorityLevels + 1);
  uint32_t cursor = 0;
  for (uint32_t p = 0; p < l.priorityLevels; ++p) {
    first[p] = cursor;
    cursor += slots / l.priorityLevels +
              (p == l.priorityNormal ? slots % l.priorityLevels : 0);
  }
  first[l.priorityLevels] = cursor;
  setPriorityPartitions(l, control, first.data());
}

/// Publishes a packed slot carrying \p count inner ops.
inline bool publishPacked(const Layout &l, uint32_t *ring, uint32_t slot,
                          const InnerOp *ops, size_t count) {
  std::vector<uint32_t> args(l.argsPerSlot);
  return encodePacked(l, ops, count, args.data()) &&
         publishSlot(l, ring, slot, l.packedSlotOpcode, args.data(), args.size());
}

/// Marks a DONE slot EMPTY again so it can be republished.
inline void recycleSlot(const Layout &l, uint32_t *ring, uint32_t slot) {
  detail::release(ring + size_t(slot) * l.slotWords + l.statusWord, l.statusEmpty);
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
  uint32_t unknownOpcode, outOfBounds, packedClamped, packedArity, ioTimeout,
      ioError;
  /// Invocations the driver cut short (CUT_SHORT_COUNT): their work may be
  /// lost; not a workload error but a device that cannot run the kernel.
  uint32_t cutShort;
};

inline ErrorCounts errorCounts(const Layout &l, const uint32_t *control) {
  return {detail::load(control + l.unknownOpcodeCountWord),
          detail::load(control + l.outOfBoundsCountWord),
          detail::load(control + l.packedClampedCountWord),
          detail::load(control + l.packedArityCountWord),
          detail::load(control + l.ioTimeoutCountWord),
          detail::load(control + l.ioErrorCountWord),
          detail::load(control + l.cutShortCountWord)};
}

inline void requestShutdown(const Layout &l, uint32_t *control) {
  detail::release(control + l.shutdownWord, 1);
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
    detail::release(req + l.ioStatusWord, ok ? l.ioStatusOk : l.ioStatusError);
    ++serviced;
  }
  return serviced;
}

} // namespace vyre::host

#endif
