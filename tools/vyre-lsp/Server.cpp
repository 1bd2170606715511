//===- Server.cpp - vyre-lsp's message loop and its requests -------------===//
#include "Server.h"

#include "Document.h"
#include "SemanticTokens.h"
#include "TextEdit.h"
#include "Transport.h"
#include "Workspace.h"

#include "vyre/Basic/JsonParse.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

#include <deque>
#include <optional>
#include <set>
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

/// The requests vyre-lsp answers on an open document, at params.position.
bool isPositional(llvm::StringRef method) {
  return method == "textDocument/definition" ||
         method == "textDocument/hover" ||
         method == "textDocument/completion" ||
         method == "textDocument/references" ||
         method == "textDocument/rename" ||
         method == "textDocument/signatureHelp";
}

/// The methods that are requests: sent without an id (as a notification)
/// they get no reply, as JSON-RPC says, and change nothing.
bool isRequest(llvm::StringRef method) {
  return method == "initialize" || method == "shutdown" ||
         isPositional(method) || method == "textDocument/documentSymbol" ||
         method == "textDocument/formatting" ||
         method == "textDocument/semanticTokens/full" ||
         method == "textDocument/codeAction" ||
         method == "textDocument/foldingRange" || method == "workspace/symbol";
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

/// Whether the client can watch files for the server (LSP:
/// workspace.didChangeWatchedFiles.dynamicRegistration).
bool canWatchFiles(const json::Object *params) {
  const json::Object *caps = params ? params->getObject("capabilities") : nullptr;
  const json::Object *ws = caps ? caps->getObject("workspace") : nullptr;
  const json::Object *watched = ws ? ws->getObject("didChangeWatchedFiles") : nullptr;
  return watched && watched->getBoolean("dynamicRegistration").getValueOr(false);
}

std::optional<int64_t> version(const json::Object *textDocument) {
  if (textDocument)
    if (llvm::Optional<int64_t> v = textDocument->getInteger("version"))
      return *v;
  return std::nullopt;
}

class Server {
public:
  Server(std::ostream &out, const ServerOptions &options)
      : out(out), workspace(options.debounce, [this](json::Value params) {
          send(json::Object{{"jsonrpc", "2.0"},
                            {"method", "textDocument/publishDiagnostics"},
                            {"params", std::move(params)}});
        }) {}
  /// Returns false when the client sent `exit`. \p cancelled: the ids of
  /// the requests a `$/cancelRequest` already received cancels.
  bool handle(const json::Object &msg, const std::set<std::string> &cancelled);
  int exitCode() const { return shutdownRequested ? 0 : 1; }
  void send(const json::Value &message) { out << frame(message) << std::flush; }
  Workspace &documents() { return workspace; }

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
  bool notification(llvm::StringRef method, const json::Object *params);
  void request(llvm::StringRef method, const json::Value &id,
               const json::Object *params);
  json::Value positional(llvm::StringRef method, const Document &doc,
                         Position p, const json::Object *params,
                         const json::Value &id, bool &failed);

  std::ostream &out;
  Workspace workspace;
  bool initialized = false;
  bool shutdownRequested = false;
  bool watchFiles = false;
};

json::Value Server::capabilities() const {
  return json::Object{
      {"capabilities",
       json::Object{
           {"positionEncoding",
            workspace.positionEncoding() == PositionEncoding::UTF8 ? "utf-8"
                                                                   : "utf-16"},
           {"textDocumentSync",
            json::Object{{"openClose", true},
                         {"change", 2 /* incremental */},
                         {"save", json::Object{{"includeText", false}}}}},
           {"definitionProvider", true},
           {"hoverProvider", true},
           {"completionProvider",
            json::Object{{"triggerCharacters", json::Array{"."}}}},
           {"documentSymbolProvider", true},
           {"documentFormattingProvider", true},
           {"referencesProvider", true},
           {"renameProvider", true},
           {"semanticTokensProvider",
            json::Object{{"legend", semanticTokensLegend()}, {"full", true}}},
           {"codeActionProvider",
            json::Object{{"codeActionKinds", json::Array{"quickfix"}}}},
           {"signatureHelpProvider",
            json::Object{{"triggerCharacters", json::Array{"(", ","}}}},
           {"workspaceSymbolProvider", true},
           {"foldingRangeProvider", true}}},
      {"serverInfo", json::Object{{"name", "vyre-lsp"}, {"version", VYREC_VERSION}}}};
}

/// Handles a notification; returns false for `exit`.
bool Server::notification(llvm::StringRef method, const json::Object *params) {
  const json::Object *td = params ? params->getObject("textDocument") : nullptr;
  llvm::StringRef uri = getString(td, "uri");
  if (method == "exit")
    return false;
  if (method == "initialized" && watchFiles) {
    // Imported files that no editor shows change on disk: the client
    // watches them and says so (workspace/didChangeWatchedFiles).
    json::Object watcher{{"globPattern", "**/*.vyre"}};
    send(json::Object{
        {"jsonrpc", "2.0"},
        {"id", "vyre-lsp/watch"},
        {"method", "client/registerCapability"},
        {"params",
         json::Object{{"registrations",
                       json::Array{json::Object{
                           {"id", "vyre-lsp/watch"},
                           {"method", "workspace/didChangeWatchedFiles"},
                           {"registerOptions",
                            json::Object{{"watchers",
                                          json::Array{std::move(watcher)}}}}}}}}}});
  } else if (method == "textDocument/didOpen" && !uri.empty()) {
    if (llvm::Optional<llvm::StringRef> text = td->getString("text"))
      workspace.open(uri, text->str(), version(td));
  } else if (method == "textDocument/didChange" && !uri.empty()) {
    if (const json::Array *changes = params->getArray("contentChanges"))
      workspace.change(uri, *changes, version(td));
  } else if (method == "textDocument/didClose" && !uri.empty()) {
    workspace.close(uri);
  } else if (method == "textDocument/didSave" && !uri.empty()) {
    workspace.fileChanged(uri);
  } else if (method == "workspace/didChangeWatchedFiles" && params) {
    if (const json::Array *changes = params->getArray("changes"))
      for (const json::Value &c : *changes)
        if (llvm::StringRef changed = getString(c.getAsObject(), "uri");
            !changed.empty())
          workspace.fileChanged(changed);
  }
  // Anything else (initialized, $/cancelRequest, $/setTrace): nothing to do.
  return true;
}

bool Server::handle(const json::Object &msg,
                    const std::set<std::string> &cancelled) {
  llvm::StringRef method = getString(&msg, "method");
  const json::Value *id = msg.get("id");
  const json::Object *params = msg.getObject("params");
  if (method.empty())
    return true; // a response (to client/registerCapability): nothing to do
  if (!id)
    return isRequest(method) ? true // no id to reply to (issue 27)
                             : notification(method, params);
  if (cancelled.count(llvm::formatv("{0}", *id).str()))
    return replyError(*id, -32800, "request cancelled"), true;
  request(method, *id, params);
  return true;
}

void Server::request(llvm::StringRef method, const json::Value &id,
                     const json::Object *params) {
  if (method == "initialize") {
    if (initialized)
      return replyError(id, -32600, "initialize was already sent");
    initialized = true;
    workspace.setEncoding(negotiate(params));
    watchFiles = canWatchFiles(params);
    return reply(id, capabilities());
  }
  if (method == "shutdown") {
    shutdownRequested = true;
    return reply(id, nullptr);
  }
  if (method == "workspace/symbol") {
    std::string query = getString(params, "query").str();
    json::Array symbols;
    llvm::StringSet<> seen; // a file imported by several open documents
    for (const Document *doc : workspace.all())
      for (json::Value &s : doc->workspaceSymbols(query))
        if (seen.insert(llvm::formatv("{0}", s).str()).second)
          symbols.push_back(std::move(s));
    return reply(id, std::move(symbols));
  }
  llvm::StringRef uri =
      getString(params ? params->getObject("textDocument") : nullptr, "uri");
  const Document *doc = workspace.get(uri);
  if (method.startswith("textDocument/") && !doc)
    return replyError(id, -32602, "unknown document (open it first)");
  if (method == "textDocument/documentSymbol")
    return reply(id, doc->documentSymbols());
  if (method == "textDocument/formatting")
    return reply(id, doc->formatting());
  if (method == "textDocument/semanticTokens/full")
    return reply(id, json::Object{{"data", doc->semanticTokens()}});
  if (method == "textDocument/foldingRange")
    return reply(id, doc->foldingRanges());
  if (method == "textDocument/codeAction") {
    const json::Object *range = params->getObject("range");
    std::optional<Position> from =
        parsePosition(range ? range->getObject("start") : nullptr);
    std::optional<Position> to =
        parsePosition(range ? range->getObject("end") : nullptr);
    if (!from || !to)
      return replyError(id, -32602, "params.range must hold a start and an end");
    return reply(id, doc->codeActions(*from, *to));
  }
  if (!isPositional(method))
    return replyError(id, -32601, ("method not found: " + method).str());
  std::optional<Position> p =
      parsePosition(params->getObject("position"));
  if (!p)
    return replyError(id, -32602,
                      "params.position must hold a line and a character "
                      "(integers from 0)");
  bool failed = false;
  json::Value result = positional(method, *doc, *p, params, id, failed);
  if (!failed)
    reply(id, std::move(result));
}

json::Value Server::positional(llvm::StringRef method, const Document &doc,
                               Position p, const json::Object *params,
                               const json::Value &id, bool &failed) {
  if (method == "textDocument/definition")
    return doc.definition(p);
  if (method == "textDocument/hover")
    return doc.hover(p);
  if (method == "textDocument/signatureHelp")
    return doc.signatureHelp(p);
  if (method == "textDocument/completion")
    return json::Object{{"isIncomplete", false}, {"items", doc.completion(p)}};
  // references and rename: the symbol's occurrences in every open
  // document's files (an imported name is used by its importers).
  std::optional<SymbolKey> symbol = doc.symbolAt(p);
  bool rename = method == "textDocument/rename";
  std::string newName = getString(params, "newName").str();
  if (rename && !isIdentifier(newName)) {
    failed = true;
    replyError(id, -32602, "the new name must be an identifier: " + newName);
    return nullptr;
  }
  if (!symbol)
    return nullptr;
  const json::Object *context = params->getObject("context");
  bool withDeclaration =
      rename || (context && context->getBoolean("includeDeclaration").getValueOr(false));
  std::vector<Occurrence> all;
  std::set<std::pair<std::string, std::string>> seen;
  for (const Document *d : workspace.all())
    for (Occurrence &o : d->occurrences(*symbol, withDeclaration))
      if (seen.insert({o.uri, llvm::formatv("{0}", o.range).str()}).second)
        all.push_back(std::move(o));
  if (!rename) {
    json::Array locations;
    for (Occurrence &o : all)
      locations.push_back(json::Object{{"uri", o.uri}, {"range", std::move(o.range)}});
    return locations;
  }
  json::Object changes;
  for (Occurrence &o : all) {
    json::Value *edits = changes.get(o.uri);
    if (!edits)
      edits = &(changes[o.uri] = json::Array{});
    edits->getAsArray()->push_back(
        json::Object{{"range", std::move(o.range)}, {"newText", newName}});
  }
  return json::Object{{"changes", std::move(changes)}};
}

/// The id a `$/cancelRequest` names, as handle() compares it.
std::optional<std::string> cancelledId(const json::Object &msg) {
  if (msg.getString("method") != llvm::StringRef("$/cancelRequest"))
    return std::nullopt;
  const json::Object *params = msg.getObject("params");
  const json::Value *id = params ? params->get("id") : nullptr;
  if (!id)
    return std::nullopt;
  return llvm::formatv("{0}", *id).str();
}

/// A message read and not yet handled: a JSON object, or the reason its
/// body is not JSON (answered in turn, with error -32700).
struct Received {
  json::Object message;
  std::string parseError;
};

} // namespace

