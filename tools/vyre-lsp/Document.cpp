//===- Document.cpp - compile one document and answer queries on it -----===//
#include "Document.h"

#include "Describe.h"

#include "vyre/Basic/FileUri.h"
#include "vyre/Basic/Utf16.h"
#include "vyre/IR/Printer.h"
#include "vyre/Parse/Loader.h"
#include "vyre/Parse/Parser.h"
#include "vyre/Protocol/Protocol.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/VirtualFileSystem.h"

#include <algorithm>

using namespace vyre;
using namespace vyre::lsp;
namespace json = llvm::json;
using llvm::cast;
using llvm::dyn_cast;

Document::Document(std::string path, std::string uri, std::string text,
                   PositionEncoding encoding, const std::vector<OpenText> &others)
    : path(std::move(path)), uri(std::move(uri)), source(std::move(text)),
      encoding(encoding) {
  auto memory = llvm::makeIntrusiveRefCnt<llvm::vfs::InMemoryFileSystem>();
  memory->addFile(this->path, 0,
                  llvm::MemoryBuffer::getMemBufferCopy(source, this->path));
  openUris[this->path] = this->uri;
  // The editor's text of every open file, saved or not, is what an import
  // of it reads.
  for (const OpenText &o : others)
    if (!openUris.count(o.path)) {
      memory->addFile(o.path, 0, llvm::MemoryBuffer::getMemBufferCopy(o.text, o.path));
      openUris[o.path] = o.uri;
    }
  fileSystem = llvm::makeIntrusiveRefCnt<llvm::vfs::OverlayFileSystem>(
      llvm::vfs::getRealFileSystem());
  fileSystem->pushOverlay(memory);

  DiagOptions opts;
  opts.verify = true; // record, do not print
  opts.maxErrors = 100;
  diags = std::make_unique<DiagnosticEngine>(sm, llvm::nulls(), opts);
  LoadOptions lopts;
  lopts.fileSystem = fileSystem;
  bool ok = loadModule(this->path, lopts, *diags, module);
  if (ok && !diags->tooManyErrors()) {
    runSema(module, *diags, sema);
    semaRan = true;
  }
  if (module.rootFile < module.files.size() && !module.files.empty() &&
      module.files[module.rootFile]->bufferId) {
    root = module.files[module.rootFile].get();
    docBuffer = root->bufferId;
    index();
  }
}

bool vyre::lsp::samePath(llvm::StringRef a, llvm::StringRef b) {
  auto normal = [](llvm::StringRef p) {
    llvm::SmallString<256> out(p);
    llvm::sys::fs::make_absolute(out);
    llvm::sys::path::remove_dots(out, /*remove_dot_dot=*/true);
    return std::string(out);
  };
  return normal(a) == normal(b) || llvm::sys::fs::equivalent(a, b);
}

bool Document::reads(llvm::StringRef file) const {
  for (const auto &f : module.files)
    if (!f->isPrelude && samePath(f->path, file))
      return true;
  return false;
}

//===-- Positions -----------------------------------------------------------===//

const char *Document::pointerAt(Position p) const {
  if (!docBuffer)
    return nullptr;
  llvm::StringRef text = sm.getMemoryBuffer(docBuffer)->getBuffer();
  std::optional<size_t> offset = offsetAt(text, p, encoding);
  return offset ? text.begin() + *offset : nullptr;
}

Position Document::positionOf(llvm::SMLoc loc, size_t length) const {
  unsigned buf = sm.FindBufferContainingLoc(loc);
  auto [line, col] = sm.getLineAndColumn(loc, buf);
  llvm::StringRef before(loc.getPointer() - (col - 1), col - 1 + length);
  size_t character = encoding == PositionEncoding::UTF16 ? utf16Length(before)
                                                         : before.size();
  return {line - 1, static_cast<unsigned>(character)};
}

json::Object Document::position(llvm::SMLoc loc, size_t length) const {
  Position p = positionOf(loc, length);
  return json::Object{{"line", p.line}, {"character", p.character}};
}

