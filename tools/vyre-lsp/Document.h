//===- Document.h - one open .vyre file, compiled for the editor ---------===//
//
// vyre-lsp recompiles a document on every change (load with the document's
// text in place of the file, then Sema) and keeps the result: diagnostics,
// and an index of every name in the document (what it refers to), which
// answers go-to-definition, hover and document symbols.
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_LSP_DOCUMENT_H
#define VYRE_LSP_DOCUMENT_H

#include "vyre/Basic/Diagnostics.h"
#include "vyre/IR/IR.h"
#include "vyre/Sema/Sema.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/VirtualFileSystem.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vyre::lsp {

/// How an LSP position counts characters (LSP 3.17 positionEncoding): UTF-16
/// code units by default, bytes when the client offers utf-8.
enum class PositionEncoding { UTF8, UTF16 };

/// An LSP position: 0-based line and character, in the session's encoding.
/// A character past the end of its line means the end of the line.
struct Position {
  unsigned line = 0, character = 0;
};

/// A name in the document and what it stands for.
struct Reference {
  const char *begin;
  size_t length;
  enum class Kind { Const, Local, Input, Buffer, Handler, Protocol, Opcode } kind;
  llvm::SMLoc target;   // the definition (invalid: none, e.g. an input)
  std::string hover;    // Markdown
};

class Document {
public:
  /// Compiles \p text as the file \p path (imports resolve next to it on
  /// disk; the prelude is the built-in one). Positions, in queries and
  /// answers, count characters in \p encoding.
  Document(std::string path, std::string text, PositionEncoding encoding);

  llvm::json::Array diagnostics() const;
  /// textDocument/definition: a Location, or null.
  llvm::json::Value definition(Position p) const;
  /// textDocument/hover: a Hover, or null.
  llvm::json::Value hover(Position p) const;
  llvm::json::Array completion(Position p) const;
  llvm::json::Array documentSymbols() const;
  /// textDocument/formatting: one edit replacing the whole text, none when
  /// already formatted, null when the file does not parse.
  llvm::json::Value formatting() const;

  const std::string &text() const { return source; }

private:
  const Reference *referenceAt(Position p) const;
  const char *pointerAt(Position p) const;
  llvm::json::Value location(llvm::SMLoc loc, size_t length) const;
  /// The position of the byte \p length bytes after \p loc, on loc's line.
  llvm::json::Object position(llvm::SMLoc loc, size_t length = 0) const;
  llvm::json::Value range(llvm::SMLoc loc, size_t length) const;
  void index();

  std::string path, source;
  PositionEncoding encoding;
  /// The open text overlaid on the real file system. The SourceMgr's buffers
  /// may point into its in-memory files, so it outlives sm (declared first).
  llvm::IntrusiveRefCntPtr<llvm::vfs::OverlayFileSystem> fileSystem;
  llvm::SourceMgr sm;
  std::unique_ptr<DiagnosticEngine> diags;
  Module module;
  SemaResult sema;
  bool semaRan = false;
  unsigned docBuffer = 0; // the SourceMgr buffer holding this document
  const SourceFile *root = nullptr;
  std::vector<Reference> refs;
};

} // namespace vyre::lsp

#endif
