//===- TestSupport.h - helpers shared by the unit tests ------------------===//
#ifndef VYRE_TEST_UNIT_TESTSUPPORT_H
#define VYRE_TEST_UNIT_TESTSUPPORT_H

#include "vyre/Basic/Diagnostics.h"

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

} // namespace vyre::test

#endif
