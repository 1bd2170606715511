//===- Workspace.h - the open documents, and when each is compiled -------===//
//
// Editors send a change per keystroke: compiling each (a 30,000-line file
// takes a tenth of a second) would leave the diagnostics seconds behind
// the text. So a change only updates the text and makes the document *due*
// a debounce interval later; a later change moves that time on, a request
// on the document compiles it at once, and runServer compiles the due ones
// when no message is waiting. Every compile reads the other open documents'
// texts in place of their files, and a change, save, close or on-disk
// change of a file makes the open documents that import it due as well.
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_LSP_WORKSPACE_H
#define VYRE_LSP_WORKSPACE_H

#include "Document.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/JSON.h"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vyre::lsp {

class Workspace {
public:
  using Clock = std::chrono::steady_clock;
  /// \p publish sends one textDocument/publishDiagnostics's params.
  Workspace(std::chrono::milliseconds debounce,
            std::function<void(llvm::json::Value)> publish)
      : debounce(debounce), publish(std::move(publish)) {}

  void setEncoding(PositionEncoding e) { encoding = e; }
  PositionEncoding positionEncoding() const { return encoding; }

  /// textDocument/didOpen: compiled at once (the user waits for it).
  void open(llvm::StringRef uri, std::string text,
            std::optional<int64_t> version);
  /// textDocument/didChange: applies \p changes in order (full or ranged).
  void change(llvm::StringRef uri, const llvm::json::Array &changes,
              std::optional<int64_t> version);
  /// textDocument/didClose: clears the document's diagnostics.
  void close(llvm::StringRef uri);
  /// A file changed on disk (didSave, workspace/didChangeWatchedFiles): the
  /// open documents that import it are due.
  void fileChanged(llvm::StringRef uri);

  /// The open document \p uri, compiled now if it was due; null if it is
  /// not open.
  const Document *get(llvm::StringRef uri);
  /// Every open document, each compiled now if it was due.
  std::vector<const Document *> all();
  /// Compiles the documents that are due by now; returns when the next one
  /// is due (none: no document waits).
  std::optional<Clock::time_point> compileDue();

private:
  struct OpenDocument {
    std::string uri, path, text;
    std::optional<int64_t> version;
    std::unique_ptr<Document> compiled;
    std::optional<Clock::time_point> due;
  };
  void compile(OpenDocument &d);
  /// Makes due, after the debounce, the open documents other than
  /// \p except whose last compile read \p path.
  void importersDue(llvm::StringRef path, const OpenDocument *except);

  std::chrono::milliseconds debounce;
  std::function<void(llvm::json::Value)> publish;
  PositionEncoding encoding = PositionEncoding::UTF16;
  /// In the order opened, so that every answer is deterministic.
  std::vector<std::unique_ptr<OpenDocument>> docs;
  OpenDocument *find(llvm::StringRef uri);
};

/// The path vyre-lsp compiles the document \p uri as: a file:// URI's path;
/// for another scheme (an unsaved "untitled:Untitled-1"), a name in the
/// server's working directory that no import can reach by accident.
std::string documentPath(llvm::StringRef uri);

} // namespace vyre::lsp

#endif
