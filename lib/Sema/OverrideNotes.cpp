//===- OverrideNotes.cpp - point diagnostics at the overrides they follow -===//
//
// A protocol override can break a rule whose diagnostic is located in
// another file: `slot.WORDS = 3` makes the prelude's `slot.ARGS =
// slot.WORDS - slot.ARG0_WORD` overflow, `io.SLOT_COUNT = 0` gives the
// prelude's buffer io_queue zero size. While Sema runs, every error or
// warning gets a note `'GROUP.KEY' is overridden here (to N)` at each
// overridden protocol value it depends on whose final entry is in another
// file than the diagnostic. A diagnostic depends on a value when its message
// names it, or when the item it is located in (a const, a buffer, a protocol
// entry, a handler) uses it: directly or through consts, other protocol
// values, opcodes and the sizes of the buffers it accesses.
//
//===----------------------------------------------------------------------===//
#include "SemaContext.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <bitset>

using namespace vyre;
using namespace vyre::sema;

namespace {

using Deps = std::bitset<kNumProtocolValues>;

class OverrideNoter {
public:
  explicit OverrideNoter(SemaContext &ctx) : ctx(ctx) {}
  void annotate(llvm::SMLoc loc, llvm::StringRef msg);

private:
  struct Item {
    const char *start;
    unsigned buffer;
    ConstDecl *constant = nullptr;
    BufferDecl *bufferDecl = nullptr;
    ProtocolEntry *entry = nullptr;
    HandlerDecl *handler = nullptr;
  };
  void buildIndex();
  const Item *itemAt(llvm::SMLoc loc, unsigned buffer) const;
  void addItem(const Item &item, Deps &deps);
  void addExpr(Expr &e, Deps &deps);
  void addBuffer(BufferDecl *b, Deps &deps);
  static void addNamed(llvm::StringRef msg, Deps &deps);

