//===- Server.cpp - vyre-lsp's message loop and its requests -------------===//
#include "Server.h"

#include "Document.h"
#include "Transport.h"

#include "vyre/Basic/FileUri.h"
#include "vyre/Basic/JsonParse.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/JSON.h"

#include <memory>
#include <optional>
#include <string>

using namespace vyre;
using namespace vyre::lsp;
namespace json = llvm::json;

namespace {

/// A string member of \p o, empty when \p o or the member is missing.
llvm::StringRef getString(const json::Object *o, llvm::StringRef key) {
  if (!o)
    return "";
  if (llvm::Optional<llvm::StringRef> s = o->getString(key))
    return *s;
  return "";
}

/// The methods that are requests: sent without an id (as a notification)
/// they get no reply, as JSON-RPC says, and change nothing.
bool isRequest(llvm::StringRef method) {
  return method == "initialize" || method == "shutdown" ||
         method == "textDocument/definition" ||
         method == "textDocument/hover" || method == "textDocument/completion" ||
         method == "textDocument/documentSymbol" ||
         method == "textDocument/formatting";
}

/// utf-8 when the client lists it among capabilities.general.
/// positionEncodings (LSP 3.17: fewer conversions), else utf-16, which
/// every client supports.
PositionEncoding negotiate(const json::Object *params) {
  const json::Object *caps = params ? params->getObject("capabilities") : nullptr;
  const json::Object *general = caps ? caps->getObject("general") : nullptr;
  if (const json::Array *offered =
          general ? general->getArray("positionEncodings") : nullptr)
    for (const json::Value &e : *offered)
      if (e.getAsString() == llvm::StringRef("utf-8"))
        return PositionEncoding::UTF8;
  return PositionEncoding::UTF16;
}

class Server {
public:
  explicit Server(std::ostream &out) : out(out) {}
  /// Returns false when the client sent `exit`.
  bool handle(const json::Object &msg);
  int exitCode() const { return shutdownRequested ? 0 : 1; }
  void send(const json::Value &message) { out << frame(message) << std::flush; }

private:
  void reply(const json::Value &id, json::Value result) {
    send(json::Object{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}});
  }
  void replyError(const json::Value &id, int code, llvm::StringRef message) {
    send(json::Object{
        {"jsonrpc", "2.0"},
        {"id", id},
        {"error", json::Object{{"code", code}, {"message", message}}}});
  }
  json::Value capabilities() const;
  void open(llvm::StringRef uri, std::string text);
  const Document *document(const json::Object *params) const;
  static std::optional<Position> position(const json::Object *params);

  std::ostream &out;
  llvm::StringMap<std::unique_ptr<Document>> docs;
  PositionEncoding encoding = PositionEncoding::UTF16;
  bool initialized = false;
  bool shutdownRequested = false;
};

json::Value Server::capabilities() const {
  return json::Object{
      {"capabilities",
       json::Object{
           {"positionEncoding",
            encoding == PositionEncoding::UTF8 ? "utf-8" : "utf-16"},
           {"textDocumentSync",
            json::Object{{"openClose", true}, {"change", 1 /* full */}}},
           {"definitionProvider", true},
           {"hoverProvider", true},
           {"completionProvider",
            json::Object{{"triggerCharacters", json::Array{"."}}}},
           {"documentSymbolProvider", true},
           {"documentFormattingProvider", true}}},
      {"serverInfo", json::Object{{"name", "vyre-lsp"}, {"version", VYREC_VERSION}}}};
}

void Server::open(llvm::StringRef uri, std::string text) {
  auto doc =
      std::make_unique<Document>(fileUriToPath(uri), std::move(text), encoding);
  send(json::Object{
      {"jsonrpc", "2.0"},
      {"method", "textDocument/publishDiagnostics"},
      {"params", json::Object{{"uri", uri}, {"diagnostics", doc->diagnostics()}}}});
  docs[uri] = std::move(doc);
}

const Document *Server::document(const json::Object *params) const {
  if (!params)
    return nullptr;
  llvm::StringRef uri = getString(params->getObject("textDocument"), "uri");
  auto it = docs.find(uri);
  return it == docs.end() ? nullptr : it->second.get();
}