json::Value Document::range(llvm::SMLoc loc, size_t length) const {
  return json::Object{{"start", position(loc)}, {"end", position(loc, length)}};
}

std::string Document::uriOf(unsigned buffer) const {
  std::string file = sm.getMemoryBuffer(buffer)->getBufferIdentifier().str();
  if (llvm::StringRef(file).startswith("<"))
    return ""; // the prelude built into the compiler: no file to open
  auto open = openUris.find(file);
  return open != openUris.end() ? open->second : pathToFileUri(file);
}

json::Value Document::location(llvm::SMLoc loc, size_t length) const {
  std::string fileUri = uriOf(sm.FindBufferContainingLoc(loc));
  if (fileUri.empty())
    return nullptr;
  return json::Object{{"uri", fileUri}, {"range", range(loc, length)}};
}

SymbolKey Document::keyOf(llvm::SMLoc loc) const {
  unsigned buf = sm.FindBufferContainingLoc(loc);
  const llvm::MemoryBuffer *b = sm.getMemoryBuffer(buf);
  return {b->getBufferIdentifier().str(),
          static_cast<size_t>(loc.getPointer() - b->getBufferStart())};
}

/// The length of the identifier (or number) at \p p, at least 1.
static size_t wordLength(const char *p, const char *end) {
  const char *q = p;
  while (q < end && (llvm::isAlnum(*q) || *q == '_'))
    ++q;
  return q == p ? 1 : static_cast<size_t>(q - p);
}

//===-- Diagnostics ---------------------------------------------------------===//

json::Array Document::diagnostics() const {
  json::Array out;
  llvm::StringRef text =
      docBuffer ? sm.getMemoryBuffer(docBuffer)->getBuffer() : llvm::StringRef();
  json::Object *last = nullptr;
  for (const RecordedDiag &d : diags->recorded()) {
    bool inDoc = d.loc.isValid() && docBuffer &&
                 sm.FindBufferContainingLoc(d.loc) == docBuffer;
    if (d.severity == Severity::Note) {
      // Notes become related information of the diagnostic they belong to.
      if (!last || !d.loc.isValid())
        continue;
      json::Array *related = last->getArray("relatedInformation");
      json::Value where = location(d.loc, 1);
      if (where.kind() != json::Value::Null)
        related->push_back(
            json::Object{{"location", std::move(where)}, {"message", d.message}});
      continue;
    }
    std::string message = d.message;
    json::Value where = json::Object{
        {"start", json::Object{{"line", 0}, {"character", 0}}},
        {"end", json::Object{{"line", 0}, {"character", 0}}}};
    if (inDoc) {
      where = range(d.loc, wordLength(d.loc.getPointer(), text.end()));
    } else if (d.loc.isValid()) {
      // In another file (an import, the prelude): say where, at the top.
      unsigned buf = sm.FindBufferContainingLoc(d.loc);
      auto [line, col] = sm.getLineAndColumn(d.loc, buf);
      message = (sm.getMemoryBuffer(buf)->getBufferIdentifier() + ":" +
                 llvm::Twine(line) + ":" + llvm::Twine(col) + ": " + message)
                    .str();
    }
    json::Object diag{{"range", std::move(where)},
                      {"severity", d.severity == Severity::Error ? 1 : 2},
                      {"source", "vyrec"},
                      {"message", message},
                      {"relatedInformation", json::Array{}}};
    if (d.group != DiagGroup::None)
      diag["code"] = diagGroupInfo(d.group).name;
    out.push_back(std::move(diag));
    last = out.back().getAsObject();
  }
  return out;
}

//===-- The index of names --------------------------------------------------===//

