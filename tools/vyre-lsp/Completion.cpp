//===- Completion.cpp - completion and the built-ins' signatures ---------===//
#include "Document.h"

#include "Describe.h"

#include "vyre/Protocol/Protocol.h"

#include "llvm/ADT/StringSet.h"

using namespace vyre;
using namespace vyre::lsp;
namespace json = llvm::json;
using llvm::cast;

namespace {

constexpr llvm::StringLiteral kIdentChars =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";

/// A built-in function: its name, parameters, and what it does.
struct Builtin {
  std::string name;
  std::vector<std::string> params;
  std::string doc;
};

/// Every built-in function of the language (docs/language.md): select,
/// min, max, and the atomics with their operands and optional ordering.
const std::vector<Builtin> &builtins() {
  static const std::vector<Builtin> table = [] {
    std::vector<Builtin> out{
        {"select", {"cond", "a", "b"}, "`a` if `cond` else `b` (all three are evaluated)"},
        {"min", {"a", "b"}, "the smaller (unsigned)"},
        {"max", {"a", "b"}, "the larger (unsigned)"}};
    for (AtomicOp op : {AtomicOp::Load, AtomicOp::Store, AtomicOp::Add,
                        AtomicOp::Sub, AtomicOp::And, AtomicOp::Or,
                        AtomicOp::Xor, AtomicOp::Min, AtomicOp::Max,
                        AtomicOp::Exchange, AtomicOp::CompareExchange}) {
      Builtin b{spelling(op).str(), {"buf[index]"}, ""};
      if (op == AtomicOp::CompareExchange)
        b.params.insert(b.params.end(), {"expected", "desired"});
      else if (atomicValueOperands(op) == 1)
        b.params.push_back("value");
      b.params.push_back("order?");
      b.doc = op == AtomicOp::Store
                  ? "atomically writes one word (a statement, no value)"
                  : "atomically updates one word; returns its previous value";
      b.doc += "; `order`: relaxed (the default), acquire, release, "
               "acq_rel or seq_cst";
      out.push_back(std::move(b));
    }
    return out;
  }();
  return table;
}

/// The locals of \p s's blocks declared before \p at in a block around it.
void localsInScope(const Stmt &s, const char *at,
                   std::vector<const LocalDecl *> &out) {
  auto inside = [&](const BlockStmt &b) {
    return b.loc.getPointer() <= at &&
           (!b.endLoc.isValid() || at <= b.endLoc.getPointer());
  };
  switch (s.kind) {
  case Stmt::Kind::Block:
    if (!inside(cast<BlockStmt>(s)))
      return;
    for (const StmtPtr &x : cast<BlockStmt>(s).body) {
      if (x->loc.getPointer() >= at)
        break;
      if (auto *let = llvm::dyn_cast<LetStmt>(x.get()))
        out.push_back(&let->decl);
      localsInScope(*x, at, out);
    }
    return;
  case Stmt::Kind::If: {
    auto &i = cast<IfStmt>(s);
    localsInScope(*i.thenBlock, at, out);
    if (i.elseStmt)
      localsInScope(*i.elseStmt, at, out);
    return;
  }
  case Stmt::Kind::For: {
    auto &f = cast<ForStmt>(s);
    if (inside(*f.body))
      out.push_back(&f.var);
    localsInScope(*f.body, at, out);
    return;
  }
  default:
    return;
  }
}

} // namespace

