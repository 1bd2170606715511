//===- Server.h - vyre-lsp's message loop ---------------------------------===//
//
// The whole server behind one function, so that vyre-lsp's main and the
// fuzzer (test/fuzz/FuzzLsp.cpp) run exactly the same code: framing
// (Transport.h), JSON (parseJson, with its nesting limit), and the requests
// (Server.cpp) on the open documents (Document.h).
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_LSP_SERVER_H
#define VYRE_LSP_SERVER_H

#include <istream>
#include <ostream>

namespace vyre::lsp {

/// Serves the messages of \p in, writing replies and notifications to
/// \p out and fatal errors to \p log, until `exit` or the end of \p in.
/// Returns the process's exit code: 0 on `exit` after `shutdown`, 1 on
/// `exit` without it, on the end of the input, and on a header that cannot
/// be framed (an over-long or unreadable Content-Length, an over-long line).
int runServer(std::istream &in, std::ostream &out, std::ostream &log);

} // namespace vyre::lsp

#endif
