//===- TestSupport.h - helpers shared by the unit tests ------------------===//
#ifndef VYRE_TEST_UNIT_TESTSUPPORT_H
#define VYRE_TEST_UNIT_TESTSUPPORT_H

#include "vyre/Basic/Diagnostics.h"
#include "vyre/IR/IR.h"
#include "vyre/Parse/Parser.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include <memory>
#include <string>

namespace vyre::test {

/// A SourceMgr holding one in-memory buffer, and a DiagnosticEngine whose
/// output is captured in `output`.
struct Harness {
  llvm::SourceMgr sm;
  std::string output;
  llvm::raw_string_ostream os{output};
  DiagnosticEngine diags;
  unsigned buffer;

  explicit Harness(llvm::StringRef text, DiagOptions opts = {})
      : diags(sm, os, opts) {
    buffer = sm.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(text, "test.vyre"), llvm::SMLoc());
  }
  std::string diagText() {
    os.flush();
    return output;
  }
};

/// A Module built from in-memory files (no loader, no disk), with the
/// diagnostics captured in `diagText`.
struct InMemoryModule {
  llvm::SourceMgr sm;
  std::string diagText;
  llvm::raw_string_ostream diagOs{diagText};
  DiagnosticEngine diags{sm, diagOs};
  Module module;

  /// Parses \p text as the next file; the last one added is the root.
  void addFile(llvm::StringRef text, llvm::StringRef name, bool prelude) {
    auto f = std::make_unique<SourceFile>();
    f->path = name.str();
    f->isPrelude = prelude;
    f->bufferId = sm.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(text, name), llvm::SMLoc());
    parseBuffer(f->bufferId, diags, *f);
    for (auto &h : f->handlers)
      h->fromPrelude = prelude;
    module.files.push_back(std::move(f));
    module.rootFile = module.files.size() - 1;
  }
};

} // namespace vyre::test

#endif
