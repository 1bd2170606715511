//===- Server.h - vyre-lsp's message loop ---------------------------------===//
//
// The whole server behind one function, so that vyre-lsp's main and the
// fuzzer (test/fuzz/FuzzLsp.cpp) run exactly the same code: framing
// (Transport.h), JSON (parseJson, with its nesting limit), the workspace of
// open documents and when each is compiled (Workspace.h), and the requests
// (Server.cpp) on the compiled documents (Document.h).
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_LSP_SERVER_H
#define VYRE_LSP_SERVER_H

#include <chrono>
#include <functional>
#include <istream>
#include <ostream>

namespace vyre::lsp {

struct ServerOptions {
  /// How long a document must go unchanged (typing) before it is compiled
  /// again; a request on it compiles it at once. Zero: as soon as the
  /// messages already received are handled.
  std::chrono::milliseconds debounce{0};
  /// Waits up to \p timeoutMs milliseconds (forever when negative) for
  /// input to read; false when none came. It lets the server read every
  /// message already sent before it compiles (so a later change supersedes
  /// an earlier one, and `$/cancelRequest` finds the request still waiting)
  /// and sleep until a debounced compile is due. Empty: the input is in
  /// memory and always ready (the fuzzer).
  std::function<bool(int timeoutMs)> waitForInput;
};

/// Serves the messages of \p in, writing replies and notifications to
/// \p out and fatal errors to \p log, until `exit` or the end of \p in.
/// Returns the process's exit code: 0 on `exit` after `shutdown`, 1 on
/// `exit` without it, on the end of the input, and on a header that cannot
/// be framed (an over-long or unreadable Content-Length, an over-long line).
int runServer(std::istream &in, std::ostream &out, std::ostream &log,
              const ServerOptions &options = {});

} // namespace vyre::lsp

#endif