json::Array Document::completion(Position p) const {
  json::Array items;
  llvm::StringSet<> labels;
  // json::Value keeps a StringRef without copying: pass owned strings.
  auto item = [&](llvm::StringRef label, int kind, llvm::StringRef detail) {
    if (labels.insert(label).second)
      items.push_back(json::Object{
          {"label", label.str()}, {"kind", kind}, {"detail", detail.str()}});
  };
  const char *at = pointerAt(p);
  if (!at)
    return items;
  llvm::StringRef text = sm.getMemoryBuffer(docBuffer)->getBuffer();
  llvm::StringRef before = text.take_front(static_cast<size_t>(at - text.begin()));
  size_t start = before.find_last_not_of(kIdentChars);
  llvm::StringRef head = start == llvm::StringRef::npos ? "" : before.take_front(start + 1);
  // `group.` before the cursor: that group's keys (or the handlers).
  if (head.endswith(".")) {
    llvm::StringRef group = head.drop_back();
    size_t groupStart = group.find_last_not_of(kIdentChars);
    if (groupStart != llvm::StringRef::npos)
      group = group.drop_front(groupStart + 1);
    if (group == "opcode")
      for (const auto &f : module.files)
        for (const auto &h : f->handlers)
          item(h->name, 3, h->opcodeValue ? "opcode 0x" + hex(*h->opcodeValue) : "handler");
    for (const ProtocolInfo &info : protocolTable())
      if (info.group == group)
        item(info.key, 5, info.doc);
    return items;
  }
  // Inside a handler's body: its locals in scope, its inputs, the built-ins.
  const HandlerDecl *handler = nullptr;
  if (root)
    for (const auto &h : root->handlers)
      if (h->body && h->body->loc.getPointer() < at &&
          (!h->body->endLoc.isValid() || at <= h->body->endLoc.getPointer()))
        handler = h.get();
  if (handler) {
    std::vector<const LocalDecl *> locals;
    localsInScope(*handler->body, at, locals);
    // The innermost declaration of a name shadows the others.
    for (auto l = locals.rbegin(); l != locals.rend(); ++l)
      item((*l)->name, 6, ((*l)->isMutable ? "var: " : "let: ") + typeName((*l)->type).str());
    for (HandlerInput in : kHandlerInputs)
      item(spelling(in), 6, "handler input");
    for (const Builtin &b : builtins())
      item(b.name, 3, b.name + "(" + llvm::join(b.params, ", ") + ")");
  }
  for (const auto &f : module.files)
    for (const auto &b : f->buffers)
      item(b->name, 6, "buffer");
  for (const auto &f : module.files)
    for (const auto &c : f->consts)
      item(c->name, 21, "const " + valueText(c->value));
  llvm::StringSet<> groups;
  for (const ProtocolInfo &info : protocolTable())
    if (groups.insert(info.group).second)
      item(info.group, 9, "protocol group");
  for (const char *kw : {"handler", "const", "buffer", "protocol", "import",
                         "let", "var", "if", "else", "for", "in", "break"})
    item(kw, 14, "keyword");
  return items;
}

json::Value Document::signatureHelp(Position p) const {
  const char *at = pointerAt(p);
  if (!at)
    return nullptr;
  llvm::StringRef text = sm.getMemoryBuffer(docBuffer)->getBuffer();
  // Back from the cursor to the `(` of the call around it, counting the
  // commas between (not those of nested calls or indexes).
  unsigned commas = 0;
  int depth = 0;
  for (const char *c = at; c > text.begin();) {
    char ch = *--c;
    if (ch == ')' || ch == ']') {
      ++depth;
    } else if (ch == '[' && depth > 0) {
      --depth;
    } else if (ch == '(') {
      if (depth > 0) {
        --depth;
        continue;
      }
      llvm::StringRef name = text.take_front(static_cast<size_t>(c - text.begin()))
                                 .rtrim(" \t");
      size_t s = name.find_last_not_of(kIdentChars);
      name = s == llvm::StringRef::npos ? name : name.drop_front(s + 1);
      for (const Builtin &b : builtins()) {
        if (b.name != name)
          continue;
        json::Array params;
        for (const std::string &param : b.params)
          params.push_back(json::Object{{"label", param}});
        return json::Object{
            {"signatures",
             json::Array{json::Object{
                 {"label", b.name + "(" + llvm::join(b.params, ", ") + ")"},
                 {"documentation", b.doc},
                 {"parameters", std::move(params)}}}},
            {"activeSignature", 0},
            {"activeParameter",
             std::min<unsigned>(commas, static_cast<unsigned>(b.params.size()) - 1)}};
      }
      return nullptr;
    } else if (depth == 0 && ch == ',') {
      ++commas;
    } else if (ch == ';' || ch == '{' || ch == '}') {
      return nullptr; // out of the statement: not in a call
    }
  }
  return nullptr;
}