namespace {

/// Every protocol entry that sets group.KEY, the final one last.
const ProtocolEntry *finalEntry(const Module &m, llvm::StringRef group,
                                llvm::StringRef key,
                                const SourceFile **file = nullptr) {
  const ProtocolEntry *last = nullptr;
  for (const auto &f : m.files)
    for (const auto &block : f->protocolBlocks)
      for (const ProtocolEntry &e : block)
        if (e.group == group && e.key == key) {
          last = &e;
          if (file)
            *file = f.get();
        }
  return last;
}

const HandlerDecl *findHandler(const Module &m, llvm::StringRef name) {
  for (const auto &f : m.files)
    for (const auto &h : f->handlers)
      if (h->name == name)
        return h.get();
  return nullptr;
}

std::string handlerHover(const HandlerDecl &h) {
  return withDoc("handler " + h.name + " = " +
                     (h.opcodeValue ? "0x" + hex(*h.opcodeValue)
                                    : std::string("?")),
                 h.doc);
}

std::string bufferHover(const BufferDecl &b) {
  std::string size = b.sizeValue ? std::to_string(*b.sizeValue) : "";
  return withDoc("buffer " + b.name + ": u32[" + size + "] " +
                     (b.access == Access::Read ? "read" : "read_write") +
                     (b.atomic ? " atomic" : "") + " @set(" +
                     std::to_string(b.setValue) + ") @binding(" +
                     std::to_string(b.bindingValue) + ")",
                 b.doc);
}

} // namespace