  SemaContext &ctx;
  bool indexed = false;
  std::vector<Item> items; // every item of every file, by start address
  std::array<unsigned, kNumProtocolValues> entryCount{};
  llvm::DenseSet<const void *> visited; // per diagnostic: decls already added
};

void OverrideNoter::buildIndex() {
  indexed = true;
  for (auto &[entry, pv] : ctx.protocolEntries)
    ++entryCount[static_cast<unsigned>(pv)];
  for (auto &f : ctx.module.files) {
    for (auto &c : f->consts)
      if (c->loc.isValid())
        items.push_back({c->loc.getPointer(), f->bufferId, c.get()});
    for (auto &b : f->buffers)
      items.push_back({b->loc.getPointer(), f->bufferId, nullptr, b.get()});
    for (auto &block : f->protocolBlocks)
      for (ProtocolEntry &e : block)
        items.push_back({e.loc.getPointer(), f->bufferId, nullptr, nullptr, &e});
    for (auto &h : f->handlers)
      items.push_back(
          {h->loc.getPointer(), f->bufferId, nullptr, nullptr, nullptr, h.get()});
  }
  llvm::erase_if(items, [](const Item &i) { return !i.start; });
  std::sort(items.begin(), items.end(),
            [](const Item &a, const Item &b) { return a.start < b.start; });
}

/// The item whose text contains \p loc: the last one starting at or before
/// it in the same buffer (a buffer's text is contiguous, so no other
/// buffer's item can lie between).
const OverrideNoter::Item *OverrideNoter::itemAt(llvm::SMLoc loc,
                                                 unsigned buffer) const {
  auto it = std::upper_bound(
      items.begin(), items.end(), loc.getPointer(),
      [](const char *p, const Item &i) { return p < i.start; });
  if (it == items.begin() || std::prev(it)->buffer != buffer)
    return nullptr;
  return &*std::prev(it);
}

void OverrideNoter::addBuffer(BufferDecl *b, Deps &deps) {
  if (b && b->size && visited.insert(b).second)
    addExpr(*b->size, deps);
}

/// Every protocol value \p root uses, following consts, protocol values,
/// opcodes and accessed buffers' sizes (iteratively: any depth).
void OverrideNoter::addExpr(Expr &root, Deps &deps) {
  std::vector<Expr *> work{&root};
  while (!work.empty()) {
    Expr &e = *work.back();
    work.pop_back();
    for (Expr *sub : children(e))
      work.push_back(sub);
    if (auto *n = llvm::dyn_cast<NameExpr>(&e)) {
      if (n->target == NameTarget::Const && n->constant && n->constant->init &&
          visited.insert(n->constant).second)
        work.push_back(n->constant->init.get());
    } else if (auto *m = llvm::dyn_cast<MemberExpr>(&e)) {
      if (m->target == MemberTarget::Protocol) {
        unsigned i = static_cast<unsigned>(m->protocol);
        ProtocolEntry *fin = ctx.protocolFinal[i];
        deps.set(i);
        if (fin && fin->value && visited.insert(fin).second)
          work.push_back(fin->value.get());
      } else if (m->target == MemberTarget::Opcode && m->handler &&
                 m->handler->opcode && visited.insert(m->handler).second) {
        work.push_back(m->handler->opcode.get());
      }
    } else if (auto *l = llvm::dyn_cast<LoadExpr>(&e)) {
      addBuffer(l->buffer.decl, deps);
    } else if (auto *a = llvm::dyn_cast<AtomicExpr>(&e)) {
      addBuffer(a->buffer.decl, deps);
    }
  }
}

void OverrideNoter::addItem(const Item &item, Deps &deps) {
  if (item.constant && item.constant->init)
    addExpr(*item.constant->init, deps);
  if (item.entry && item.entry->value)
    addExpr(*item.entry->value, deps);
  if (BufferDecl *b = item.bufferDecl) {
    for (ExprPtr *p : {&b->size, &b->set, &b->binding})
      if (*p)
        addExpr(**p, deps);
  }
  if (HandlerDecl *h = item.handler) {
    if (h->opcode)
      addExpr(*h->opcode, deps);
    if (h->body) {
      walkExprs(*h->body, [&](Expr &e) { addExpr(e, deps); });
      walkStmts(*h->body, [&](Stmt &s) {
        if (auto *st = llvm::dyn_cast<StoreStmt>(&s))
          addBuffer(st->buffer.decl, deps);
      });
    }
  }
}

/// Protocol values the message names (`slot.WORDS is 4`).
void OverrideNoter::addNamed(llvm::StringRef msg, Deps &deps) {
  auto word = [](char c) { return llvm::isAlnum(c) || c == '_'; };
  for (size_t i = 0; i < msg.size(); ++i) {
    if (msg[i] != '.' || i == 0 || !word(msg[i - 1]))
      continue;
    size_t b = i, e = i + 1;
    while (b > 0 && word(msg[b - 1]))
      --b;
    while (e < msg.size() && word(msg[e]))
      ++e;
    if (auto pv = lookupProtocolValue(msg.slice(b, i), msg.slice(i + 1, e)))
      deps.set(static_cast<unsigned>(*pv));
  }
}

void OverrideNoter::annotate(llvm::SMLoc loc, llvm::StringRef msg) {
  if (!indexed)
    buildIndex();
  llvm::SourceMgr &sm = ctx.diags.sourceMgr();
  unsigned buffer = loc.isValid() ? sm.FindBufferContainingLoc(loc) : 0;
  Deps deps;
  addNamed(msg, deps);
  visited.clear();
  if (const Item *item = buffer ? itemAt(loc, buffer) : nullptr)
    addItem(*item, deps);
  for (unsigned i = 0; i < kNumProtocolValues; ++i) {
    const ProtocolEntry *fin = ctx.protocolFinal[i];
    if (!deps[i] || entryCount[i] < 2 || !fin || !fin->loc.isValid() ||
        sm.FindBufferContainingLoc(fin->loc) == buffer)
      continue;
    std::string value =
        fin->evaluated ? " (to " + std::to_string(*fin->evaluated) + ")" : "";
    ctx.diags.note(fin->loc, "'" + protocolName(static_cast<PV>(i)) +
                                 "' is overridden here" + value);
  }
}

} // namespace

DiagnosticEngine::Annotator vyre::sema::makeOverrideNoter(SemaContext &ctx) {
  auto noter = std::make_shared<OverrideNoter>(ctx);
  return [noter](Severity, llvm::SMLoc loc, llvm::StringRef msg) {
    noter->annotate(loc, msg);
  };
}