/// params.position, or none when it is missing or not two integers in
/// [0, 2^31) (LSP's uinteger; a negative one must not wrap around).
std::optional<Position> Server::position(const json::Object *params) {
  const json::Object *pos = params ? params->getObject("position") : nullptr;
  if (!pos)
    return std::nullopt;
  llvm::Optional<int64_t> line = pos->getInteger("line");
  llvm::Optional<int64_t> character = pos->getInteger("character");
  auto valid = [](llvm::Optional<int64_t> v) {
    return v && *v >= 0 && *v <= INT32_MAX;
  };
  if (!valid(line) || !valid(character))
    return std::nullopt;
  return Position{static_cast<unsigned>(*line), static_cast<unsigned>(*character)};
}

bool Server::handle(const json::Object &msg) {
  llvm::StringRef method = getString(&msg, "method");
  const json::Value *id = msg.get("id");
  const json::Object *params = msg.getObject("params");

  if (method == "exit")
    return false;
  if (!id && isRequest(method))
    return true; // no id to reply to (a crash here once: issue 27)
  if (method == "initialize") {
    if (initialized)
      return replyError(*id, -32600, "initialize was already sent"), true;
    initialized = true;
    encoding = negotiate(params);
    return reply(*id, capabilities()), true;
  }
  if (method == "shutdown") {
    shutdownRequested = true;
    return reply(*id, nullptr), true;
  }
  if (method == "textDocument/didOpen" || method == "textDocument/didChange") {
    const json::Object *td = params ? params->getObject("textDocument") : nullptr;
    llvm::StringRef uri = getString(td, "uri");
    if (uri.empty())
      return true;
    const json::Value *text = nullptr;
    if (method == "textDocument/didOpen") {
      text = td->get("text");
    } else if (const json::Array *changes = params->getArray("contentChanges")) {
      // Full sync: the last change holds the whole text.
      if (!changes->empty())
        if (const json::Object *c = changes->back().getAsObject())
          text = c->get("text");
    }
    if (text && text->getAsString())
      open(uri, text->getAsString()->str());
    return true;
  }
  if (method == "textDocument/didClose") {
    if (params)
      docs.erase(getString(params->getObject("textDocument"), "uri"));
    return true;
  }
  if (!id)
    return true; // another notification (initialized, $/...): nothing to do

  const Document *doc = document(params);
  if (method.startswith("textDocument/") && !doc)
    return replyError(*id, -32602, "unknown document (open it first)"), true;
  if (method == "textDocument/documentSymbol")
    return reply(*id, doc->documentSymbols()), true;
  if (method == "textDocument/formatting")
    return reply(*id, doc->formatting()), true;
  bool positional = method == "textDocument/definition" ||
                    method == "textDocument/hover" ||
                    method == "textDocument/completion";
  if (!positional)
    return replyError(*id, -32601, ("method not found: " + method).str()), true;
  std::optional<Position> p = position(params);
  if (!p)
    return replyError(*id, -32602,
                      "params.position must hold a line and a character "
                      "(integers from 0)"),
           true;
  if (method == "textDocument/definition")
    return reply(*id, doc->definition(*p)), true;
  if (method == "textDocument/hover")
    return reply(*id, doc->hover(*p)), true;
  return reply(*id, json::Object{{"isIncomplete", false},
                                 {"items", doc->completion(*p)}}),
         true;
}

} // namespace

int vyre::lsp::runServer(std::istream &in, std::ostream &out, std::ostream &log) {
  Server server(out);
  std::string body, error;
  for (;;) {
    switch (readMessage(in, body, error)) {
    case ReadStatus::End:
      return 1; // input ended without `exit`
    case ReadStatus::Broken:
      // The rest of the stream cannot be framed: say why and stop (a
      // client restarts a server that exits).
      log << "vyre-lsp: error: " << error << "; exiting\n" << std::flush;
      return 1;
    case ReadStatus::Message:
      break;
    }
    llvm::Expected<json::Value> msg = parseJson(body);
    if (!msg) {
      server.send(json::Object{
          {"jsonrpc", "2.0"},
          {"id", nullptr},
          {"error", json::Object{{"code", -32700},
                                 {"message", "parse error: " +
                                                 llvm::toString(msg.takeError())}}}});
      continue;
    }
    const json::Object *obj = msg->getAsObject();
    if (!obj)
      continue;
    if (!server.handle(*obj))
      return server.exitCode();
  }
}
