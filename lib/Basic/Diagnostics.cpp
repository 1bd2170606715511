//===- Diagnostics.cpp - caret diagnostics, severities and the error cap --===//
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

const char *vyre::spelling(Severity s) {
  switch (s) {
  case Severity::Note:
    return "note";
  case Severity::Warning:
    return "warning";
  case Severity::Error:
    return "error";
  }
  return "error";
}

static const DiagGroupInfo kGroups[] = {
#define DIAG_GROUP(Id, Name, DefaultOn, Summary, Description, Anchor)        \
  {Name, DefaultOn, Summary, Description, Anchor},
#include "vyre/Basic/DiagnosticGroups.def"
};

const DiagGroupInfo &vyre::diagGroupInfo(DiagGroup g) {
  return kGroups[static_cast<size_t>(g)];
}

std::optional<DiagGroup> vyre::findDiagGroup(llvm::StringRef name) {
  for (size_t i = 0; i < kNumDiagGroups; ++i)
    if (name == kGroups[i].name)
      return static_cast<DiagGroup>(i);
  return std::nullopt;
}

bool DiagOptions::applyWarningOption(llvm::StringRef option) {
  if (option == "-w") {
    suppressWarnings = true;
    return true;
  }
  if (!option.consume_front("-W"))
    return false;
  if (option == "error" || option == "no-error") {
    warningsAsErrors = option == "error";
    return true;
  }
  if (option == "everything") {
    groupEnabled.fill(true);
    return true;
  }
  bool negative = option.consume_front("no-");
  bool error = option.consume_front("error=");
  std::optional<DiagGroup> g = findDiagGroup(option);
  if (!g)
    return false;
  size_t i = static_cast<size_t>(*g);
  if (error) {
    groupAsError[i] = !negative;
    if (!negative)
      groupEnabled[i] = true; // -Werror=name turns the warning on, as in clang
  } else {
    groupEnabled[i] = !negative;
  }
  return true;
}

bool DiagOptions::isEnabled(DiagGroup g) const {
  if (suppressWarnings)
    return false;
  if (g == DiagGroup::None)
    return true;
  size_t i = static_cast<size_t>(g);
  return groupEnabled[i].value_or(kGroups[i].defaultOn);
}

bool DiagOptions::isError(DiagGroup g) const {
  if (g != DiagGroup::None)
    if (auto e = groupAsError[static_cast<size_t>(g)])
      return *e;
  return warningsAsErrors;
}

/// clang's suffix: `[-Wname]`, or `[-Werror,-Wname]` once promoted.
static std::string groupSuffix(DiagGroup g, bool promoted) {
  if (g == DiagGroup::None)
    return promoted ? " [-Werror]" : "";
  return std::string(promoted ? " [-Werror,-W" : " [-W") +
         diagGroupInfo(g).name + "]";
}

void DiagnosticEngine::report(Severity sev, llvm::SMLoc loc,
                              const llvm::Twine &msg, DiagGroup group) {
  bool promoted = false;
  if (sev == Severity::Note) {
    if (lastDropped)
      return;
  } else {
    lastDropped = false;
    if (sev == Severity::Warning) {
      if (!opts.isEnabled(group)) {
        lastDropped = true;
        return;
      }
      if (opts.isError(group)) {
        sev = Severity::Error;
        promoted = true;
      }
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
    recordedDiags.push_back({sev, loc, msg.str(), group});
  } else if (opts.format != DiagFormat::Text) {
    structuredDiags.push_back({sev, loc, msg.str(), group});
  } else if (loc.isValid()) {
    DiagnosticBuffer out(os);
    printDiagnostic(sm, out, loc, toKind(sev), msg + groupSuffix(group, promoted),
                    opts.color);
  } else {
    // No source position (a missing input file, say): still tool-prefixed.
    DiagnosticBuffer out(os);
    llvm::SMDiagnostic d(opts.toolName, toKind(sev),
                         msg.str() + groupSuffix(group, promoted));
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
    const char *text = "too many errors emitted, stopping now [-max-errors=N]";
    if (opts.format != DiagFormat::Text && !opts.verify) {
      structuredDiags.push_back({Severity::Error, llvm::SMLoc(), text});
    } else if (!opts.verify) {
      DiagnosticBuffer out(os);
      llvm::SMDiagnostic d(opts.toolName, llvm::SourceMgr::DK_Error, text);
      d.print(nullptr, out, opts.color);
    }
  }
}

void DiagnosticEngine::finish() {
  if (finished || opts.verify)
    return;
  finished = true;
  if (opts.format == DiagFormat::Json)
    writeDiagnosticsJson(structuredDiags, sm, opts, os);
  else if (opts.format == DiagFormat::Sarif)
    writeDiagnosticsSarif(structuredDiags, sm, opts, os);
  os.flush();
}
