//===- vyre-scenario.cpp - a scenario's words for hosts written elsewhere --===//
//
// The scenario half of a host (docs/scenario.md) for hosts that are not C++:
// the WebGPU host (tools/vyre-run-webgpu) creates buffers, dispatches and
// reads back, and leaves everything else to this tool, so that slot
// encoding, packed slots, IO servicing and the canonical result JSON have
// one home (lib/Scenario) whoever runs the kernel:
//
//   vyre-scenario prepare MANIFEST SCENARIO DIR
//       writes DIR/plan.json (workgroups, override values by spec id, each
//       buffer's binding and size, the publishing mode, the timeout) and
//       DIR/initial-I.bin, the initial words of buffer I (little-endian);
//   vyre-scenario result MANIFEST SCENARIO DIR [--dump FILE]
//       reads DIR/final-I.bin, takes the host's last look at the IO queue
//       and prints the result JSON exactly as vyre-run would.
//
// Exit codes are vyre-run's: 0 ok, 1 bad input, 3 hang (the kernel counted
// invocations cut short: the JSON is printed with "result": "hang").
//
//===----------------------------------------------------------------------===//
#include "vyre/Basic/OutputFile.h"
#include "vyre/Scenario/Scenario.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <CLI/CLI.hpp>

#include <cstring>
#include <string>
#include <vector>

using namespace vyre;

namespace {

struct InputError {
  std::string message;
};

std::string wordFile(const std::string &dir, const char *stem, unsigned i) {
  llvm::SmallString<256> path(dir);
  llvm::sys::path::append(path, std::string(stem) + "-" + std::to_string(i) +
                                    ".bin");
  return std::string(path);
}

struct Loaded {
  HostLayout layout;
  Scenario scenario;
};

Loaded load(const std::string &manifestPath, const std::string &scenarioPath) {
  auto manifest = readManifestFile(manifestPath);
  if (!manifest)
    throw InputError{llvm::toString(manifest.takeError())};
  auto scenario = readScenarioFile(scenarioPath, manifest->layout);
  if (!scenario)
    throw InputError{llvm::toString(scenario.takeError())};
  return {std::move(manifest->layout), std::move(*scenario)};
}

void writeWords(const std::string &path, const std::vector<uint32_t> &words) {
  // The hosts that read these are little-endian (x86-64, ARM64, browsers).
  llvm::StringRef bytes(reinterpret_cast<const char *>(words.data()),
                        words.size() * sizeof(uint32_t));
  if (llvm::Error err = writeFileAtomically(path, bytes))
    throw InputError{llvm::toString(std::move(err))};
}

void prepare(const Loaded &in, const std::string &dir) {
  if (std::error_code ec = llvm::sys::fs::create_directories(dir))
    throw InputError{dir + ": " + ec.message()};
  const Scenario &s = in.scenario;
  llvm::json::Object constants;
  for (auto [id, value] : s.specValues)
    constants[std::to_string(id)] = value;
  llvm::json::Array buffers;
  for (unsigned i = 0; i < in.layout.buffers.size(); ++i) {
    const HostBuffer &b = in.layout.buffers[i];
    std::vector<uint32_t> words = s.memory[i];
    // "publish": "live": the ring starts empty; the slots are the host's
    // to publish one at a time (plan.live_ring, in ring order).
    if (s.publishLive && b.role == BufferRole::Ring) {
      writeWords(wordFile(dir, "live", i), words);
      std::fill(words.begin(), words.end(), 0u);
    }
    writeWords(wordFile(dir, "initial", i), words);
    buffers.push_back(llvm::json::Object{{"name", b.name},
                                         {"role", spelling(b.role)},
                                         {"group", b.set},
                                         {"binding", b.binding},
                                         {"words", uint64_t(words.size())}});
  }
  llvm::json::Object plan{
      {"workgroups", s.workgroups},
      {"constants", std::move(constants)},
      {"buffers", std::move(buffers)},
      {"publish", s.publishLive ? "live" : "before"},
      {"published_slots", s.publishedSlots},
      {"timeout_ms", s.timeoutMs}};
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(plan))) << "\n";
  llvm::SmallString<256> path(dir);
  llvm::sys::path::append(path, "plan.json");
  if (llvm::Error err = writeFileAtomically(path, os.str()))
    throw InputError{llvm::toString(std::move(err))};
}

