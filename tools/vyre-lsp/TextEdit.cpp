//===- TextEdit.cpp - LSP positions in a text, and incremental sync -------===//
#include "TextEdit.h"

#include "vyre/Basic/Utf16.h"

#include <algorithm>
#include <cstring>

using namespace vyre;
using namespace vyre::lsp;
namespace json = llvm::json;

std::optional<Position> vyre::lsp::parsePosition(const json::Object *pos) {
  if (!pos)
    return std::nullopt;
  llvm::Optional<int64_t> line = pos->getInteger("line");
  llvm::Optional<int64_t> character = pos->getInteger("character");
  auto valid = [](llvm::Optional<int64_t> v) {
    return v && *v >= 0 && *v <= INT32_MAX;
  };
  if (!valid(line) || !valid(character))
    return std::nullopt;
  return Position{static_cast<unsigned>(*line), static_cast<unsigned>(*character)};
}

std::optional<size_t> vyre::lsp::offsetAt(llvm::StringRef text, Position p,
                                          PositionEncoding encoding) {
  size_t start = 0;
  for (unsigned line = 0; line < p.line; ++line) {
    size_t nl = text.find('\n', start);
    if (nl == llvm::StringRef::npos)
      return std::nullopt;
    start = nl + 1;
  }
  // LSP: a character past the end of the line "defaults back to the line
  // length".
  llvm::StringRef line = text.substr(start).take_until([](char c) { return c == '\n'; });
  if (line.endswith("\r"))
    line = line.drop_back();
  size_t bytes = encoding == PositionEncoding::UTF16
                     ? utf8PrefixOfUtf16(line, p.character)
                     : std::min<size_t>(p.character, line.size());
  return start + bytes;
}

bool vyre::lsp::applyChange(std::string &text, const json::Object &change,
                            PositionEncoding encoding) {
  llvm::Optional<llvm::StringRef> newText = change.getString("text");
  if (!newText)
    return false;
  const json::Object *range = change.getObject("range");
  if (!range) {
    text = newText->str();
    return true;
  }
  std::optional<Position> from = parsePosition(range->getObject("start"));
  std::optional<Position> to = parsePosition(range->getObject("end"));
  if (!from || !to)
    return false;
  // A line past the end of the text is the end of the text (an editor may
  // append at the line after the last newline).
  size_t begin = offsetAt(text, *from, encoding).value_or(text.size());
  size_t end = offsetAt(text, *to, encoding).value_or(text.size());
  end = std::max(begin, end);
  text.replace(begin, end - begin, newText->data(), newText->size());
  return true;
}
