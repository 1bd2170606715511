//===- Diagnostics.h - Located, severity-tagged compiler diagnostics ------===//
//
// Every message the compiler prints about user input goes through a
// DiagnosticEngine: it formats `file:line:col: error: msg` with the source
// line and a caret (through llvm::SourceMgr), applies -Werror / -w, caps the
// number of errors, and in -verify mode records diagnostics instead of
// printing them so Verify.cpp can compare them with expected-* comments.
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_BASIC_DIAGNOSTICS_H
#define VYRE_BASIC_DIAGNOSTICS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/SMLoc.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>
#include <string>
#include <vector>

namespace vyre {

enum class Severity { Note, Warning, Error };

struct RecordedDiag {
  Severity severity;
  llvm::SMLoc loc;
  std::string message;
};

struct DiagOptions {
  unsigned maxErrors = 20;     // 0 = unlimited
  bool warningsAsErrors = false;
  bool suppressWarnings = false;
  bool color = false;
  bool verify = false;         // record instead of print
};

class DiagnosticEngine {
public:
  DiagnosticEngine(llvm::SourceMgr &sm, llvm::raw_ostream &os,
                   DiagOptions opts = {})
      : sm(sm), os(os), opts(opts) {}

  void error(llvm::SMLoc loc, const llvm::Twine &msg) {
    report(Severity::Error, loc, msg);
  }
  void warning(llvm::SMLoc loc, const llvm::Twine &msg) {
    report(Severity::Warning, loc, msg);
  }
  /// A note belongs to the diagnostic before it: it is dropped when that one
  /// was (a suppressed warning, or an error past the cap).
  void note(llvm::SMLoc loc, const llvm::Twine &msg) {
    report(Severity::Note, loc, msg);
  }
  void report(Severity sev, llvm::SMLoc loc, const llvm::Twine &msg);

  unsigned errorCount() const { return numErrors; }
  unsigned warningCount() const { return numWarnings; }
  bool hasErrors() const { return numErrors != 0; }
  /// True once the error cap is reached: front ends stop early.
  bool tooManyErrors() const { return capReached; }

  llvm::SourceMgr &sourceMgr() { return sm; }
  const DiagOptions &options() const { return opts; }
  const std::vector<RecordedDiag> &recorded() const { return recordedDiags; }

  /// Called after every error or warning that is shown (or recorded), to
  /// attach notes to it with note(); the notes it reports do not call it
  /// again. Sema uses it to point at the protocol overrides a diagnostic
  /// depends on (lib/Sema/OverrideNotes.cpp). Empty: nothing is called.
  using Annotator = std::function<void(Severity, llvm::SMLoc, llvm::StringRef)>;
  void setAnnotator(Annotator fn) { annotator = std::move(fn); }

private:
  llvm::SourceMgr &sm;
  llvm::raw_ostream &os;
  DiagOptions opts;
  unsigned numErrors = 0;
  unsigned numWarnings = 0;
  bool capReached = false;
  bool lastDropped = false;
  bool annotating = false;
  Annotator annotator;
  std::vector<RecordedDiag> recordedDiags;
};

/// Prints `file:line:col: kind: msg`, the include chain, the source line
/// and a caret, as llvm::SourceMgr::PrintMessage does, except that a source
/// line longer than kMaxShownLine bytes is clipped to a window around the
/// caret (`...` marks the cut ends): one error on a 1 MB line prints a
/// short line, not the megabyte.
void printDiagnostic(llvm::SourceMgr &sm, llvm::raw_ostream &os,
                     llvm::SMLoc loc, llvm::SourceMgr::DiagKind kind,
                     const llvm::Twine &msg, bool color = false);
constexpr size_t kMaxShownLine = 160;

/// -verify: compare what \p diags recorded with the `expected-error
/// {{text}}` (also -warning, -note; `@+N`/`@-N` line offsets;
/// `expected-no-diagnostics`) comments in every buffer of its SourceMgr.
/// Prints mismatches to \p os and returns true when everything matched.
bool verifyDiagnostics(DiagnosticEngine &diags, llvm::raw_ostream &os);

} // namespace vyre

#endif
