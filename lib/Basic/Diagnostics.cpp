#include "vyre/Basic/Diagnostics.h"

#include "llvm/ADT/SmallString.h"

using namespace vyre;

void vyre::printDiagnostic(llvm::SourceMgr &sm, llvm::raw_ostream &os,
                           llvm::SMLoc loc, llvm::SourceMgr::DiagKind kind,
                           const llvm::Twine &msg, bool color) {
  llvm::SMDiagnostic full = sm.GetMessage(loc, kind, msg);
  llvm::StringRef line = full.getLineContents();
  if (!loc.isValid() || line.size() <= kMaxShownLine ||
      full.getColumnNo() < 0) {
    sm.PrintMessage(os, full, color);
    return;
  }
  // The header (and the include chain, which PrintMessage prints from the
  // location) with the real line and column; no source line of its own.
  std::string where = (full.getFilename() + ":" + llvm::Twine(full.getLineNo()) +
                       ":" + llvm::Twine(full.getColumnNo() + 1))
                          .str();
  sm.PrintMessage(os,
                  llvm::SMDiagnostic(sm, loc, where, -1, -1, kind,
                                     full.getMessage(), "", {}),
                  color);
  // A window of kMaxShownLine bytes around the caret, cut at UTF-8
  // character starts; tabs shown as one space so the caret lines up.
  size_t col = std::min<size_t>(full.getColumnNo(), line.size());
  size_t begin = col > kMaxShownLine / 2 ? col - kMaxShownLine / 2 : 0;
  size_t end = std::min(line.size(), begin + kMaxShownLine);
  begin = end - std::min(end, kMaxShownLine);
  auto isContinuation = [&](size_t i) {
    return i < line.size() && (static_cast<unsigned char>(line[i]) & 0xC0) == 0x80;
  };
  while (begin > 0 && isContinuation(begin))
    --begin;
  while (end < line.size() && isContinuation(end))
    ++end;
  std::string shown = begin > 0 ? "..." : "";
  size_t caret = shown.size() + (col - begin);
  for (char c : line.slice(begin, end))
    shown += c == '\t' ? ' ' : c;
  if (end < line.size())
    shown += "...";
  os << shown << '\n';
  if (color)
    os.changeColor(llvm::raw_ostream::GREEN, true);
  os << std::string(caret, ' ') << "^\n";
  if (color)
    os.resetColor();
}

namespace {
/// Collects one diagnostic (header, source line, caret, colour codes) so it
/// reaches the real stream in one write: llvm::errs() is unbuffered, and
/// SourceMgr prints a diagnostic in about 34 pieces. Colours follow the
/// real stream (a terminal, or --color=always).
class DiagnosticBuffer : public llvm::raw_ostream {
public:
  explicit DiagnosticBuffer(llvm::raw_ostream &target)
      : raw_ostream(/*unbuffered=*/true), target(target) {
    if (target.colors_enabled())
      enable_colors(true);
  }
  ~DiagnosticBuffer() override { target.write(text.data(), text.size()); }

  bool is_displayed() const override { return target.is_displayed(); }
  bool has_colors() const override { return target.has_colors(); }

private:
  void write_impl(const char *ptr, size_t size) override {
    text.append(ptr, ptr + size);
  }
  uint64_t current_pos() const override { return text.size(); }

  llvm::raw_ostream &target;
  llvm::SmallString<512> text;
};
} // namespace

static llvm::SourceMgr::DiagKind toKind(Severity sev) {
  switch (sev) {
  case Severity::Note:
    return llvm::SourceMgr::DK_Note;
  case Severity::Warning:
    return llvm::SourceMgr::DK_Warning;
  case Severity::Error:
    return llvm::SourceMgr::DK_Error;
  }
  return llvm::SourceMgr::DK_Error;
}

void DiagnosticEngine::report(Severity sev, llvm::SMLoc loc,
                              const llvm::Twine &msg) {
  if (sev == Severity::Note) {
    if (lastDropped)
      return;
  } else {
    lastDropped = false;
    if (sev == Severity::Warning) {
      if (opts.suppressWarnings) {
        lastDropped = true;
        return;
      }
      if (opts.warningsAsErrors)
        sev = Severity::Error;
    }
    if (sev == Severity::Error) {
      if (capReached) {
        lastDropped = true;
        return;
      }
      ++numErrors;
    } else {
      ++numWarnings;
    }
  }

  if (opts.verify) {
    recordedDiags.push_back({sev, loc, msg.str()});
  } else if (loc.isValid()) {
    DiagnosticBuffer out(os);
    printDiagnostic(sm, out, loc, toKind(sev), msg, opts.color);
  } else {
    // No source position (a missing input file, say): still tool-prefixed.
    DiagnosticBuffer out(os);
    llvm::SMDiagnostic d("vyrec", toKind(sev), msg.str());
    d.print(nullptr, out, opts.color);
  }

  if (sev != Severity::Note && annotator && !annotating) {
    annotating = true;
    std::string text = msg.str();
    annotator(sev, loc, text);
    annotating = false;
  }

  if (sev == Severity::Error && opts.maxErrors != 0 &&
      numErrors >= opts.maxErrors && !capReached) {
    capReached = true;
    if (!opts.verify) {
      DiagnosticBuffer out(os);
      llvm::SMDiagnostic d("vyrec", llvm::SourceMgr::DK_Error,
                           "too many errors emitted, stopping now "
                           "[-max-errors=N]");
      d.print(nullptr, out, opts.color);
    }
  }
}
