//===- vyre-lsp.cpp - a language server for .vyre files ------------------===//
//
// LSP 3.17 over standard input/output: JSON-RPC messages framed by
// `Content-Length: N\r\n\r\n`. Each open document is compiled again once
// the user stops typing for a moment (Workspace.cpp); the server publishes
// its diagnostics and answers the requests of Server.cpp. docs/lsp.md is
// its manual.
//
//===----------------------------------------------------------------------===//
#include "Server.h"

#include "llvm/ADT/StringRef.h"

#include <cstdlib>
#include <iostream>
#include <poll.h>
#include <unistd.h>

int main() {
  std::ios::sync_with_stdio(false);
  vyre::lsp::ServerOptions options;
  // clangd waits 50-500 ms; a keystroke every 150 ms keeps one compile
  // waiting, a pause of 150 ms shows the diagnostics.
  options.debounce = std::chrono::milliseconds(150);
  // VYRE_LSP_DEBOUNCE_MS=N sets another (docs/lsp.md): the tests lengthen
  // it so that a loaded machine cannot split a burst of edits.
  unsigned ms = 0;
  if (const char *env = std::getenv("VYRE_LSP_DEBOUNCE_MS"))
    if (!llvm::StringRef(env).getAsInteger(10, ms) && ms <= 60000)
      options.debounce = std::chrono::milliseconds(ms);
  options.waitForInput = [](int timeoutMs) {
    // Bytes already in cin's buffer (or in the pipe: libstdc++ asks the
    // kernel with FIONREAD) need no wait.
    if (std::cin.rdbuf()->in_avail() > 0)
      return true;
    pollfd fd{STDIN_FILENO, POLLIN, 0};
    return poll(&fd, 1, timeoutMs) != 0; // also true at the end of input
  };
  return vyre::lsp::runServer(std::cin, std::cout, std::cerr, options);
}
