//===- FuzzLsp.cpp - fuzz vyre-lsp's message loop -------------------------===//
//
// Runs vyre::lsp::runServer, the whole server that vyre-lsp's main runs, on
// one input's worth of client traffic, in process. Two kinds of input:
//
//  - one that starts with "Content-Length" is the byte stream itself:
//    framing, headers, JSON and JSON-RPC as libFuzzer mutates them;
//  - any other is a script (FuzzedDataProvider): the front of the input
//    gives the document texts (a .vyre file of the seed corpus is a whole
//    first document), the back picks a sequence of well-framed messages:
//    initialize (with or without an id, offering utf-8 or not), didOpen,
//    didChange with an edit of the text at a random byte range (the change
//    also carries a random LSP range, which incremental sync applies), hover,
//    definition, completion, references, rename, signature help at
//    positions on, past and far beyond the document's lines (negative,
//    huge), symbols, formatting, semantic tokens, folding ranges, code
//    actions, workspace symbols, didSave, watched-file changes, cancels,
//    didClose, shutdown, requests with odd ids, JSON nested around the
//    limit, and garbage bodies and headers.
//
// The property: the server never crashes, and what it writes is a sequence
// of well-framed JSON objects (abort() otherwise).
//
//===----------------------------------------------------------------------===//
#include "FuzzCommon.h"

#include "Server.h"
#include "Transport.h"

#include "vyre/Basic/JsonParse.h"

#include "llvm/Support/JSON.h"

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

namespace json = llvm::json;

namespace {

/// The documents the script opens: an ordinary path, one that needs
/// percent-encoding, and a URI that is not a file: URI at all. None of
/// them exists on disk, so imports resolve to nothing.
const char *const kUris[] = {"file:///fuzz/input.vyre",
                             "file:///fuzz/a%20b%23/c.vyre", "untitled:1"};

class Script {
public:
  explicit Script(FuzzedDataProvider &in) : in(in) {}