std::vector<uint32_t> readWords(const std::string &path, uint64_t words) {
  auto buf = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                         /*RequiresNullTerminator=*/false);
  if (!buf)
    throw InputError{path + ": " + buf.getError().message()};
  llvm::StringRef bytes = (*buf)->getBuffer();
  if (bytes.size() != words * sizeof(uint32_t))
    throw InputError{path + ": " + std::to_string(bytes.size()) +
                     " bytes, but the buffer holds " + std::to_string(words) +
                     " words (" + std::to_string(words * 4) + " bytes)"};
  std::vector<uint32_t> out(words);
  std::memcpy(out.data(), bytes.data(), bytes.size());
  return out;
}

int result(const Loaded &in, const std::string &dir,
           const std::string &dumpPath) {
  const HostLayout &layout = in.layout;
  const Scenario &s = in.scenario;
  std::vector<std::vector<uint32_t>> memory;
  for (unsigned i = 0; i < layout.buffers.size(); ++i)
    memory.push_back(readWords(wordFile(dir, "final", i), s.memory[i].size()));
  // The host's last look at the IO queue after the kernel finished, as
  // vyre-run takes it.
  IoLog serviced;
  if (int io = layout.find(BufferRole::IoQueue); io >= 0 && s.serviceIo)
    serviceIoRequests(s, memory[io].data(), memory[io].size(), serviced);
  const int c = layout.find(BufferRole::Control);
  const uint32_t cutShort =
      c < 0 ? 0 : cutShortCount(layout, s, memory[c].data(), memory[c].size());
  const char *verdict = cutShort ? "hang" : "ok";
  llvm::outs() << formatResult(layout, s, memory, serviced, verdict);
  if (!dumpPath.empty()) {
    Scenario all = s;
    setDefaultOutput(all, layout);
    if (llvm::Error err = writeFileAtomically(
            dumpPath, formatResult(layout, all, memory, serviced, verdict)))
      throw InputError{llvm::toString(std::move(err))};
  }
  if (cutShort) {
    llvm::errs() << "vyre-scenario: hang: " << cutShort
                 << " invocation(s) were cut short by the driver; the results "
                    "above are incomplete\n";
    return 3;
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  CLI::App app{"vyre-scenario: a scenario's initial words and result JSON "
               "for hosts that are not C++ (docs/scenario.md)"};
  app.require_subcommand(1);
  std::string manifestPath, scenarioPath, dir, dumpPath;
  auto positionals = [&](CLI::App *sub, const char *dirHelp) {
    sub->add_option("manifest", manifestPath, "the module's manifest")
        ->required();
    sub->add_option("scenario", scenarioPath, "the scenario (docs/scenario.md)")
        ->required();
    sub->add_option("dir", dir, dirHelp)->required();
  };
  CLI::App *prep = app.add_subcommand(
      "prepare", "write DIR/plan.json and DIR/initial-I.bin for a host");
  positionals(prep, "the folder to write (created if missing)");
  CLI::App *res = app.add_subcommand(
      "result", "read DIR/final-I.bin and print the result JSON");
  positionals(res, "the folder holding final-I.bin, one file per buffer");
  res->add_option("--dump", dumpPath,
                  "also write the default output (every non-zero word) here");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    return app.exit(e) == 0 ? 0 : 1;
  }
  try {
    Loaded in = load(manifestPath, scenarioPath);
    if (prep->parsed()) {
      prepare(in, dir);
      return 0;
    }
    return result(in, dir, dumpPath);
  } catch (const InputError &e) {
    llvm::errs() << "vyre-scenario: " << e.message << "\n";
    return 1;
  }
}
