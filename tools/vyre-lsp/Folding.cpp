//===- Folding.cpp - textDocument/foldingRange ---------------------------===//
//
// From the text, not the tree, so that a file with errors still folds:
// every `{ ... }` and `/* ... */` that spans lines (comments and strings
// skipped), and every run of two or more `//` lines.
//
//===----------------------------------------------------------------------===//
#include "Document.h"

using namespace vyre;
using namespace vyre::lsp;
namespace json = llvm::json;

json::Array Document::foldingRanges() const {
  json::Array out;
  llvm::StringRef text = source;
  auto fold = [&](unsigned from, unsigned to, const char *kind) {
    if (to <= from)
      return;
    json::Object range{{"startLine", from}, {"endLine", to}};
    if (kind)
      range["kind"] = kind;
    out.push_back(std::move(range));
  };
  std::vector<unsigned> open; // the lines of the unclosed `{`
  unsigned line = 0, commentRunStart = 0, commentRunEnd = 0;
  bool inCommentRun = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n') {
      ++line;
    } else if (text.substr(i).startswith("//")) {
      // A line comment: extend the run of comment lines, or start one.
      llvm::StringRef lineStart = text.take_front(i);
      lineStart = lineStart.substr(lineStart.rfind('\n') + 1);
      if (lineStart.trim().empty()) {
        if (!inCommentRun || commentRunEnd + 1 != line) {
          if (inCommentRun)
            fold(commentRunStart, commentRunEnd, "comment");
          commentRunStart = line;
        }
        inCommentRun = true;
        commentRunEnd = line;
      }
      i = std::min(text.find('\n', i), text.size()) - 1;
    } else if (text.substr(i).startswith("/*")) {
      unsigned from = line;
      unsigned depth = 0; // block comments nest
      for (; i < text.size(); ++i) {
        if (text.substr(i).startswith("/*")) {
          ++depth, ++i;
        } else if (text.substr(i).startswith("*/")) {
          ++i;
          if (--depth == 0)
            break;
        } else if (text[i] == '\n') {
          ++line;
        }
      }
      fold(from, line, "comment");
    } else if (c == '"') {
      while (++i < text.size() && text[i] != '"' && text[i] != '\n')
        if (text[i] == '\\')
          ++i;
      if (i < text.size() && text[i] == '\n')
        ++line;
    } else if (c == '{') {
      open.push_back(line);
    } else if (c == '}' && !open.empty()) {
      // Fold up to the line before the `}`, so that it stays visible.
      fold(open.back(), line - (line > open.back() ? 1 : 0), nullptr);
      open.pop_back();
    }
  }
  if (inCommentRun)
    fold(commentRunStart, commentRunEnd, "comment");
  return out;
}