void Document::index() {
  auto add = [&](const char *begin, size_t len, Reference::Kind k,
                 llvm::SMLoc target, std::string hover) {
    refs.push_back({begin, len, k, target, std::move(hover), 0,
                    target.getPointer() == begin});
  };
  auto protocolRef = [&](llvm::SMLoc at, const std::string &group,
                         const std::string &key) {
    size_t len = group.size() + 1 + key.size();
    if (group == "opcode") {
      if (const HandlerDecl *h = findHandler(module, key)) {
        add(at.getPointer(), len, Reference::Kind::Opcode, h->loc,
            handlerHover(*h));
        refs.back().nameOffset = group.size() + 1;
        return;
      }
    }
    std::optional<PV> pv = lookupProtocolValue(group, key);
    if (!pv)
      return;
    const SourceFile *file = nullptr;
    const ProtocolEntry *e = finalEntry(module, group, key, &file);
    std::optional<uint32_t> v =
        semaRan ? std::optional<uint32_t>(sema.protocol[*pv])
                : (e ? e->evaluated : std::nullopt);
    const ProtocolInfo &info = protocolInfo(*pv);
    std::string where = "not set by any file";
    if (e && file) {
      auto [line, col] = sm.getLineAndColumn(e->loc, file->bufferId);
      where = "set in " + llvm::sys::path::filename(file->path).str() + ":" +
              std::to_string(line) +
              (file->isPrelude ? " (the prelude)" : "");
    }
    std::string md = withDoc(group + "." + key + " = " + valueText(v),
                             info.doc) +
                     "\n\n" + spelling(info.kind).str() +
                     (info.specId >= 0
                          ? ", specialization constant " +
                                std::to_string(info.specId)
                          : "") +
                     "; final value " + where;
    add(at.getPointer(), len, Reference::Kind::Protocol,
        e ? e->loc : llvm::SMLoc(), md);
  };
  auto bufferRef = [&](const BufferRef &b) {
    if (b.decl)
      add(b.loc.getPointer(), b.name.size(), Reference::Kind::Buffer,
          b.decl->loc, bufferHover(*b.decl));
  };

  auto local = [&](llvm::SMLoc at, const LocalDecl &l) {
    add(at.getPointer(), l.name.size(), Reference::Kind::Local, l.loc,
        withDoc(std::string(l.isInduction  ? "for "
                            : l.isMutable ? "var "
                                          : "let ") +
                    l.name + ": " + typeName(l.type).str(),
                ""));
  };

  std::function<void(const Expr &)> expr = [&](const Expr &e) {
    switch (e.kind) {
    case Expr::Kind::IntLit:
    case Expr::Kind::BoolLit:
      return;
    case Expr::Kind::Name: {
      auto &n = cast<NameExpr>(e);
      if (n.target == NameTarget::Const && n.constant)
        add(n.loc.getPointer(), n.name.size(), Reference::Kind::Const,
            n.constant->loc,
            withDoc("const " + n.name + " = " + valueText(n.constant->value),
                    n.constant->doc));
      else if (n.target == NameTarget::Local && n.local)
        local(n.loc, *n.local);
      else if (n.target == NameTarget::Input)
        add(n.loc.getPointer(), n.name.size(), Reference::Kind::Input,
            llvm::SMLoc(),
            withDoc(n.name + ": u32", "A handler input (read-only)."));
      return;
    }
    case Expr::Kind::Member: {
      auto &m = cast<MemberExpr>(e);
      protocolRef(m.loc, m.group, m.member);
      return;
    }
    case Expr::Kind::Unary:
      expr(*cast<UnaryExpr>(e).operand);
      return;
    case Expr::Kind::Binary:
      expr(*cast<BinaryExpr>(e).lhs);
      expr(*cast<BinaryExpr>(e).rhs);
      return;
    case Expr::Kind::Select: {
      auto &s = cast<SelectExpr>(e);
      expr(*s.cond);
      expr(*s.ifTrue);
      expr(*s.ifFalse);
      return;
    }
    case Expr::Kind::Load:
      bufferRef(cast<LoadExpr>(e).buffer);
      expr(*cast<LoadExpr>(e).index);
      return;
    case Expr::Kind::Atomic: {
      auto &a = cast<AtomicExpr>(e);
      bufferRef(a.buffer);
      expr(*a.index);
      for (const ExprPtr &x : a.operands)
        expr(*x);
      return;
    }
    }
  };
  std::function<void(const Stmt &)> stmt = [&](const Stmt &s) {
    switch (s.kind) {
    case Stmt::Kind::Let:
      expr(*cast<LetStmt>(s).init);
      local(cast<LetStmt>(s).decl.loc, cast<LetStmt>(s).decl);
      return;
    case Stmt::Kind::Assign: {
      auto &a = cast<AssignStmt>(s);
      if (a.target)
        local(a.nameLoc, *a.target);
      expr(*a.value);
      return;
    }
    case Stmt::Kind::Store: {
      auto &st = cast<StoreStmt>(s);
      bufferRef(st.buffer);
      expr(*st.index);
      expr(*st.value);
      return;
    }
    case Stmt::Kind::If: {
      auto &i = cast<IfStmt>(s);
      expr(*i.cond);
      stmt(*i.thenBlock);
      if (i.elseStmt)
        stmt(*i.elseStmt);
      return;
    }
    case Stmt::Kind::For: {
      auto &f = cast<ForStmt>(s);
      local(f.var.loc, f.var);
      expr(*f.lo);
      expr(*f.hi);
      stmt(*f.body);
      return;
    }
    case Stmt::Kind::Block:
      for (const StmtPtr &x : cast<BlockStmt>(s).body)
        stmt(*x);
      return;
    case Stmt::Kind::ExprStmt:
      expr(*cast<ExprStmt>(s).expr);
      return;
    case Stmt::Kind::Break:
      return;
    }
  };

  // The document and the files it imports (references and rename reach
  // into them); not the prelude, which no one edits.
  for (const auto &file : module.files) {
    if (file->isPrelude || !file->bufferId)
      continue;
    for (const auto &c : file->consts) {
      if (!c->init) continue; // -D consts live here without text
      add(c->loc.getPointer(), c->name.size(), Reference::Kind::Const, c->loc,
          withDoc("const " + c->name + " = " + valueText(c->value), c->doc));
      expr(*c->init);
    }
    for (const auto &b : file->buffers) {
      add(b->loc.getPointer(), b->name.size(), Reference::Kind::Buffer, b->loc,
          bufferHover(*b));
      for (const ExprPtr *x : {&b->size, &b->set, &b->binding})
        if (*x)
          expr(**x);
    }
    for (const auto &block : file->protocolBlocks)
      for (const ProtocolEntry &e : block) {
        protocolRef(e.loc, e.group, e.key);
        expr(*e.value);
      }
    for (const auto &h : file->handlers) {
      add(h->loc.getPointer(), h->name.size(), Reference::Kind::Handler,
          h->loc, handlerHover(*h));
      expr(*h->opcode);
      stmt(*h->body);
    }
  }
}

