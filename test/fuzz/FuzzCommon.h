//===- FuzzCommon.h - shared pipeline for vyrec's libFuzzer fuzzers -------===//
//
// The fuzzers drive the libraries in process, with the prelude built into
// the compiler (lib/Prelude) and every diagnostic sent to a null stream. A
// property violation (a printer round trip that changes, a validated
// program whose SPIR-V fails the validator) prints what it can to stderr
// and calls abort(), which libFuzzer records as a crash. docs/fuzzing.md
// describes the fuzzers and how to run them.
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_TEST_FUZZ_FUZZCOMMON_H
#define VYRE_TEST_FUZZ_FUZZCOMMON_H

#include "vyre/IR/IR.h"

#include "llvm/ADT/StringRef.h"

#include <memory>
#include <string>

namespace vyre::fuzz {

/// Prints \p what, \p detail and \p program to stderr and aborts: a
/// property violation, which libFuzzer records as a crash.
[[noreturn]] void fail(const char *what, llvm::StringRef detail,
                       llvm::StringRef program);

/// Parses \p text as one file (no prelude) into \p out. Returns true when
/// it parsed without any error. \p keepAlive owns the SourceMgr the IR's
/// locations point into.
bool parseText(llvm::StringRef text, SourceFile &out,
               std::shared_ptr<void> *keepAlive = nullptr);

/// The canonical text of \p file (vyre::printSourceFile).
std::string printText(const SourceFile &file);

/// fuzz-parse's property: lex + parse \p text; when it parses cleanly, the
/// printed form must parse cleanly and print identically. abort() if not.
void checkRoundTrip(llvm::StringRef text);

/// fuzz-compile's property (FuzzPipeline.cpp): load \p text after the in-memory prelude (or
/// alone, like `vyrec --no-prelude`, when it declares the protocol buffer
/// 'control' itself), validate it, and when it validates, emit the
/// megakernel for vulkan1.1 (GLSL450) and vulkan1.3 (Vulkan memory model,
/// -g): emitSpirv must succeed, i.e. the module passes spirv-val. Also
/// builds the manifest. abort() on a violation. Files with imports are
/// skipped (nothing is read from disk). Returns true if it validated.
bool checkCompile(llvm::StringRef text);

} // namespace vyre::fuzz

#endif
