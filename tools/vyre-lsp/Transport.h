//===- Transport.h - LSP's Content-Length framing ------------------------===//
//
// Each message is `Content-Length: N\r\n` (other headers ignored), a blank
// line, and N bytes of JSON. A client that lies about N must not make the
// server allocate it: N is capped, and the body is read in chunks, so only
// the bytes that actually arrive are held.
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_LSP_TRANSPORT_H
#define VYRE_LSP_TRANSPORT_H

#include "llvm/Support/JSON.h"

#include <istream>
#include <string>

namespace vyre::lsp {

/// The largest message body vyre-lsp reads (a document of 64 MiB is far
/// beyond any .vyre file), and the longest header line.
constexpr size_t kMaxMessageBytes = 64u << 20;
constexpr size_t kMaxHeaderBytes = 4096;

enum class ReadStatus {
  Message, ///< \p body holds one message
  End,     ///< the input ended between messages (or inside one)
  Broken,  ///< a header the server cannot frame past; \p error says which
};

/// Reads one framed message from \p in.
ReadStatus readMessage(std::istream &in, std::string &body, std::string &error);

/// \p message with its Content-Length header.
std::string frame(const llvm::json::Value &message);

} // namespace vyre::lsp

#endif