const Reference *Document::referenceAt(Position p) const {
  const char *at = pointerAt(p);
  if (!at)
    return nullptr;
  for (const Reference &r : refs)
    if (r.begin && at >= r.begin && at <= r.begin + r.length)
      return &r;
  return nullptr;
}

//===-- Queries -------------------------------------------------------------===//

json::Value Document::definition(Position p) const {
  const Reference *r = referenceAt(p);
  if (!r || !r->target.isValid())
    return nullptr;
  llvm::StringRef buffer =
      sm.getMemoryBuffer(sm.FindBufferContainingLoc(r->target))->getBuffer();
  return location(r->target,
                  wordLength(r->target.getPointer(), buffer.end()));
}

json::Value Document::hover(Position p) const {
  const Reference *r = referenceAt(p);
  if (!r)
    return nullptr;
  return json::Object{
      {"contents", json::Object{{"kind", "markdown"}, {"value", r->hover}}},
      {"range", range(llvm::SMLoc::getFromPointer(r->begin), r->length)}};
}

json::Array Document::documentSymbols() const {
  json::Array out;
  if (!root)
    return out;
  auto symbol = [&](const std::string &name, int kind, llvm::SMLoc nameLoc,
                    const SourceFile::Item &item, std::string detail) {
    // The whole item, from its first token to its last (a one-byte '}'
    // or ';').
    json::Object whole{{"start", position(item.start)},
                       {"end", position(item.end, 1)}};
    out.push_back(json::Object{{"name", name},
                               {"detail", std::move(detail)},
                               {"kind", kind},
                               {"range", std::move(whole)},
                               {"selectionRange", range(nameLoc, name.size())}});
  };
  for (const SourceFile::Item &item : root->items) {
    if (!item.start.isValid())
      continue;
    switch (item.kind) {
    case SourceFile::Item::Kind::Const: {
      const ConstDecl &c = *root->consts[item.index];
      symbol(c.name, 14, c.loc, item, valueText(c.value));
      break;
    }
    case SourceFile::Item::Kind::Buffer: {
      const BufferDecl &b = *root->buffers[item.index];
      symbol(b.name, 18, b.loc, item, "buffer");
      break;
    }
    case SourceFile::Item::Kind::Handler: {
      const HandlerDecl &h = *root->handlers[item.index];
      symbol(h.name, 12, h.loc, item,
             h.opcodeValue ? "opcode 0x" + hex(*h.opcodeValue) : "handler");
      break;
    }
    case SourceFile::Item::Kind::Protocol:
      for (const ProtocolEntry &e : root->protocolBlocks[item.index])
        symbol(e.group + "." + e.key, 7, e.loc, item, "protocol value");
      break;
    case SourceFile::Item::Kind::Import:
      break;
    }
  }
  return out;
}

json::Value Document::formatting() const {
  // Parse the text alone, as `vyrec --format` does.
  llvm::SourceMgr fsm;
  DiagOptions opts;
  opts.verify = true;
  DiagnosticEngine fdiags(fsm, llvm::nulls(), opts);
  unsigned id = fsm.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(source, path), llvm::SMLoc());
  SourceFile file;
  parseBuffer(id, fdiags, file);
  if (fdiags.hasErrors())
    return nullptr;
  std::string formatted;
  llvm::raw_string_ostream os(formatted);
  formatSourceFile(file, os);
  os.flush();
  json::Array edits;
  if (formatted == source)
    return edits;
  unsigned lines = static_cast<unsigned>(llvm::StringRef(source).count('\n'));
  edits.push_back(json::Object{
      {"range", json::Object{{"start", json::Object{{"line", 0}, {"character", 0}}},
                             {"end", json::Object{{"line", lines + 1}, {"character", 0}}}}},
      {"newText", formatted}});
  return edits;
}
