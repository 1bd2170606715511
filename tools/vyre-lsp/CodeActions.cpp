//===- CodeActions.cpp - quick fixes from the compiler's suggestions -----===//
//
// Sema ends a diagnostic about an unknown name with "; did you mean 'X'?"
// (the closest known name, lib/Sema/NameResolution.cpp): the quick fix
// writes X over the name the diagnostic points at. X may be dotted
// (`control.SHUTDOWN`): when the diagnostic points at the key after a `.`,
// only the key is replaced, else the whole dotted name.
//
//===----------------------------------------------------------------------===//
#include "Document.h"

using namespace vyre;
using namespace vyre::lsp;
namespace json = llvm::json;

namespace {

bool isNameChar(char c) { return llvm::isAlnum(c) || c == '_'; }

/// X of "... did you mean 'X'?", or empty.
llvm::StringRef suggestion(llvm::StringRef message) {
  size_t at = message.rfind("did you mean '");
  if (at == llvm::StringRef::npos || !message.endswith("'?"))
    return "";
  return message.substr(at + 14).drop_back(2);
}

} // namespace

json::Array Document::codeActions(Position from, Position to) const {
  json::Array actions;
  if (!docBuffer)
    return actions;
  llvm::StringRef text = sm.getMemoryBuffer(docBuffer)->getBuffer();
  const char *first = pointerAt(from), *last = pointerAt(to);
  if (!first)
    first = text.end();
  if (!last)
    last = text.end();
  for (const RecordedDiag &d : diags->recorded()) {
    llvm::StringRef fix = suggestion(d.message);
    if (fix.empty() || d.severity == Severity::Note || !d.loc.isValid() ||
        sm.FindBufferContainingLoc(d.loc) != docBuffer)
      continue;
    const char *begin = d.loc.getPointer(), *end = begin;
    bool dotted = fix.contains('.');
    bool afterDot = begin > text.begin() && begin[-1] == '.';
    while (end < text.end() && (isNameChar(*end) || (dotted && !afterDot && *end == '.')))
      ++end;
    if (afterDot)
      fix = fix.substr(fix.rfind('.') + 1);
    // The requested range must touch the name.
    if (end < first || begin > last)
      continue;
    size_t length = static_cast<size_t>(end - begin);
    json::Value where = range(d.loc, length);
    json::Object diagnostic{{"range", where},
                            {"severity", d.severity == Severity::Error ? 1 : 2},
                            {"source", "vyrec"},
                            {"message", d.message}};
    json::Array edits{json::Object{{"range", where}, {"newText", fix.str()}}};
    actions.push_back(json::Object{
        {"title", "change '" + llvm::StringRef(begin, length).str() + "' to '" +
                      fix.str() + "'"},
        {"kind", "quickfix"},
        {"isPreferred", true},
        {"diagnostics", json::Array{std::move(diagnostic)}},
        {"edit", json::Object{{"changes", json::Object{{uri, std::move(edits)}}}}}});
  }
  return actions;
}
