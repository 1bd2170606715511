//===- vyre-lsp.cpp - a language server for .vyre files ------------------===//
//
// LSP 3.17 over standard input/output: JSON-RPC messages framed by
// `Content-Length: N\r\n\r\n`. Each open document is recompiled on every
// change (Document.cpp); the server publishes its diagnostics and answers
// definition, hover, completion, documentSymbol and formatting requests
// (Server.cpp). docs/lsp.md is its manual.
//
//===----------------------------------------------------------------------===//
#include "Server.h"

#include <iostream>

int main() {
  std::ios::sync_with_stdio(false);
  return vyre::lsp::runServer(std::cin, std::cout, std::cerr);
}
