//===- Latency.h - round trips to a resident kernel (vyre-run --latency) --===//
//
// Measures what a host waits for one request (issue 26): the kernel
// resident, a host thread publishes one slot and spins until it is DONE,
// again and again; a burst of 64 slots published at once; and, beside it,
// the alternative without a resident kernel: one submit and fence wait per
// request (the slot published and SHUTDOWN set before the submit, so the
// dispatch drains it in one pass and leaves). The host side is
// vyre/host/host.h's Publisher, under whichever publishing contract the
// module's manifest names, waiting on the completion mirror where the
// module has one. docs/scenario.md, "Round trips".
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_TOOLS_VYRE_RUN_LATENCY_H
#define VYRE_TOOLS_VYRE_RUN_LATENCY_H

#include "vyre/host/host.h"

#include <cstdint>
#include <string>
#include <vector>

namespace vyre {

/// What the measurement needs of a Vulkan host: its mapped buffers, a
/// dispatch of the kernel, whether the last one finished, and a blocking
/// wait for it.
class LatencyDevice {
public:
  virtual ~LatencyDevice() = default;
  virtual void submit() = 0;
  virtual bool finished() = 0;
  virtual void waitFinished() = 0;
  uint32_t *ring = nullptr, *control = nullptr;
  /// The completion mirror (the module's "completions" buffer), or null:
  /// then the host waits on it instead of the ring's status words.
  uint32_t *completions = nullptr;
  uint64_t completionWords = 0;
};

struct LatencyOptions {
  unsigned requests = 10000; // round trips, each way
  unsigned bursts = 100;     // bursts of kBurst slots
  uint64_t timeoutMs = 60000; // for any one request or burst
};
inline constexpr unsigned kBurst = 64;

/// Percentiles of one series, in microseconds.
struct LatencySeries {
  double p50 = 0, p99 = 0, max = 0;
};

struct LatencyResult {
  std::string error; // non-empty: a request was not DONE in time
  LatencySeries resident, residentSeen, submit, burst;
  /// Of each resident request: the host's publish, and one status read
  /// while it waited (its wait divided by its polls).
  LatencySeries publish, statusRead;
  /// Dispatches of the resident kernel: more than 1 where it ended before
  /// the shutdown (kernel.ITERATION_BUDGET; llvmpipe's loop limit) and was
  /// dispatched again, as a host of a resident kernel does.
  unsigned residentDispatches = 0;
  /// Whether the host waited on the completion mirror ("completion":
  /// "mirror"; residentSeen is then not measured: the host never reads
  /// the ring's status while it waits) or on the status word ("status").
  bool mirror = false;
  uint32_t doneCount = 0, expectedDone = 0;
};

/// Runs the three measurements with \p slotWords (one slot's words, its
/// status ignored) as every request, on a device whose buffers start as
/// the scenario's with an empty ring.
LatencyResult measureLatency(const host::Layout &l, LatencyDevice &dev,
                             const std::vector<uint32_t> &slotWords,
                             const LatencyOptions &opts);

/// The result as JSON (docs/scenario.md, "Round trips").
std::string formatLatency(const LatencyResult &r, const LatencyOptions &opts,
                          const std::string &memory);

} // namespace vyre

#endif
