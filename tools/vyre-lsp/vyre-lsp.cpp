//===- vyre-lsp.cpp - a language server for .vyre files ------------------===//
//
// LSP 3.17 over standard input/output: JSON-RPC messages framed by
// `Content-Length: N\r\n\r\n`. Each open document is recompiled on every
// change (Document.cpp); the server publishes its diagnostics and answers
// definition, hover, completion, documentSymbol and formatting requests.
// docs/lsp.md is its manual.
//
//===----------------------------------------------------------------------===//
#include "Document.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

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

/// Reads one framed message; false at end of input or on a broken frame.
bool readMessage(std::string &body) {
  size_t length = 0;
  bool haveLength = false;
  std::string line;
  while (std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    if (line.empty()) {
      if (!haveLength)
        continue; // stray blank line between messages
      body.assign(length, '\0');
      std::cin.read(body.data(), static_cast<std::streamsize>(length));
      return static_cast<size_t>(std::cin.gcount()) == length;
    }
    llvm::StringRef l(line);
    if (l.consume_front_insensitive("Content-Length:")) {
      haveLength = !l.trim().getAsInteger(10, length);
    }
  }
  return false;
}

void send(json::Value message) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << message;
  os.flush();
  std::cout << "Content-Length: " << text.size() << "\r\n\r\n" << text;
  std::cout.flush();
}

void reply(const json::Value &id, json::Value result) {
  send(json::Object{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}});
}

void replyError(const json::Value &id, int code, llvm::StringRef message) {
  send(json::Object{{"jsonrpc", "2.0"},
                    {"id", id},
                    {"error", json::Object{{"code", code}, {"message", message}}}});
}

class Server {
public:
  /// Returns false when the client sent `exit`.
  bool handle(const json::Object &msg);
  int exitCode() const { return shutdownRequested ? 0 : 1; }

private:
  void open(llvm::StringRef uri, std::string text);
  const Document *document(const json::Object *params) const;
  static Position position(const json::Object *params);

  llvm::StringMap<std::unique_ptr<Document>> docs;
  bool shutdownRequested = false;
};

json::Value capabilities() {
  return json::Object{
      {"capabilities",
       json::Object{
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
  auto doc = std::make_unique<Document>(uriToPath(uri), std::move(text));
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

Position Server::position(const json::Object *params) {
  Position p;
  if (const json::Object *pos = params ? params->getObject("position") : nullptr) {
    p.line = static_cast<unsigned>(pos->getInteger("line").getValueOr(0));
    p.character =
        static_cast<unsigned>(pos->getInteger("character").getValueOr(0));
  }
  return p;
}

bool Server::handle(const json::Object &msg) {
  llvm::StringRef method = getString(&msg, "method");
  const json::Value *id = msg.get("id");
  const json::Object *params = msg.getObject("params");

  if (method == "initialize")
    return reply(*id, capabilities()), true;
  if (method == "shutdown") {
    shutdownRequested = true;
    return reply(*id, nullptr), true;
  }
  if (method == "exit")
    return false;
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
  if (method == "textDocument/definition")
    return reply(*id, doc->definition(position(params))), true;
  if (method == "textDocument/hover")
    return reply(*id, doc->hover(position(params))), true;
  if (method == "textDocument/completion")
    return reply(*id, json::Object{{"isIncomplete", false},
                                   {"items", doc->completion(position(params))}}),
           true;
  if (method == "textDocument/documentSymbol")
    return reply(*id, doc->documentSymbols()), true;
  if (method == "textDocument/formatting")
    return reply(*id, doc->formatting()), true;
  replyError(*id, -32601, ("method not found: " + method).str());
  return true;
}

} // namespace

int main() {
  std::ios::sync_with_stdio(false);
  Server server;
  std::string body;
  while (readMessage(body)) {
    llvm::Expected<json::Value> msg = json::parse(body);
    if (!msg) {
      llvm::consumeError(msg.takeError());
      send(json::Object{{"jsonrpc", "2.0"},
                        {"id", nullptr},
                        {"error", json::Object{{"code", -32700},
                                               {"message", "parse error"}}}});
      continue;
    }
    const json::Object *obj = msg->getAsObject();
    if (!obj)
      continue;
    if (!server.handle(*obj))
      return server.exitCode();
  }
  return 1; // input ended without `exit`
}
