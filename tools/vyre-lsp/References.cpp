//===- References.cpp - references, rename and workspace symbols ---------===//
//
// A symbol is known by its declaration's file and byte offset (SymbolKey),
// so that the server can ask every open document for its occurrences: a
// const of lib.vyre is used by each open file that imports it.
//
//===----------------------------------------------------------------------===//
#include "Document.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace vyre;
using namespace vyre::lsp;
namespace json = llvm::json;

namespace {

/// What can be renamed: handler inputs and protocol keys are the
/// language's names.
bool renameable(Reference::Kind k) {
  return k != Reference::Kind::Input && k != Reference::Kind::Protocol;
}

} // namespace

std::optional<SymbolKey> Document::symbolAt(Position p) const {
  const Reference *r = referenceAt(p);
  if (!r || !renameable(r->kind) || !r->target.isValid() ||
      uriOf(sm.FindBufferContainingLoc(r->target)).empty())
    return std::nullopt; // nothing, or declared in the prelude
  return keyOf(r->target);
}

std::vector<Occurrence> Document::occurrences(const SymbolKey &symbol,
                                              bool withDeclaration) const {
  std::vector<Occurrence> out;
  // The declaration in this compile's copy of the file, if it read it.
  const char *target = nullptr;
  for (const auto &f : module.files)
    if (!f->isPrelude && f->bufferId && samePath(f->path, symbol.path)) {
      llvm::StringRef buffer = sm.getMemoryBuffer(f->bufferId)->getBuffer();
      if (symbol.offset < buffer.size())
        target = buffer.begin() + symbol.offset;
    }
  if (!target)
    return out;
  for (const Reference &r : refs) {
    if (!renameable(r.kind) || r.target.getPointer() != target ||
        (r.isDeclaration && !withDeclaration))
      continue;
    llvm::SMLoc name = llvm::SMLoc::getFromPointer(r.begin + r.nameOffset);
    std::string fileUri = uriOf(sm.FindBufferContainingLoc(name));
    if (!fileUri.empty())
      out.push_back({fileUri, range(name, r.length - r.nameOffset)});
  }
  return out;
}

json::Array Document::workspaceSymbols(llvm::StringRef query) const {
  json::Array out;
  std::string lower = query.lower();
  auto symbol = [&](const std::string &name, int kind, llvm::SMLoc loc,
                    const SourceFile &file) {
    if (llvm::StringRef(llvm::StringRef(name).lower()).find(lower) == llvm::StringRef::npos)
      return;
    json::Value where = location(loc, name.size());
    if (where.kind() == json::Value::Null)
      return;
    out.push_back(json::Object{
        {"name", name},
        {"kind", kind},
        {"location", std::move(where)},
        {"containerName", llvm::sys::path::filename(file.path).str()}});
  };
  for (const auto &f : module.files) {
    if (f->isPrelude || !f->bufferId)
      continue;
    for (const auto &c : f->consts)
      if (c->init)
        symbol(c->name, 14 /* Constant */, c->loc, *f);
    for (const auto &b : f->buffers)
      symbol(b->name, 18 /* Array */, b->loc, *f);
    for (const auto &h : f->handlers)
      symbol(h->name, 12 /* Function */, h->loc, *f);
  }
  return out;
}
