//===- Result.cpp - the host's IO servicing and the canonical output -------===//
//
// What both hosts (vyre-interp, vyre-run) do after or while the kernel runs:
// service IO requests the host's way, and print the final buffers as one
// canonical JSON document.
//
//===----------------------------------------------------------------------===//
#include "vyre/Scenario/Scenario.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <atomic>

using namespace vyre;

//===-- Scenarios ---------------------------------------------------------===//

void vyre::setDefaultOutput(Scenario &s, const HostLayout &layout) {
  // Every buffer except the debug log and the IO queue (printed in their
  // canonical, order-independent forms), non-zero words only.
  s.print.clear();
  for (unsigned b = 0; b < layout.buffers.size(); ++b) {
    BufferRole r = layout.buffers[b].role;
    if (r != BufferRole::DebugLog && r != BufferRole::IoQueue)
      s.print.push_back({b, BufferSelection::NonZero, {}});
  }
  s.ringStatus = true;
  s.debug = DebugOutput::Sorted;
  s.ioSlots = true;
  s.ioRequests = true;
}

uint64_t vyre::ioStatusIndex(const Scenario &s, uint32_t i) {
  return uint64_t(i) * s.protocol[PV::io_SLOT_WORDS] +
         s.protocol[PV::io_word_STATUS];
}

void vyre::serviceIoRequests(const Scenario &s, uint32_t *io, uint64_t words,
                             IoLog &log) {
  host::Layout l = hostLayout(s.protocol);
  // Only the request slots the buffer holds entirely.
  if (l.ioSlotWords != 0)
    l.ioSlotCount = static_cast<uint32_t>(
        std::min<uint64_t>(l.ioSlotCount, words / l.ioSlotWords));
  host::serviceIoQueue(l, io, [&](const uint32_t *request) {
    std::vector<uint32_t> row;
    // host.h's atomic word load, not std::atomic_ref: the fuzz build
    // compiles this library as C++17 (see the root CMakeLists.txt).
    for (uint32_t k = 0; k < l.ioSlotWords; ++k)
      row.push_back(host::detail::load(&request[k]));
    log.push_back(std::move(row));
    return !s.ioAnswersError; // io_status.OK (or ERROR)
  });
}

uint32_t vyre::cutShortCount(const HostLayout &layout, const Scenario &s,
                             const uint32_t *control, uint64_t words) {
  const int c = layout.find(BufferRole::Control);
  const uint32_t at = hostLayout(s.protocol).cutShortCountWord;
  if (c < 0 || at >= words || at >= s.memory[c].size())
    return 0;
  return host::detail::load(control + at) - s.memory[c][at];
}

namespace {

//===-- Output ------------------------------------------------------------===//

void printRow(llvm::raw_ostream &os, llvm::ArrayRef<uint32_t> row) {
  os << "[";
  for (unsigned i = 0; i < row.size(); ++i)
    os << (i ? ", " : "") << row[i];
  os << "]";
}

/// Prints `"key": [\n rows,\n ]` with one row per line.
void printRows(llvm::raw_ostream &os, llvm::StringRef key,
               const std::vector<std::vector<uint32_t>> &rows) {
  os << ",\n  \"" << key << "\": [";
  for (unsigned i = 0; i < rows.size(); ++i) {
    os << (i ? ",\n    " : "\n    ");
    printRow(os, rows[i]);
  }
  os << (rows.empty() ? "]" : "\n  ]");
}

} // namespace