int vyre::lsp::runServer(std::istream &in, std::ostream &out, std::ostream &log,
                         const ServerOptions &options) {
  using Clock = Workspace::Clock;
  Server server(out, options);
  auto ready = [&](int timeoutMs) {
    return !options.waitForInput || options.waitForInput(timeoutMs);
  };
  std::string body, error;
  std::deque<Received> pending;
  std::set<std::string> cancelled;
  std::optional<Clock::time_point> nextCompile;
  bool ended = false;
  for (;;) {
    // Read every message already sent (without waiting), or, with none,
    // wait for one until the next compile is due.
    while (!ended) {
      int timeoutMs = 0;
      if (pending.empty() && nextCompile)
        timeoutMs = static_cast<int>(std::max<int64_t>(
            0, std::chrono::ceil<std::chrono::milliseconds>(*nextCompile - Clock::now())
                   .count()));
      else if (pending.empty())
        timeoutMs = -1;
      if (!ready(timeoutMs))
        break;
      switch (readMessage(in, body, error)) {
      case ReadStatus::End:
        ended = true;
        continue;
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
        pending.push_back({json::Object{}, "parse error: " + llvm::toString(msg.takeError())});
      } else if (json::Object *obj = msg->getAsObject()) {
        if (std::optional<std::string> id = cancelledId(*obj))
          cancelled.insert(*id);
        pending.push_back({std::move(*obj), ""});
      }
      if (!options.waitForInput)
        break; // in memory: handle each message before reading the next
    }
    // Handle one message (reading again before the next: a cancel may have
    // come meanwhile); with none left, compile what is due.
    if (!pending.empty()) {
      Received msg = std::move(pending.front());
      pending.pop_front();
      if (!msg.parseError.empty())
        server.send(json::Object{
            {"jsonrpc", "2.0"},
            {"id", nullptr},
            {"error", json::Object{{"code", -32700}, {"message", msg.parseError}}}});
      else if (!server.handle(msg.message, cancelled))
        return server.exitCode();
      if (!pending.empty())
        continue;
    }
    cancelled.clear(); // every request they could name was answered
    nextCompile = server.documents().compileDue();
    if (ended)
      return 1; // input ended without `exit`
  }
}
