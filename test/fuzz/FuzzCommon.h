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
#include <vector>

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

/// A fuzz input may hold several files, as split-file does: the text before
/// the first `//--- NAME` line is the root file, and each such line starts
/// the file NAME (at most kMaxFiles files). Imports resolve among them, in
/// an in-memory file system (the root is /fuzz/input.vyre), so the fuzzers
/// reach imports, cycles and protocol overrides in libraries.
constexpr const char *kFileMarker = "//--- ";
constexpr size_t kMaxFiles = 64;
struct InputFile {
  std::string name; // empty: the root file
  std::string text;
};
std::vector<InputFile> splitFiles(llvm::StringRef text);

/// fuzz-compile's property (FuzzPipeline.cpp): load \p text's files
/// (splitFiles) after the in-memory prelude (or alone, like `vyrec
/// --no-prelude`, when the root declares the protocol buffer 'control'
/// itself), validate them, and when they validate, emit the megakernel for
/// vulkan1.1 (GLSL450) and vulkan1.3 (Vulkan memory model, -g): emitSpirv
/// must succeed, i.e. the module passes spirv-val. Also builds the manifest.
/// abort() on a violation. Returns true if it validated.
bool checkCompile(llvm::StringRef text);

} // namespace vyre::fuzz

#endif