std::string vyre::formatResult(const HostLayout &layout, const Scenario &s,
                               const std::vector<std::vector<uint32_t>> &memory,
                               const IoLog &serviced, llvm::StringRef result) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "{\n  \"result\": \"" << result << "\"";

  for (const BufferSelection &sel : s.print) {
    const std::vector<uint32_t> &words = memory[sel.buffer];
    os << ",\n  \"" << layout.buffers[sel.buffer].name << "\": {";
    bool first = true;
    auto print = [&](uint64_t i) {
      os << (first ? "\n    \"" : ",\n    \"") << i << "\": " << words[i];
      first = false;
    };
    if (sel.mode == BufferSelection::Ranges) {
      for (auto [lo, hi] : sel.ranges)
        for (uint64_t i = lo; i < hi; ++i)
          print(i);
    } else {
      for (uint64_t i = 0; i < words.size(); ++i)
        if (sel.mode == BufferSelection::All || words[i] != 0)
          print(i);
    }
    os << (first ? "}" : "\n  }");
  }

  if (s.ringStatus) {
    const std::vector<uint32_t> &ring = memory[layout.find(BufferRole::Ring)];
    const uint64_t words = s.protocol[PV::slot_WORDS];
    // Slots whose status word the ring holds (a scenario may bind a ring
    // smaller than slot.COUNT slots).
    const uint64_t statusWord = s.protocol[PV::slot_STATUS_WORD];
    const uint64_t count = std::min<uint64_t>(
        s.protocol[PV::slot_COUNT],
        words == 0 || ring.size() <= statusWord
            ? 0
            : (ring.size() - statusWord - 1) / words + 1);
    const uint32_t empty = s.protocol[PV::status_EMPTY];
    auto status = [&](uint64_t slot) {
      return ring[slot * words + s.protocol[PV::slot_STATUS_WORD]];
    };
    uint64_t n = s.publishedSlots;
    for (uint64_t slot = n; slot < count; ++slot)
      if (status(slot) != empty)
        n = slot + 1;
    os << ",\n  \"ring_status\": [";
    for (uint64_t slot = 0; slot < n; ++slot)
      os << (slot ? ", " : "") << status(slot);
    os << "]";
  }

  if (s.debug != DebugOutput::Off) {
    const std::vector<uint32_t> &log = memory[layout.find(BufferRole::DebugLog)];
    const uint64_t cursorWord = s.protocol[PV::debug_CURSOR_WORD];
    const uint64_t base = s.protocol[PV::debug_RECORDS_BASE];
    const uint64_t recordWords = s.protocol[PV::debug_RECORD_WORDS];
    const uint64_t bufferWords =
        std::min<uint64_t>(s.protocol[PV::debug_BUFFER_WORDS], log.size());
    const uint64_t cursor = cursorWord < log.size() ? log[cursorWord] : 0;
    uint64_t records = 0;
    if (recordWords && bufferWords > base)
      records = std::min<uint64_t>(cursor, bufferWords - base) / recordWords;
    os << ",\n  \"debug_cursor\": " << cursor;
    if (s.debug == DebugOutput::Count) {
      os << ",\n  \"debug_record_count\": " << records;
    } else {
      std::vector<std::vector<uint32_t>> rows;
      for (uint64_t r = 0; r < records; ++r) {
        uint64_t first = base + r * recordWords;
        uint64_t n = recordWords;
        if (s.debug == DebugOutput::SortedNoSlot && n > 0)
          --n;
        rows.emplace_back(log.begin() + first, log.begin() + first + n);
      }
      if (s.debug != DebugOutput::Raw)
        llvm::sort(rows);
      printRows(os, "debug_records", rows);
    }
  }

  if (s.ioSlots) {
    const std::vector<uint32_t> &io = memory[layout.find(BufferRole::IoQueue)];
    const uint64_t slotWords = s.protocol[PV::io_SLOT_WORDS];
    std::vector<std::vector<uint32_t>> rows;
    for (uint64_t i = 0; slotWords && (i + 1) * slotWords <= io.size() &&
                         i < s.protocol[PV::io_SLOT_COUNT];
         ++i) {
      std::vector<uint32_t> row(io.begin() + i * slotWords,
                                io.begin() + (i + 1) * slotWords);
      if (llvm::any_of(row, [](uint32_t w) { return w != 0; }))
        rows.push_back(std::move(row));
    }
    llvm::sort(rows);
    printRows(os, "io_slots", rows);
  }

  if (s.ioRequests) {
    std::vector<std::vector<uint32_t>> rows = serviced;
    llvm::sort(rows);
    printRows(os, "io_requests", rows);
  }

  os << "\n}\n";
  return os.str();
}
