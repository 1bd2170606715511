//===- Scenario.h - what a host needs to run the megakernel ---------------===//
//
// The host half of an execution, shared by the interpreter (vyre-interp) and
// the Vulkan host (vyre-run) so both start from the same words and print the
// same bytes:
//
//   HostLayout  (HostLayout.h) every buffer, protocol value, opcode and
//               specialization constant of a compiled megakernel;
//   Scenario    a docs/scenario.md file resolved against a layout: the
//               specialization values, the initial words of every buffer
//               (published slots, packed slots encoded), what to print;
//   formatResult the canonical JSON of the final buffers.
//
// Nothing here knows the IR or Vulkan.
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_SCENARIO_SCENARIO_H
#define VYRE_SCENARIO_SCENARIO_H

#include "vyre/Protocol/Protocol.h"
#include "vyre/Scenario/HostLayout.h"
#include "vyre/host/host.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vyre {

enum class DebugOutput : uint8_t { Off, Sorted, SortedNoSlot, Raw, Count };

/// Which words of one buffer to print.
struct BufferSelection {
  unsigned buffer = 0; // index into HostLayout::buffers
  enum Mode : uint8_t { All, NonZero, Ranges } mode = NonZero;
  std::vector<std::pair<uint64_t, uint64_t>> ranges; // [lo, hi)
};

/// A scenario resolved against a layout (docs/scenario.md).
struct Scenario {
  uint32_t workgroups = 1;
  /// The layout's protocol values with the "spec" overrides applied.
  ProtocolValues protocol;
  /// (spec id, value) of every specialization constant of the layout.
  std::vector<std::pair<uint32_t, uint32_t>> specValues;
  /// The protocol values "spec" sets (a host leaves these as they are).
  std::vector<PV> specified;
  /// Initial words of every buffer, in HostLayout::buffers order.
  std::vector<std::vector<uint32_t>> memory;
  unsigned publishedSlots = 0; // slots the scenario wrote (0..n-1)
  /// "publish": "live": the host publishes the slots while the kernel runs
  /// (one at a time, each once the previous is done), then requests the
  /// shutdown; `memory` holds them as if published before (docs/scenario.md).
  bool publishLive = false;
  bool serviceIo = true;
  /// "service_io": "error": the host answers every request io_status.ERROR.
  bool ioAnswersError = false;
  // Generous: on lavapipe it includes the JIT compile at the first dispatch,
  // which takes seconds on a loaded machine (CI shares two cores).
  uint64_t timeoutMs = 60000;
  uint64_t maxSteps = 50'000'000;

  // What to print.
  std::vector<BufferSelection> print;
  bool ringStatus = true;
  DebugOutput debug = DebugOutput::Sorted;
  bool ioSlots = true;
  bool ioRequests = true;
};

llvm::Expected<Scenario> loadScenario(const llvm::json::Value &scenario,
                                      const HostLayout &layout);

/// Reads the scenario file at \p path for \p layout; every error names
/// the file.
llvm::Expected<Scenario> readScenarioFile(llvm::StringRef path,
                                          const HostLayout &layout);

/// The requests the host serviced: each the IO_SLOT_WORDS words of the
/// request as the host saw them when it found the status PUBLISHED.
using IoLog = std::vector<std::vector<uint32_t>>;

/// Selects the default output: every non-zero word of every buffer but the
/// debug log and IO queue, the ring statuses, the sorted debug records, the
/// sorted IO slots and the serviced requests.
void setDefaultOutput(Scenario &s, const HostLayout &layout);

/// Index of the STATUS word of IO request slot \p i.
uint64_t ioStatusIndex(const Scenario &s, uint32_t i);

/// One look at the IO queue \p io (\p words words long), the host's way:
/// host::serviceIoQueue over the request slots the buffer holds entirely;
/// every PUBLISHED request is appended to \p log and becomes io_status.OK.
void serviceIoRequests(const Scenario &s, uint32_t *io, uint64_t words,
                       IoLog &log);

/// What the kernel added to control.CUT_SHORT_COUNT (the invocations a
/// driver's loop limiter cut short, docs/scenario.md "lavapipe"): the final
/// word \p control[] (\p words long) less the scenario's initial one, which
/// a scenario may preset like any control word. 0 where the control buffer
/// does not hold the word.
uint32_t cutShortCount(const HostLayout &layout, const Scenario &s,
                       const uint32_t *control, uint64_t words);

/// The canonical JSON output for the final words \p memory: a "result":
/// \p result document ("ok"; vyre-run's "hang" where the driver cut the
/// kernel short and the words are incomplete, exit 3). Byte-identical for
/// equal inputs, whoever ran the kernel.
std::string formatResult(const HostLayout &layout, const Scenario &s,
                         const std::vector<std::vector<uint32_t>> &memory,
                         const IoLog &serviced, llvm::StringRef result = "ok");

} // namespace vyre

#endif
