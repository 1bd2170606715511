//===- Utf16.h - UTF-16 columns of UTF-8 text -----------------------------===//
//
// The SourceMgr counts columns in bytes; LSP (by default) and SARIF's
// "utf16CodeUnits" count UTF-16 code units: a character beyond U+FFFF is
// two units, any other character one. These convert within one line of
// UTF-8 text. A byte that is not valid UTF-8 counts as one unit, as an
// editor shows it (U+FFFD).
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_BASIC_UTF16_H
#define VYRE_BASIC_UTF16_H

#include "llvm/ADT/StringRef.h"

#include <cstddef>

namespace vyre {

/// The UTF-16 code units of \p text. A character cut at the end of \p text
/// counts whole.
size_t utf16Length(llvm::StringRef text);

/// The byte length of the longest prefix of \p text that is at most
/// \p units UTF-16 code units long and ends on a character boundary:
/// text.size() when \p units is past the end (LSP: "defaults back to the
/// line length"); a unit inside a surrogate pair gives the character's start.
size_t utf8PrefixOfUtf16(llvm::StringRef text, size_t units);

} // namespace vyre

#endif
