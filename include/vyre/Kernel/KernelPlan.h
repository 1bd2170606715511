//===- KernelPlan.h - the megakernel's shape, decided once ---------------===//
//
// Which persistent loop a module runs, how it schedules and shards, how
// many slots an invocation claims at a time, and which protocol rules shape
// its leave test: decided here, once, from Sema's results and the options,
// and read by the skeletons (lib/Kernel), every target's shell and the
// manifest. docs/protocol.md describes each choice.
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_KERNEL_KERNELPLAN_H
#define VYRE_KERNEL_KERNELPLAN_H

#include "vyre/Sema/Sema.h"
#include "vyre/Sema/Shards.h"

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace vyre {

/// The persistent loop's shape (docs/protocol.md, "The persistent loop"):
/// Subgroup aggregates progress and metrics per subgroup (needs subgroup
/// basic, vote and ballot operations in compute shaders); Grouped also runs
/// each batch's slots by opcode, the subgroup together (needs arithmetic
/// and shuffles too); Portable is per-invocation and needs no subgroup
/// support.
enum class Skeleton : uint8_t { Subgroup, Portable, Grouped };

/// "portable", "subgroup", "grouped": the one spelling, for the command
/// line, the manifest's skeleton.kind and diagnostics.
llvm::StringRef spelling(Skeleton s);
std::optional<Skeleton> parseSkeleton(llvm::StringRef s);

/// The subgroup skeleton's slots per invocation and step. Measured on an
/// H200 (bench/RESULTS-gpu.md, 1M NOP slots): 1 slot 0.109 ms, 2 slots
/// 0.100 ms, 4 slots 0.104 ms.
inline constexpr unsigned kSubgroupClaimBatch = 2;
/// The grouped skeleton's default --claim-batch, measured per target on an
/// H100 (docs/gpu-runs.md, 2026-12-07; 1M slots, 1024 x 64). SPIR-V: 4
/// (the bench mix 0.79 ms against 1.01 with 16, NOP 0.113 against 0.118,
/// and a smaller module that builds faster). WGSL, which has no fences
/// (docs/protocol.md, "WebGPU"), through Dawn: 16 (the mix 1.11 ms against
/// 2.63 with 4).
inline constexpr unsigned kDefaultClaimBatch = 4;
inline constexpr unsigned kDefaultWebGpuClaimBatch = 16;
inline constexpr unsigned defaultClaimBatch(bool webgpu) {
  return webgpu ? kDefaultWebGpuClaimBatch : kDefaultClaimBatch;
}
inline constexpr unsigned kMaxClaimBatch = 32; // bits of one u32 mask
/// The widest subgroup the grouped skeleton's lane search covers (Vulkan
/// devices have 4 to 128).
inline constexpr unsigned kMaxSubgroupSize = 128;

/// kernel.PUBLISH = publish.DOORBELL: a pass that sees at most this many
/// newly announced slots runs them alone; more, and it scans the ring
/// (docs/protocol.md, "The doorbell").
inline constexpr unsigned kDoorbellWindow = 256;
/// kernel.PUBLISH = publish.DOORBELL: a pass reads control.SHUTDOWN only if
/// its number is a multiple of this (pass 0 always). An idle pass then
/// polls one word, not two, and the polls leave the word DONE_COUNT shares
/// a line with (docs/protocol.md, "The doorbell").
inline constexpr unsigned kDoorbellShutdownPasses = 16;

/// What the command line asks of the kernel's shape.
struct KernelOptions {
  Skeleton skeleton = Skeleton::Subgroup;
  /// --claim-batch: the grouped skeleton's slots per invocation and batch
  /// (1 .. kMaxClaimBatch).
  unsigned claimBatch = kDefaultClaimBatch;
  std::string entryPoint = "main";
  /// --shards: entry points the opcodes are split over (Sema/Shards.h); 1
  /// is one entry point, 0 is automatic (autoShardCount).
  unsigned shards = 1;
};

/// The suffix of the portable loop's entry point beside a subgroup or
/// grouped loop's (`main_portable` beside `main`).
inline constexpr llvm::StringLiteral kPortableEntrySuffix = "_portable";

struct KernelPlan {
  enum class Schedule : uint8_t { Strided, Priority };

  /// One GLCompute entry point: the persistent loop it runs, over the
  /// opcodes of one shard. A driver compiles only the functions an entry
  /// point calls, so each loop has its own (docs/protocol.md, "Module
  /// shape").
  struct EntryPoint {
    std::string name;
    unsigned shard = 0;
    Skeleton loop = Skeleton::Portable;
    /// Only the grouped loop reads the subgroup lane: the other entry
    /// points' interfaces leave the built-in out.
    bool readsLane() const { return loop == Skeleton::Grouped; }
  };

  /// The loop the module runs. The priority schedule's per-invocation
  /// claim, and a sharded module's, replace a subgroup or grouped scan
  /// with the portable loop.
  Skeleton loop = Skeleton::Portable;
  Schedule schedule = Schedule::Strided;
  ShardPlan shards;
  /// Slots an invocation claims at a time: --claim-batch for the grouped
  /// loop, kSubgroupClaimBatch for the subgroup loop, 1 for the portable
  /// loop (the manifest's skeleton.claim_batch).
  unsigned claimBatch = 1;
  /// kernel.TENANT_GATE: a slot is claimed only if its tenant is enabled.
  bool tenantGate = false;
  /// Whether one complete pass that began after the invocation saw
  /// SHUTDOWN drains its slots: only the host publishes (no handler writes
  /// the ring, no shard hands a slot back). Otherwise the pass must also
  /// have claimed nothing (docs/protocol.md, "The persistent loop").
  bool singleDrainPass = true;
  /// kernel.PUBLISH = publish.DOORBELL, where only the host publishes and
  /// the schedule is strided (a handler's or a shard's slots, and the
  /// priority schedule's one claim per pass, would go unannounced: such a
  /// module scans every pass, and its manifest says so).
  bool doorbell = false;
  /// Every entry point, in module order: one per shard (each running
  /// `loop`), then, for a subgroup or grouped loop, the portable loop's
  /// (portableEntry), which a host builds instead on a CPU device.
  std::vector<EntryPoint> entryPoints;

  static KernelPlan make(const SemaResult &sema, const KernelOptions &opts);

  /// A subgroup or grouped loop (the module also has the portable loop's
  /// entry point).
  bool subgroupLoop() const { return loop != Skeleton::Portable; }
  bool grouped() const { return loop == Skeleton::Grouped; }
  bool priority() const { return schedule == Schedule::Priority; }
  bool sharded() const { return shards.sharded(); }
  /// The portable loop's entry point beside the subgroup or grouped loop's;
  /// null for a module whose loops are all portable.
  const EntryPoint *portableEntry() const {
    return subgroupLoop() && entryPoints.size() > shards.shards.size()
               ? &entryPoints.back()
               : nullptr;
  }
};

} // namespace vyre

#endif
