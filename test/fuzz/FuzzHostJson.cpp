//===- FuzzHostJson.cpp - fuzz the manifest and scenario readers ----------===//
//
// What vyre-interp and vyre-run read besides the module: the manifest
// (layoutFromManifest) and the scenario (loadScenario), both through
// parseJson, as readJsonFile reads them. An input is one JSON text, or a
// manifest and a scenario separated by a NUL byte. Each JSON text is read
// as a manifest and as a scenario: against the manifest's layout when the
// manifest part reads, else against the layout of a small program compiled
// once with the prelude (ring, control, IO queue, a user buffer, opcodes).
// The property: the readers diagnose, never crash (ASan, UBSan, libFuzzer's
// memory limit: a scenario must not make them allocate without bound).
//
//===----------------------------------------------------------------------===//
#include "vyre/Basic/Diagnostics.h"
#include "vyre/Basic/JsonParse.h"
#include "vyre/Interp/Interp.h"
#include "vyre/Parse/Loader.h"
#include "vyre/Scenario/HostLayout.h"
#include "vyre/Scenario/Scenario.h"
#include "vyre/Sema/Sema.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/VirtualFileSystem.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>

using namespace vyre;

namespace {

constexpr const char *kProgram = R"(
buffer data: u32[64] read_write @binding(4);
handler ADD = 0x100 { data[arg0 % 64] = arg1; }
handler SUM = 0x101 { atomic_add(data[0], arg0); }
)";

/// The layout of kProgram after the prelude, as vyre-interp builds it.
const HostLayout &programLayout() {
  static const HostLayout layout = [] {
    llvm::SourceMgr sm;
    DiagnosticEngine diags(sm, llvm::nulls());
    auto fs = llvm::makeIntrusiveRefCnt<llvm::vfs::InMemoryFileSystem>();
    fs->addFile("/fuzz/k.vyre", 0, llvm::MemoryBuffer::getMemBuffer(kProgram));
    LoadOptions lopts;
    lopts.fileSystem = fs;
    Module module;
    SemaResult sema;
    if (!loadModule("/fuzz/k.vyre", lopts, diags, module) ||
        !runSema(module, diags, sema) || diags.hasErrors())
      abort(); // the fuzzer's own program must compile
    return layoutFromSema(module, sema);
  }();
  return layout;
}

std::optional<llvm::json::Value> parse(llvm::StringRef text) {
  llvm::Expected<llvm::json::Value> v = parseJson(text);
  if (!v) {
    llvm::consumeError(v.takeError());
    return std::nullopt;
  }
  return std::move(*v);
}

void readScenario(const llvm::json::Value &v, const HostLayout &layout) {
  llvm::Expected<Scenario> s = loadScenario(v, layout);
  if (!s)
    llvm::consumeError(s.takeError());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef input(reinterpret_cast<const char *>(data), size);
  auto [first, second] = input.split('\0');
  const HostLayout &fixed = programLayout();
  std::optional<HostLayout> manifestLayout;
  if (std::optional<llvm::json::Value> m = parse(first)) {
    llvm::Expected<HostLayout> l = layoutFromManifest(*m);
    if (l)
      manifestLayout = std::move(*l);
    else
      llvm::consumeError(l.takeError());
    readScenario(*m, fixed);
  }
  if (input.contains('\0'))
    if (std::optional<llvm::json::Value> s = parse(second))
      readScenario(*s, manifestLayout ? *manifestLayout : fixed);
  return 0;
}
