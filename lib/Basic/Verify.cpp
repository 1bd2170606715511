//===- Verify.cpp - clang-style -verify for diagnostic tests --------------===//
#include "vyre/Basic/Diagnostics.h"

#include "llvm/ADT/StringExtras.h"

#include <algorithm>

using namespace vyre;

namespace {
struct Expected {
  Severity severity;
  unsigned buffer;
  unsigned line;
  std::string text;
  llvm::SMLoc where; // the comment itself, for reporting
  bool matched = false;
};
} // namespace

/// Scans one buffer for expected-* directives. Returns false on a malformed
/// directive (reported to \p os).
static bool collect(llvm::SourceMgr &sm, unsigned buf,
                    std::vector<Expected> &out, llvm::SMLoc &noDiagsAt,
                    llvm::raw_ostream &os) {
  llvm::StringRef text = sm.getMemoryBuffer(buf)->getBuffer();
  bool ok = true;
  size_t pos = 0;
  while ((pos = text.find("expected-", pos)) != llvm::StringRef::npos) {
    llvm::StringRef rest = text.drop_front(pos + 9);
    const char *start = text.data() + pos;
    pos += 9;
    if (rest.startswith("no-diagnostics")) {
      if (!noDiagsAt.isValid())
        noDiagsAt = llvm::SMLoc::getFromPointer(start);
      continue;
    }
    Severity sev;
    if (rest.consume_front("error"))
      sev = Severity::Error;
    else if (rest.consume_front("warning"))
      sev = Severity::Warning;
    else if (rest.consume_front("note"))
      sev = Severity::Note;
    else
      continue;
    unsigned line =
        sm.getLineAndColumn(llvm::SMLoc::getFromPointer(start), buf).first;
    if (rest.consume_front("@")) {
      bool neg = rest.consume_front("-");
      if (!neg)
        rest.consume_front("+");
      unsigned long long off = 0;
      if (rest.consumeInteger(10, off)) {
        printDiagnostic(sm, os, llvm::SMLoc::getFromPointer(start),
                        llvm::SourceMgr::DK_Error,
                        "malformed line offset in expected directive");
        ok = false;
        continue;
      }
      // In 64 bits, and checked against the buffer: `@-1` on line 1 and
      // `@+4294967295` must not wrap around to some other line.
      long long delta = static_cast<long long>(std::min(off, 1ull << 40));
      long long target = static_cast<long long>(line) + (neg ? -delta : delta);
      long long lines = static_cast<long long>(text.count('\n')) + 1;
      if (target < 1 || target > lines) {
        printDiagnostic(sm, os, llvm::SMLoc::getFromPointer(start),
                        llvm::SourceMgr::DK_Error,
                        "line offset in expected directive points to line " +
                            llvm::Twine(target) + ", outside the file (lines 1 to " +
                            llvm::Twine(lines) + ")");
        ok = false;
        continue;
      }
      line = static_cast<unsigned>(target);
    }
    rest = rest.ltrim(" \t");
    if (!rest.consume_front("{{")) {
      printDiagnostic(sm, os, llvm::SMLoc::getFromPointer(start),
                      llvm::SourceMgr::DK_Error,
                      "expected '{{' after expected-" +
                          llvm::Twine(spelling(sev)));
      ok = false;
      continue;
    }
    size_t end = rest.find("}}");
    if (end == llvm::StringRef::npos) {
      printDiagnostic(sm, os, llvm::SMLoc::getFromPointer(start),
                      llvm::SourceMgr::DK_Error,
                      "missing '}}' in expected directive");
      ok = false;
      continue;
    }
    out.push_back({sev, buf, line, rest.take_front(end).str(),
                   llvm::SMLoc::getFromPointer(start)});
  }
  return ok;
}

bool vyre::verifyDiagnostics(DiagnosticEngine &diags, llvm::raw_ostream &os) {
  llvm::SourceMgr &sm = diags.sourceMgr();
  std::vector<Expected> expected;
  llvm::SMLoc noDiagsAt; // the first expected-no-diagnostics
  bool ok = true;
  for (unsigned b = 1; b <= sm.getNumBuffers(); ++b)
    ok &= collect(sm, b, expected, noDiagsAt, os);
  bool noDiags = noDiagsAt.isValid();
  // As in clang: "no diagnostics" and an expected one contradict each other.
  if (noDiags && !expected.empty()) {
    printDiagnostic(sm, os, noDiagsAt, llvm::SourceMgr::DK_Error,
                    "'expected-no-diagnostics' together with expected-" +
                        llvm::Twine(spelling(expected.front().severity)) +
                        " directives");
    printDiagnostic(sm, os, expected.front().where, llvm::SourceMgr::DK_Note,
                    "first expected diagnostic");
    ok = false;
  }

  for (const RecordedDiag &d : diags.recorded()) {
    unsigned buf = d.loc.isValid() ? sm.FindBufferContainingLoc(d.loc) : 0;
    unsigned line = buf ? sm.getLineAndColumn(d.loc, buf).first : 0;
    bool found = false;
    for (Expected &e : expected) {
      if (e.matched || e.severity != d.severity || e.buffer != buf ||
          e.line != line ||
          llvm::StringRef(d.message).find(e.text) == llvm::StringRef::npos)
        continue;
      e.matched = found = true;
      break;
    }
    if (!found) {
      ok = false;
      std::string msg = std::string(spelling(d.severity)) +
                        " seen but not expected: " + d.message;
      if (d.loc.isValid())
        printDiagnostic(sm, os, d.loc, llvm::SourceMgr::DK_Error, msg);
      else
        os << "error: " << msg << "\n";
    }
  }
  for (const Expected &e : expected) {
    if (e.matched)
      continue;
    ok = false;
    printDiagnostic(sm, os, e.where, llvm::SourceMgr::DK_Error,
                    llvm::Twine(spelling(e.severity)) +
                        " expected but not seen on line " +
                        llvm::Twine(e.line) + ": " + e.text);
  }
  if (expected.empty() && !noDiags && diags.recorded().empty()) {
    os << "error: -verify: no expected directives found (use "
          "'expected-no-diagnostics')\n";
    ok = false;
  }
  return ok;
}
