//===- FuzzPipeline.cpp - load + validate + emit for the fuzzers ----------===//
#include "FuzzCommon.h"

#include "vyre/Basic/Diagnostics.h"
#include "vyre/Emit/Emit.h"
#include "vyre/Parse/Loader.h"
#include "vyre/Parse/Parser.h"
#include "vyre/Prelude/Prelude.h"
#include "vyre/Sema/Sema.h"
#include "vyre/Target/WGSL.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/VirtualFileSystem.h"

using namespace vyre;
using fuzz::fail;

namespace {

/// The root file's path in the fuzzers' in-memory file system.
constexpr const char *kRootPath = "/fuzz/input.vyre";

void addFiles(const std::vector<fuzz::InputFile> &files,
              llvm::vfs::InMemoryFileSystem &fs) {
  for (const fuzz::InputFile &f : files) {
    std::string path = f.name.empty() ? std::string(kRootPath) : "/fuzz/" + f.name;
    fs.addFile(path, 0, llvm::MemoryBuffer::getMemBufferCopy(f.text, path));
  }
}

} // namespace

bool fuzz::checkCompile(llvm::StringRef text) {
  // The root alone decides between the prelude and --no-prelude, as before.
  std::vector<InputFile> files = splitFiles(text);
  SourceFile rootAlone;
  std::shared_ptr<void> keepRoot;
  parseText(files.front().text, rootAlone, &keepRoot);
  bool definesProtocol = false;
  for (const auto &b : rootAlone.buffers)
    definesProtocol |= b->name == "control";

  llvm::SourceMgr sm;
  DiagnosticEngine diags(sm, llvm::nulls());
  Module module;
  auto fs = llvm::makeIntrusiveRefCnt<llvm::vfs::InMemoryFileSystem>();
  addFiles(files, *fs);
  LoadOptions lopts;
  lopts.fileSystem = fs;
  lopts.usePrelude = !definesProtocol;
  if (!loadModule(kRootPath, lopts, diags, module) || diags.hasErrors())
    return false;

  SemaResult sema;
  if (!runSema(module, diags, sema) || diags.hasErrors())
    return false;

  struct Config {
    TargetEnv env;
    MemoryModelKind model;
    bool debug;
  };
  const Config configs[] = {
      {TargetEnv::Vulkan1_1, MemoryModelKind::GLSL450, false},
      {TargetEnv::Vulkan1_3, MemoryModelKind::Vulkan, true},
  };
  for (const Config &c : configs) {
    EmitOptions opts;
    opts.targetEnv = c.env;
    opts.memoryModel = c.model;
    opts.debugInfo = c.debug;
    opts.sm = &sm;
    opts.validate = true; // the fuzzer's oracle: spirv-val accepts the module
    llvm::Expected<std::vector<uint32_t>> words = emitSpirv(module, sema, opts);
    if (!words)
      fail("a validated program gives a module spirv-val rejects",
           (spelling(c.env) + ": " + llvm::toString(words.takeError())).str(),
           text);
    if (words->empty())
      fail("emitSpirv returned an empty module", spelling(c.env), text);
    llvm::Expected<llvm::json::Value> manifest =
        buildManifest(module, sema, opts, sm, *words);
    if (!manifest)
      fail("a valid module gives no manifest",
           llvm::toString(manifest.takeError()), text);
  }
  // WebGPU: what checkWgslSupport accepts, emitWgsl must write (no
  // internal error), with each loop.
  for (Skeleton loop : {Skeleton::Portable, Skeleton::Grouped}) {
    KernelOptions kopts;
    kopts.skeleton = loop;
    DiagnosticEngine wgslDiags(sm, llvm::nulls());
    if (!checkWgslSupport(module, sema, KernelPlan::make(sema, kopts),
                          wgslDiags))
      continue;
    llvm::Expected<WgslModule> wgsl = emitWgsl(module, sema, kopts);
    if (!wgsl)
      fail("a program WGSL accepts gives no WGSL module",
           llvm::toString(wgsl.takeError()), text);
    if (wgsl->text.empty())
      fail("emitWgsl returned an empty module", spelling(loop), text);
  }
  return true;
}
