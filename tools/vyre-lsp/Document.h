//===- Document.h - one open .vyre file, compiled for the editor ---------===//
//
// vyre-lsp compiles a document (load with the open documents' texts in place
// of their files, then Sema) and keeps the result: diagnostics, and an
// index of every name in the document and the files it imports (what it
// refers to), which answers go-to-definition, hover, references, rename,
// semantic tokens and symbols. The answers that need no index live in
// files of their own (Folding.cpp, Completion.cpp, CodeActions.cpp,
// SemanticTokens.cpp, References.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_LSP_DOCUMENT_H
#define VYRE_LSP_DOCUMENT_H

#include "TextEdit.h"

#include "vyre/Basic/Diagnostics.h"
#include "vyre/IR/IR.h"
#include "vyre/Sema/Sema.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/VirtualFileSystem.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vyre::lsp {

/// A name in the document (or a file it imports) and what it stands for.
struct Reference {
  const char *begin;
  size_t length;
  enum class Kind { Const, Local, Input, Buffer, Handler, Protocol, Opcode } kind;
  llvm::SMLoc target;   // the definition (invalid: none, e.g. an input)
  std::string hover;    // Markdown
  /// The declared name's bytes within [begin, begin + length): `ADD` of
  /// `opcode.ADD`; the whole reference otherwise.
  size_t nameOffset = 0;
  bool isDeclaration = false;
};

/// Another open document: its text stands in for the file at \p path.
struct OpenText {
  std::string path, uri, text;
};

/// What references and rename look for in every open document: a
/// declaration, by its file and byte offset (the same in every compile that
/// reads that file).
struct SymbolKey {
  std::string path;
  size_t offset;
};

/// One occurrence of a symbol, as an LSP Location.
struct Occurrence {
  std::string uri;
  llvm::json::Value range;
};

/// \p a and \p b name the same file: the same absolute path without `.`
/// and `..`, or (symbolic links) the same file on disk.
bool samePath(llvm::StringRef a, llvm::StringRef b);

class Document {
public:
  /// Compiles \p text as the file \p path, the document \p uri (imports
  /// resolve next to it, on disk or among \p others; the prelude is the
  /// built-in one). Positions, in queries and answers, count characters in
  /// \p encoding.
  Document(std::string path, std::string uri, std::string text,
           PositionEncoding encoding, const std::vector<OpenText> &others = {});

  /// Whether the compile read the file \p path (the document or an import).
  bool reads(llvm::StringRef path) const;

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
  llvm::json::Array foldingRanges() const;
  /// Quick fixes for the diagnostics between \p from and \p to: the
  /// compiler's "did you mean 'X'?" applied.
  llvm::json::Array codeActions(Position from, Position to) const;
  /// textDocument/signatureHelp inside a built-in's call, or null.
  llvm::json::Value signatureHelp(Position p) const;
  /// The declaration that the name at \p p is or names (not a handler
  /// input, not a protocol value: nothing to rename), if any.
  std::optional<SymbolKey> symbolAt(Position p) const;
  /// Every occurrence of \p symbol in the document and the files it reads
  /// (except the prelude); the declaration only with \p withDeclaration.
  std::vector<Occurrence> occurrences(const SymbolKey &symbol,
                                      bool withDeclaration) const;
  /// The consts, buffers and handlers of the document and of the files it
  /// imports whose names contain \p query (any case), as SymbolInformation.
  llvm::json::Array workspaceSymbols(llvm::StringRef query) const;
  /// textDocument/semanticTokens/full's data (legend: SemanticTokens.h).
  llvm::json::Array semanticTokens() const;

  const std::string &text() const { return source; }

private:
  const Reference *referenceAt(Position p) const;
  const char *pointerAt(Position p) const;
  /// The SourceMgr buffer and byte offset of \p loc, as a SymbolKey.
  SymbolKey keyOf(llvm::SMLoc loc) const;
  std::string uriOf(unsigned buffer) const;
  llvm::json::Value location(llvm::SMLoc loc, size_t length) const;
  /// The position of the byte \p length bytes after \p loc, on loc's line.
  Position positionOf(llvm::SMLoc loc, size_t length = 0) const;
  llvm::json::Object position(llvm::SMLoc loc, size_t length = 0) const;
  llvm::json::Value range(llvm::SMLoc loc, size_t length) const;
  void index();

  std::string path, uri, source;
  llvm::StringMap<std::string> openUris; // path -> uri of the open texts
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
