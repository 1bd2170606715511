//===- FuzzPipeline.cpp - load + validate + emit for the fuzzers ----------===//
#include "FuzzCommon.h"

#include "vyre/Basic/Diagnostics.h"
#include "vyre/Emit/Emit.h"
#include "vyre/Parse/Parser.h"
#include "vyre/Prelude/Prelude.h"
#include "vyre/Sema/Sema.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

using namespace vyre;
using fuzz::fail;

bool fuzz::checkCompile(llvm::StringRef text) {
  llvm::SourceMgr sm;
  DiagnosticEngine diags(sm, llvm::nulls());
  Module module;

  auto root = std::make_unique<SourceFile>();
  root->path = "input.vyre";
  root->bufferId = sm.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(text, "input.vyre"), llvm::SMLoc());
  parseBuffer(root->bufferId, diags, *root);
  if (diags.hasErrors() || !root->imports.empty())
    return false;
  bool definesProtocol = false;
  for (const auto &b : root->buffers)
    definesProtocol |= b->name == "control";
  if (!definesProtocol) {
    auto prelude = std::make_unique<SourceFile>();
    prelude->path = preludeBufferName().str();
    prelude->isPrelude = true;
    prelude->bufferId = sm.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBuffer(preludeSource(), preludeBufferName()),
        llvm::SMLoc());
    parseBuffer(prelude->bufferId, diags, *prelude);
    if (diags.hasErrors())
      fail("the built-in prelude does not parse", "", preludeSource());
    module.files.push_back(std::move(prelude));
  }
  module.files.push_back(std::move(root));
  module.rootFile = module.files.size() - 1;

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
    llvm::json::Value manifest = buildManifest(module, sema, opts, sm);
    (void)manifest;
  }
  return true;
}
