//===- Interp.h - the executable specification of the megakernel ---------===//
//
// Runs a scenario on the CPU over the validated IR (a Module that runSema
// accepted, and its SemaResult), with the megakernel's own skeleton: every
// pass, invocations gid = 0 .. nthreads-1 in order claim PUBLISHED slots
// s = gid, gid + nthreads, ... (kernel.TENANT_GATE: only those whose
// tenant's mask is set; kernel.SCHEDULE = schedule.PRIORITY: one slot per
// pass, by partition, docs/protocol.md "Schedules"); a claimed slot is tallied in metrics,
// dispatched (packed slots decoded), counted in DONE_COUNT and marked DONE;
// an invocation that saw control[SHUTDOWN] != 0 before a pass leaves after
// it (where handlers or shards can publish, or under the priority schedule,
// only if the pass also claimed nothing), and after kernel.ITERATION_BUDGET
// passes. With "publish": "live" the scenario's slots are published by a
// model of vyre-run's host, and a run that can make no more progress is a
// hang.
// docs/scenario.md describes the model and how it matches vyre-run.
//
// A handler's out-of-range buffer access is skipped and counted in
// control[OUT_OF_BOUNDS_COUNT], exactly as the kernel's bounds guards do
// (docs/protocol.md, "Robustness"); the other error counters follow the
// kernel too. An out-of-range access by the skeleton itself (impossible for
// a module Sema accepted) stops the run with an error; a run that exceeds
// the scenario's step limit stops as a hang.
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_INTERP_INTERP_H
#define VYRE_INTERP_INTERP_H

#include "vyre/IR/IR.h"
#include "vyre/Scenario/Scenario.h"
#include "vyre/Sema/Sema.h"
#include "vyre/Sema/Shards.h"

#include "llvm/Support/SMLoc.h"

#include <cstdint>
#include <string>
#include <vector>

namespace vyre {

/// The host's view of a validated module: what its manifest would say.
HostLayout layoutFromSema(const Module &module, const SemaResult &sema);

struct InterpResult {
  enum Status : uint8_t { Ok, Hang, Fault } status = Ok;
  std::string message; // for Hang and Fault
  llvm::SMLoc loc;     // for Fault, when a statement caused it
  /// The final words of every buffer, in HostLayout::buffers order.
  std::vector<std::vector<uint32_t>> memory;
  IoLog serviced;      // IO requests the simulated host serviced
  uint64_t steps = 0;  // statements, loop iterations and slot scans
};

/// Runs \p scenario (resolved against \p layout, which must come from
/// layoutFromSema of the same module) to completion. With \p shards, the
/// module is sharded (vyrec --shards): each shard's loop runs to completion
/// in shard order, claiming only the slots whose opcode it owns, as vyre-run
/// records the dispatches and lavapipe executes them.
InterpResult interpret(const Module &module, const SemaResult &sema,
                       const HostLayout &layout, const Scenario &scenario,
                       const ShardPlan *shards = nullptr);

} // namespace vyre

#endif
