//===- Workspace.cpp - the open documents, and when each is compiled -----===//
#include "Workspace.h"

#include "TextEdit.h"

#include "vyre/Basic/FileUri.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <algorithm>

using namespace vyre;
using namespace vyre::lsp;
namespace json = llvm::json;

std::string vyre::lsp::documentPath(llvm::StringRef uri) {
  llvm::SmallString<256> path;
  if (uri.startswith("file://")) {
    path = fileUriToPath(uri);
  } else {
    // "untitled:Untitled-1" has no file: the loader must find the text
    // where it looks, an absolute path (imports resolve next to it).
    std::string name = uri.str();
    std::replace(name.begin(), name.end(), '/', '_');
    path = name;
  }
  llvm::sys::fs::make_absolute(path);
  llvm::sys::path::remove_dots(path, /*remove_dot_dot=*/true);
  return std::string(path);
}

Workspace::OpenDocument *Workspace::find(llvm::StringRef uri) {
  for (auto &d : docs)
    if (d->uri == uri)
      return d.get();
  return nullptr;
}

void Workspace::compile(OpenDocument &d) {
  std::vector<OpenText> others;
  for (const auto &o : docs)
    if (o.get() != &d)
      others.push_back({o->path, o->uri, o->text});
  d.compiled = std::make_unique<Document>(d.path, d.uri, d.text, encoding,
                                          others);
  d.due.reset();
  json::Object params{{"uri", d.uri},
                      {"diagnostics", d.compiled->diagnostics()}};
  if (d.version)
    params["version"] = *d.version;
  publish(std::move(params));
}

void Workspace::importersDue(llvm::StringRef path, const OpenDocument *except) {
  Clock::time_point when = Clock::now() + debounce;
  for (auto &d : docs)
    if (d.get() != except && d->compiled && d->compiled->reads(path) &&
        (!d->due || *d->due > when))
      d->due = when;
}

void Workspace::open(llvm::StringRef uri, std::string text,
                     std::optional<int64_t> version) {
  OpenDocument *d = find(uri);
  if (!d) {
    docs.push_back(std::make_unique<OpenDocument>());
    d = docs.back().get();
    d->uri = uri.str();
    d->path = documentPath(uri);
  }
  d->text = std::move(text);
  d->version = version;
  compile(*d);
  importersDue(d->path, d);
}

void Workspace::change(llvm::StringRef uri, const json::Array &changes,
                       std::optional<int64_t> version) {
  OpenDocument *d = find(uri);
  if (!d)
    return;
  for (const json::Value &c : changes)
    if (const json::Object *change = c.getAsObject())
      applyChange(d->text, *change, encoding);
  d->version = version;
  d->due = Clock::now() + debounce;
  importersDue(d->path, d);
}

void Workspace::close(llvm::StringRef uri) {
  auto it = std::find_if(docs.begin(), docs.end(),
                         [&](const auto &d) { return d->uri == uri; });
  if (it == docs.end())
    return;
  std::string path = (*it)->path;
  docs.erase(it);
  // Its problems are no longer shown (LSP: the server clears them).
  publish(json::Object{{"uri", uri}, {"diagnostics", json::Array{}}});
  // Its importers read the file on disk again, not the editor's text.
  importersDue(path, nullptr);
}

void Workspace::fileChanged(llvm::StringRef uri) {
  std::string path = documentPath(uri);
  // Importers of an open document read its text, saved or not; recheck
  // them anyway, the save is cheap to honour.
  importersDue(path, find(uri));
}

const Document *Workspace::get(llvm::StringRef uri) {
  OpenDocument *d = find(uri);
  if (!d)
    return nullptr;
  if (d->due || !d->compiled)
    compile(*d);
  return d->compiled.get();
}

std::vector<const Document *> Workspace::all() {
  std::vector<const Document *> out;
  for (auto &d : docs)
    out.push_back(get(d->uri));
  return out;
}

std::optional<Workspace::Clock::time_point> Workspace::compileDue() {
  std::optional<Clock::time_point> next;
  for (auto &d : docs) {
    if (!d->due)
      continue;
    if (*d->due <= Clock::now())
      compile(*d);
    else if (!next || *d->due < *next)
      next = d->due;
  }
  return next;
}
