//===- Diagnostics.h - Located, severity-tagged compiler diagnostics ------===//
//
// Every message the compiler prints about user input goes through a
// DiagnosticEngine: it formats `file:line:col: error: msg` with the source
// line and a caret (through llvm::SourceMgr), applies the warning options
// (-Wname, -Wno-name, -Werror[=name], -w; groups in DiagnosticGroups.def),
// caps the number of errors, and in -verify mode records diagnostics instead
// of printing them so Verify.cpp can compare them with expected-* comments.
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
#include <array>
#include <optional>
#include <string>
#include <vector>

namespace vyre {

enum class Severity { Note, Warning, Error };
/// "note", "warning" or "error", as printed.
const char *spelling(Severity s);

/// A named warning group (DiagnosticGroups.def). A warning without one
/// (DiagGroup::None) obeys only -w and -Werror.
enum class DiagGroup : uint8_t {
#define DIAG_GROUP(Id, Name, DefaultOn, Summary, Description, Anchor) Id,
#include "vyre/Basic/DiagnosticGroups.def"
  None,
};
constexpr size_t kNumDiagGroups = static_cast<size_t>(DiagGroup::None);

struct DiagGroupInfo {
  const char *name;
  bool defaultOn;
  const char *summary;
  const char *description; ///< why it matters and what to do
  const char *docAnchor;   ///< the heading of docs/validation.md about it
};
const DiagGroupInfo &diagGroupInfo(DiagGroup g);
std::optional<DiagGroup> findDiagGroup(llvm::StringRef name);

struct RecordedDiag {
  Severity severity;
  llvm::SMLoc loc;
  std::string message;
  DiagGroup group = DiagGroup::None;
};

/// --diagnostics-format: clang-style text as each diagnostic arrives, or one
/// JSON / SARIF 2.1.0 document written by finish() (docs/cli.md).
enum class DiagFormat : uint8_t { Text, Json, Sarif };

struct DiagOptions {
  unsigned maxErrors = 20;     // 0 = unlimited
  DiagFormat format = DiagFormat::Text;
  std::string toolName = "vyrec";   // prefix of location-less diagnostics
  std::string toolVersion;          // SARIF's tool.driver.version
  /// SARIF: URIs of files under this directory are relative to its
  /// uriBaseId (originalUriBaseIds); empty is the working directory.
  std::string sarifRoot;
  /// SARIF: the absolute URI of vyrec's docs/ folder (helpUri,
  /// informationUri); empty: none given.
  std::string docsUrl;
  bool warningsAsErrors = false; // -Werror
  bool suppressWarnings = false; // -w
  bool color = false;
  bool verify = false;         // record instead of print
  /// Per group, what -W options said (unset: the group's default).
  std::array<std::optional<bool>, kNumDiagGroups> groupEnabled{};
  std::array<std::optional<bool>, kNumDiagGroups> groupAsError{};

  /// Applies one warning option as clang does: `-w`, `-Werror`,
  /// `-Wno-error`, `-Weverything`, `-Wname`, `-Wno-name`, `-Werror=name`
  /// (enables it too), `-Wno-error=name`. Later options win. Returns false
  /// when the option names no group (the caller warns, as clang does,
  /// under -Wunknown-warning-option).
  bool applyWarningOption(llvm::StringRef option);
  bool isEnabled(DiagGroup g) const;
  bool isError(DiagGroup g) const;
};

class DiagnosticEngine {
public:
  DiagnosticEngine(llvm::SourceMgr &sm, llvm::raw_ostream &os,
                   DiagOptions opts = {})
      : sm(sm), os(os), opts(opts) {}
  ~DiagnosticEngine() { finish(); }
  DiagnosticEngine(const DiagnosticEngine &) = delete;
  DiagnosticEngine &operator=(const DiagnosticEngine &) = delete;

  /// JSON and SARIF: write the document of everything reported so far (once;
  /// the destructor calls it too). Text: nothing to do.
  void finish();

  void error(llvm::SMLoc loc, const llvm::Twine &msg) {
    report(Severity::Error, loc, msg);
  }
  /// A warning of a named group: shown as `... [-Wname]`, and enabled,
  /// disabled or promoted by the group's -W options.
  void warning(DiagGroup group, llvm::SMLoc loc, const llvm::Twine &msg) {
    report(Severity::Warning, loc, msg, group);
  }
  void warning(llvm::SMLoc loc, const llvm::Twine &msg) {
    report(Severity::Warning, loc, msg);
  }
  /// A note belongs to the diagnostic before it: it is dropped when that one
  /// was (a suppressed warning, or an error past the cap).
  void note(llvm::SMLoc loc, const llvm::Twine &msg) {
    report(Severity::Note, loc, msg);
  }
  void report(Severity sev, llvm::SMLoc loc, const llvm::Twine &msg,
              DiagGroup group = DiagGroup::None);

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
  /// JSON/SARIF: diagnostics as reported, each note after its diagnostic.
  std::vector<RecordedDiag> structuredDiags;
  bool finished = false;
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

/// The JSON and SARIF documents for \p diags (DiagnosticFormats.cpp).
void writeDiagnosticsJson(const std::vector<RecordedDiag> &diags,
                          llvm::SourceMgr &sm, const DiagOptions &opts,
                          llvm::raw_ostream &os);
void writeDiagnosticsSarif(const std::vector<RecordedDiag> &diags,
                           llvm::SourceMgr &sm, const DiagOptions &opts,
                           llvm::raw_ostream &os);

/// -verify: compare what \p diags recorded with the `expected-error
/// {{text}}` (also -warning, -note; `@+N`/`@-N` line offsets;
/// `expected-no-diagnostics`) comments in every buffer of its SourceMgr.
/// Prints mismatches to \p os and returns true when everything matched.
bool verifyDiagnostics(DiagnosticEngine &diags, llvm::raw_ostream &os);

} // namespace vyre

#endif
