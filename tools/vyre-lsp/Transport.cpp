//===- Transport.cpp - LSP's Content-Length framing ----------------------===//
#include "Transport.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <optional>

using namespace vyre::lsp;

namespace {

enum class LineStatus { Line, End, TooLong };

/// One header line without its "\r\n" or "\n", at most kMaxHeaderBytes.
LineStatus readHeaderLine(std::istream &in, std::string &line) {
  line.clear();
  for (int c; (c = in.get()) != std::char_traits<char>::eof();) {
    if (c == '\n') {
      if (!line.empty() && line.back() == '\r')
        line.pop_back();
      return LineStatus::Line;
    }
    if (line.size() == kMaxHeaderBytes)
      return LineStatus::TooLong;
    line += static_cast<char>(c);
  }
  return LineStatus::End;
}

} // namespace

ReadStatus vyre::lsp::readMessage(std::istream &in, std::string &body,
                                  std::string &error) {
  std::optional<size_t> length;
  std::string line;
  for (;;) {
    switch (readHeaderLine(in, line)) {
    case LineStatus::End:
      return ReadStatus::End;
    case LineStatus::TooLong:
      error = ("a header line longer than " + llvm::Twine(kMaxHeaderBytes) +
               " bytes")
                  .str();
      return ReadStatus::Broken;
    case LineStatus::Line:
      break;
    }
    llvm::StringRef l(line);
    if (l.empty()) {
      if (length)
        break;
      continue; // stray blank line between messages
    }
    if (!l.consume_front_insensitive("Content-Length:"))
      continue; // Content-Type, or anything else: not needed
    llvm::StringRef digits = l.trim();
    unsigned long long n;
    if (digits.empty() ||
        digits.find_first_not_of("0123456789") != llvm::StringRef::npos ||
        digits.getAsInteger(10, n) || n > kMaxMessageBytes) {
      error = ("Content-Length '" + digits.take_front(40) +
               "' is not a length of at most " + llvm::Twine(kMaxMessageBytes) +
               " bytes")
                  .str();
      return ReadStatus::Broken;
    }
    length = static_cast<size_t>(n);
  }
  // Read as the bytes arrive: a client that announces more than it sends
  // costs only what it sent.
  body.clear();
  while (body.size() < *length) {
    size_t old = body.size();
    size_t chunk = std::min<size_t>(*length - old, 1 << 16);
    body.resize(old + chunk);
    in.read(body.data() + old, static_cast<std::streamsize>(chunk));
    if (static_cast<size_t>(in.gcount()) != chunk)
      return ReadStatus::End;
  }
  return ReadStatus::Message;
}

std::string vyre::lsp::frame(const llvm::json::Value &message) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << message;
  os.flush();
  return "Content-Length: " + std::to_string(text.size()) + "\r\n\r\n" + text;
}
