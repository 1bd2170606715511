//===- JsonParse.cpp - parsing untrusted JSON with a nesting limit -------===//
#include "vyre/Basic/JsonParse.h"

#include "llvm/Support/FormatVariadic.h"

using namespace vyre;

namespace {

/// The offset of the first bracket that opens level kMaxJsonDepth + 1, or
/// npos. Brackets inside strings do not count; the text need not be valid
/// JSON (llvm::json::parse judges that afterwards).
size_t firstTooDeep(llvm::StringRef text) {
  unsigned depth = 0;
  bool inString = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (inString) {
      if (c == '\\')
        ++i; // the escaped character, '"' included
      else if (c == '"')
        inString = false;
      continue;
    }
    if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth)
        return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return llvm::StringRef::npos;
}

} // namespace

llvm::Expected<llvm::json::Value> vyre::parseJson(llvm::StringRef text) {
  size_t at = firstTooDeep(text);
  if (at == llvm::StringRef::npos)
    return llvm::json::parse(text);
  llvm::StringRef before = text.take_front(at);
  size_t line = before.count('\n') + 1;
  size_t lineStart = before.rfind('\n'); // npos + 1 == 0 on line 1
  size_t column = at - (lineStart + 1) + 1;
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      llvm::formatv("[{0}:{1}, byte={2}]: JSON nested deeper than {3} levels",
                    line, column, at, kMaxJsonDepth));
}
