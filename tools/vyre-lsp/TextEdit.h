//===- TextEdit.h - LSP positions in a text, and incremental sync ---------===//
//
// The one conversion from an LSP position (line, character in the session's
// encoding) to a byte offset, used by queries on a compiled document and by
// textDocument/didChange's ranged edits (TextDocumentSyncKind.Incremental).
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_LSP_TEXTEDIT_H
#define VYRE_LSP_TEXTEDIT_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"

#include <optional>
#include <string>

namespace vyre::lsp {

/// How an LSP position counts characters (LSP 3.17 positionEncoding): UTF-16
/// code units by default, bytes when the client offers utf-8.
enum class PositionEncoding { UTF8, UTF16 };

/// An LSP position: 0-based line and character, in the session's encoding.
/// A character past the end of its line means the end of the line.
struct Position {
  unsigned line = 0, character = 0;
};

/// A JSON {line, character}, or none when it is missing or not two integers
/// in [0, 2^31) (LSP's uinteger; a negative one must not wrap around).
std::optional<Position> parsePosition(const llvm::json::Object *pos);

/// The byte offset of \p p in \p text, or none when its line is past the
/// end. A character past the end of the line is the line's end (before a
/// "\r\n"), never a position on the next line.
std::optional<size_t> offsetAt(llvm::StringRef text, Position p,
                               PositionEncoding encoding);

/// Applies one TextDocumentContentChangeEvent to \p text: with a range, the
/// range's text is replaced; without, \p change's text is the whole text.
/// Returns false (and leaves \p text alone) when the change has no text or
/// a malformed range; an end before its start is read as an empty range.
bool applyChange(std::string &text, const llvm::json::Object &change,
                 PositionEncoding encoding);

} // namespace vyre::lsp

#endif