  std::string run() {
    // The first document is the front of the input (a whole seed file).
    texts[0] = text(1 << 16);
    initialize();
    message(didOpen(0));
    for (int step = 0; step < 48 && in.remaining_bytes() > 0; ++step)
      one();
    if (in.ConsumeBool())
      request("shutdown", nullptr);
    if (in.ConsumeBool())
      message(json::Object{{"jsonrpc", "2.0"}, {"method", "exit"}});
    return stream;
  }

private:
  void frame(const std::string &body) {
    stream += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    stream += body;
  }
  void message(json::Value v) {
    std::string body;
    llvm::raw_string_ostream os(body);
    os << v;
    frame(os.str());
  }
  void request(llvm::StringRef method, json::Value params) {
    json::Object m{{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}};
    if (in.ConsumeIntegralInRange(0, 15) != 0) // now and then a notification
      m["id"] = nextId++;
    message(std::move(m));
  }
  void initialize() {
    json::Array offered;
    if (in.ConsumeBool())
      offered.push_back("utf-8");
    offered.push_back("utf-16");
    request("initialize",
            json::Object{{"capabilities",
                          json::Object{{"general",
                                        json::Object{{"positionEncodings",
                                                      std::move(offered)}}}}}});
  }
  json::Object textDocument(unsigned doc) {
    return json::Object{{"uri", kUris[doc]}};
  }
  json::Value didOpen(unsigned doc) {
    return json::Object{
        {"jsonrpc", "2.0"},
        {"method", "textDocument/didOpen"},
        {"params", json::Object{{"textDocument",
                                 json::Object{{"uri", kUris[doc]},
                                              {"languageId", "vyre"},
                                              {"version", 1},
                                              {"text", texts[doc]}}}}}};
  }
  /// A position mostly on or just past the document's lines, sometimes
  /// far outside them or negative.
  json::Object position(unsigned doc) {
    auto lines = static_cast<int64_t>(llvm::StringRef(texts[doc]).count('\n'));
    auto coordinate = [&](int64_t usual) -> int64_t {
      switch (in.ConsumeIntegralInRange(0, 7)) {
      case 0:
        return in.ConsumeIntegral<int64_t>();
      case 1:
        return in.ConsumeIntegralInRange<int64_t>(INT32_MAX - 2, INT32_MAX + 2ll);
      default:
        return in.ConsumeIntegralInRange<int64_t>(0, usual);
      }
    };
    return json::Object{{"line", coordinate(lines + 1)},
                        {"character", coordinate(120)}};
  }
  /// A document text is valid UTF-8, as it is in any JSON string: the
  /// server's positions must be right for what the client holds.
  static std::string utf8(std::string t) {
    return json::isUTF8(t) ? t : json::fixUTF8(t);
  }
  std::string text(size_t max) { return utf8(in.ConsumeRandomLengthString(max)); }
  /// Replaces a random byte range of the text with a short random string.
  void edit(unsigned doc) {
    std::string &t = texts[doc];
    size_t begin = in.ConsumeIntegralInRange<size_t>(0, t.size());
    size_t end = in.ConsumeIntegralInRange<size_t>(begin, t.size());
    t.replace(begin, end - begin, in.ConsumeRandomLengthString(64));
    if (t.size() > (1 << 16))
      t.resize(1 << 16);
    t = utf8(std::move(t));
    json::Object change{{"text", t}};
    if (in.ConsumeBool())
      change["range"] = json::Object{{"start", position(doc)}, {"end", position(doc)}};
    message(json::Object{
        {"jsonrpc", "2.0"},
        {"method", "textDocument/didChange"},
        {"params",
         json::Object{{"textDocument",
                       json::Object{{"uri", kUris[doc]}, {"version", nextId}}},
                      {"contentChanges", json::Array{std::move(change)}}}}});
  }
  void one() {
    unsigned doc = in.ConsumeIntegralInRange(0, 2);
    switch (in.ConsumeIntegralInRange(0, 15)) {
    case 0:
    case 1:
      return edit(doc);
    case 2:
    case 3:
    case 4: {
      const char *methods[] = {"textDocument/hover", "textDocument/definition",
                               "textDocument/completion", "textDocument/references",
                               "textDocument/rename", "textDocument/signatureHelp"};
      return request(methods[in.ConsumeIntegralInRange(0, 5)],
                     json::Object{{"textDocument", textDocument(doc)},
                                  {"position", position(doc)},
                                  {"context", json::Object{{"includeDeclaration", in.ConsumeBool()}}},
                                  {"newName", text(16)}});
    }
    case 5: {
      const char *methods[] = {"textDocument/documentSymbol", "textDocument/formatting",
                               "textDocument/semanticTokens/full", "textDocument/foldingRange",
                               "textDocument/codeAction", "workspace/symbol"};
      return request(methods[in.ConsumeIntegralInRange(0, 5)],
                     json::Object{{"textDocument", textDocument(doc)},
                                  {"range", json::Object{{"start", position(doc)}, {"end", position(doc)}}},
                                  {"query", text(8)}});
    }
    case 6:
      if (texts[doc].empty())
        texts[doc] = text(4096);
      return message(didOpen(doc));
    case 7:
      return message(json::Object{
          {"jsonrpc", "2.0"},
          {"method", "textDocument/didClose"},
          {"params", json::Object{{"textDocument", textDocument(doc)}}}});
    case 8:
      return initialize();
    case 9:
      return request("shutdown", nullptr);
    case 10: {
      // An id of any JSON type, an unknown method, missing params.
      json::Value ids[] = {nullptr, -1, 1.5, "x", json::Array{}, json::Object{}};
      json::Object m{{"jsonrpc", "2.0"},
                     {"id", std::move(ids[in.ConsumeIntegralInRange(0, 5)])},
                     {"method", utf8(in.ConsumeRandomLengthString(32))}};
      return message(std::move(m));
    }
    case 11: {
      // Nesting just under, at and over the limit, or far over it.
      size_t depth = in.ConsumeIntegralInRange<size_t>(
          vyre::kMaxJsonDepth - 2, vyre::kMaxJsonDepth + 2);
      if (in.ConsumeBool())
        depth *= 40;
      return frame(std::string(depth, '[') + std::string(depth, ']'));
    }
    case 12:
      return frame(in.ConsumeRandomLengthString(256)); // any body
    case 13:
      // A header as the bytes come: a lying or broken Content-Length ends
      // the stream for the server.
      stream += in.ConsumeRandomLengthString(64);
      return;
    case 14:
      texts[doc] = text(4096);
      return message(didOpen(doc));
    case 15: {
      // What tells the server to look again or not at all: a save, a file
      // changed on disk, a cancel of a recent (maybe answered) request.
      const char *methods[] = {"textDocument/didSave", "workspace/didChangeWatchedFiles",
                               "$/cancelRequest"};
      return message(json::Object{
          {"jsonrpc", "2.0"},
          {"method", methods[in.ConsumeIntegralInRange(0, 2)]},
          {"params", json::Object{{"textDocument", textDocument(doc)},
                                  {"changes", json::Array{json::Object{{"uri", kUris[doc]}, {"type", 2}}}},
                                  {"id", nextId - in.ConsumeIntegralInRange<int64_t>(0, 2)}}}});
    }
    }
  }

  FuzzedDataProvider &in;
  std::string stream;
  std::string texts[3];
  int64_t nextId = 1;
};

/// The property: the server's output is a sequence of framed JSON objects.
void checkOutput(const std::string &output, llvm::StringRef input) {
  std::istringstream replies(output);
  std::string body, error;
  for (;;) {
    auto at = static_cast<size_t>(replies.tellg());
    switch (vyre::lsp::readMessage(replies, body, error)) {
    case vyre::lsp::ReadStatus::End:
      if (at != output.size())
        vyre::fuzz::fail("vyre-lsp wrote a truncated message", output, input);
      return;
    case vyre::lsp::ReadStatus::Broken:
      vyre::fuzz::fail("vyre-lsp wrote a broken header", error, input);
    case vyre::lsp::ReadStatus::Message:
      break;
    }
    llvm::Expected<json::Value> v = json::parse(body);
    if (!v)
      vyre::fuzz::fail("vyre-lsp wrote a message that is not JSON",
                       llvm::toString(v.takeError()) + "\n" + body, input);
    if (!v->getAsObject())
      vyre::fuzz::fail("vyre-lsp wrote a message that is not an object", body,
                       input);
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef raw(reinterpret_cast<const char *>(data), size);
  std::string stream;
  if (raw.startswith_insensitive("Content-Length")) {
    stream = raw.str();
  } else {
    FuzzedDataProvider in(data, size);
    stream = Script(in).run();
  }
  std::istringstream input(stream);
  std::ostringstream output, log;
  vyre::lsp::runServer(input, output, log);
  checkOutput(output.str(), stream);
  return 0;
}
