//===- NameResolution.cpp - pass 1: symbol tables, scopes and names -------===//
//
// Builds the global tables (consts, buffers, handlers: one namespace each,
// global across files), applies -D, picks the final entry of every protocol
// key (a later file overrides an earlier one), and resolves every name:
// NameExpr (local, handler input or const), `group.KEY`, buffer references
// and assignment targets. Also checks scopes (redefinition, shadowing, use
// before definition), writes to read-only names and `break` outside loops.
//
//===----------------------------------------------------------------------===//
#include "SemaContext.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringSet.h"

using namespace vyre;
using namespace vyre::sema;

namespace {

std::string didYouMean(llvm::StringRef name,
                       const std::vector<std::string> &candidates) {
  std::string best = closestMatch(name, candidates);
  return best.empty() ? "" : "; did you mean '" + best + "'?";
}

class Resolver {
public:
  explicit Resolver(SemaContext &ctx) : ctx(ctx), diags(ctx.diags) {
    for (unsigned i = 0; i < kNumProtocolValues; ++i) {
      const ProtocolInfo &info = protocolInfo(static_cast<PV>(i));
      protocolIndex.try_emplace({info.group, info.key}, static_cast<PV>(i));
    }
  }

  void collectGlobals();
  void applyDefines();
  void collectProtocol();
  void resolveItemExprs();
  void resolveHandler(HandlerDecl &h);
  void warnUnusedDefines();

private:
  // Expressions.
  void resolveExpr(Expr &e, bool inHandler);
  void resolveName(NameExpr &n, bool inHandler);
  void resolveMember(MemberExpr &m);
  void resolveBuffer(BufferRef &ref);

  // Statements.
  void resolveStmt(Stmt &s);
  void resolveBlock(BlockStmt &b, LocalDecl *loopVar = nullptr);
  void declareLocal(LocalDecl &d);
  LocalDecl *lookupLocal(llvm::StringRef name) const;
  /// The first local of the current handler named \p name, in or out of
  /// scope (for "used before its definition"); only errors ask.
  LocalDecl *anyLocalNamed(llvm::StringRef name) const;
  std::vector<std::string> visibleNames() const;

  SemaContext &ctx;
  DiagnosticEngine &diags;
  /// The locals in scope, innermost last; scopeStarts[i] is where the i-th
  /// open block's locals begin. Flat, so entering a block allocates nothing.
  std::vector<LocalDecl *> locals;
  std::vector<size_t> scopeStarts;
  HandlerDecl *handler = nullptr; // the one being resolved
  /// lookupProtocolValue as a hash table: a program names protocol values
  /// in every handler.
  llvm::DenseMap<std::pair<llvm::StringRef, llvm::StringRef>, PV> protocolIndex;
  std::optional<PV> protocolValue(llvm::StringRef group, llvm::StringRef key) const {
    auto it = protocolIndex.find({group, key});
    if (it == protocolIndex.end())
      return std::nullopt;
    return it->second;
  }
  unsigned loopDepth = 0;
  /// Locals whose initializer (or loop bounds) is being resolved.
  std::vector<LocalDecl *> initializing;
  /// Consts that some name refers to (for -Wunused-define).
  llvm::SmallPtrSet<const ConstDecl *, 8> referencedConsts;
};

//===-- Globals -------------------------------------------------------------===//

void Resolver::collectGlobals() {
  for (auto &f : ctx.module.files) {
    for (auto &c : f->consts) {
      if (auto in = lookupHandlerInput(c->name)) {
        diags.error(c->loc, "const '" + c->name +
                                "' has the name of a handler input; handler "
                                "inputs cannot be redefined");
        continue;
      }
      auto [it, inserted] = ctx.consts.try_emplace(c->name, c.get());
      if (!inserted) {
        diags.error(c->loc, "redefinition of const '" + c->name + "'");
        diags.note(it->second->loc, "previous definition is here");
      }
    }
    for (auto &b : f->buffers) {
      auto [it, inserted] = ctx.buffers.try_emplace(b->name, b.get());
      if (!inserted) {
        diags.error(b->loc, "redefinition of buffer '" + b->name + "'");
        diags.note(it->second->loc, "previous definition is here");
      }
    }
    for (auto &h : f->handlers) {
      h->fromPrelude = f->isPrelude;
      auto [it, inserted] = ctx.handlers.try_emplace(h->name, h.get());
      if (!inserted) {
        diags.error(h->loc, "redefinition of handler '" + h->name + "'");
        if (it->second->fromPrelude && !h->fromPrelude)
          diags.note(it->second->loc, "built-in handler '" + h->name +
                                          "' is defined in the prelude here");
        else
          diags.note(it->second->loc, "previous definition is here");
      }
    }
  }
}

void Resolver::applyDefines() {
  SourceFile &root = *ctx.module.files[ctx.module.rootFile];
  for (const auto &[name, value] : ctx.opts.defines) {
    auto it = ctx.consts.find(name);
    if (it != ctx.consts.end()) {
      // Overridden: the initializer is replaced, so --emit=ir shows the
      // value the module was compiled with.
      ConstDecl *c = it->second;
      llvm::SMLoc loc = c->init ? c->init->loc : c->loc;
      c->init = std::make_unique<IntLit>(loc, value);
      continue;
    }
    auto c = std::make_unique<ConstDecl>();
    c->name = name;
    c->loc = ctx.fileStart(root);
    c->init = std::make_unique<IntLit>(c->loc, value);
    c->doc = "defined on the command line (-D)";
    ctx.consts[name] = c.get();
    ctx.definedConsts.push_back(c.get());
    // Owned by the root file (but not listed in its items, so the printer
    // leaves it out) so that NameExpr::constant stays valid after Sema.
    root.consts.push_back(std::move(c));
  }
}

/// `-D NAME=VALUE` where no file declares NAME defines a const; when no
/// file uses it either, it had no effect: most likely a typo (glslc and
/// clang say nothing about an unused -D macro, but a vyre -D names a const,
/// and a misspelt override silently compiling the default is worth a word).
void Resolver::warnUnusedDefines() {
  for (const ConstDecl *c : ctx.definedConsts)
    if (!referencedConsts.count(c))
      diags.warning(DiagGroup::UnusedDefine, llvm::SMLoc(),
                    "-D " + c->name + ": no file declares or uses a const '" +
                        c->name + "'; the definition has no effect");
}

void Resolver::collectProtocol() {
  std::vector<std::string> groups;
  for (const ProtocolInfo &info : protocolTable())
    if (groups.empty() || groups.back() != info.group)
      groups.push_back(info.group.str());

  for (unsigned fileIdx = 0; fileIdx < ctx.module.files.size(); ++fileIdx) {
    auto &f = ctx.module.files[fileIdx];
    std::array<ProtocolEntry *, kNumProtocolValues> inFile{};
    for (auto &block : f->protocolBlocks) {
      for (ProtocolEntry &e : block) {
        std::optional<PV> pv = protocolValue(e.group, e.key);
        if (!pv) {
          if (!isProtocolGroup(e.group)) {
            diags.error(e.loc, "unknown protocol group '" + e.group + "'" +
                                   didYouMean(e.group, groups));
            continue;
          }
          std::vector<std::string> keys;
          for (const ProtocolInfo &info : protocolTable())
            if (info.group == e.group)
              keys.push_back((info.group + "." + info.key).str());
          std::string extra = e.group == "opcode"
                                  ? " (handler opcodes are set by 'handler "
                                    "NAME = VALUE { ... }')"
                                  : didYouMean(e.group + "." + e.key, keys);
          diags.error(e.loc, "unknown protocol value '" + e.group + "." +
                                 e.key + "'" + extra);
          continue;
        }
        unsigned idx = static_cast<unsigned>(*pv);
        if (ProtocolEntry *prev = inFile[idx]) {
          diags.error(e.loc, "duplicate protocol value '" + e.group + "." +
                                 e.key + "' in this file");
          diags.note(prev->loc, "previously set here");
          continue;
        }
        inFile[idx] = &e;
        ctx.protocolFinal[idx] = &e; // later files override earlier ones
        ctx.protocolEntries.emplace_back(&e, *pv);
        ctx.protocolEntryFile[&e] = fileIdx;
      }
    }
  }
}

//===-- Expressions ---------------------------------------------------------===//

void Resolver::resolveBuffer(BufferRef &ref) {
  auto it = ctx.buffers.find(ref.name);
  if (it != ctx.buffers.end()) {
    ref.decl = it->second;
    return;
  }
  std::vector<std::string> names;
  for (auto &kv : ctx.buffers)
    names.push_back(kv.getKey().str());
  diags.error(ref.loc, "use of undeclared buffer '" + ref.name + "'" +
                           didYouMean(ref.name, names));
}

void Resolver::resolveMember(MemberExpr &m) {
  if (m.group == "opcode" && m.member != "PACKED_SLOT") {
    auto it = ctx.handlers.find(m.member);
    if (it != ctx.handlers.end()) {
      m.target = MemberTarget::Opcode;
      m.handler = it->second;
    } else {
      std::vector<std::string> names{"opcode.PACKED_SLOT"};
      for (auto &kv : ctx.handlers)
        names.push_back("opcode." + kv.getKey().str());
      diags.error(m.memberLoc, "unknown opcode 'opcode." + m.member +
                                   "': no handler is named '" + m.member + "'" +
                                   didYouMean("opcode." + m.member, names));
    }
  } else if (std::optional<PV> pv = protocolValue(m.group, m.member)) {
    m.target = MemberTarget::Protocol;
    m.protocol = *pv;
  } else if (isProtocolGroup(m.group)) {
    std::vector<std::string> keys;
    for (const ProtocolInfo &info : protocolTable())
      if (info.group == m.group)
        keys.push_back((info.group + "." + info.key).str());
    diags.error(m.memberLoc, "unknown protocol value '" + m.group + "." +
                                 m.member + "'" +
                                 didYouMean(m.group + "." + m.member, keys));
  } else {
    std::vector<std::string> groups;
    for (const ProtocolInfo &info : protocolTable())
      if (groups.empty() || groups.back() != info.group)
        groups.push_back(info.group.str());
    std::string extra = didYouMean(m.group, groups);
    if (ctx.buffers.count(m.group))
      extra = "; '" + m.group + "' is a buffer: index it as " + m.group + "[i]";
    diags.error(m.loc, "unknown protocol group '" + m.group + "' in '" +
                           m.group + "." + m.member + "'" + extra);
  }
}

std::vector<std::string> Resolver::visibleNames() const {
  std::vector<std::string> names;
  for (LocalDecl *d : locals)
    names.push_back(d->name);
  for (HandlerInput in : kHandlerInputs)
    names.push_back(spelling(in).str());
  for (auto &kv : ctx.consts)
    names.push_back(kv.getKey().str());
  return names;
}

void Resolver::resolveName(NameExpr &n, bool inHandler) {
  if (inHandler) {
    if (LocalDecl *d = lookupLocal(n.name)) {
      n.target = NameTarget::Local;
      n.local = d;
      return;
    }
  }
  if (std::optional<HandlerInput> in = lookupHandlerInput(n.name)) {
    if (!inHandler) {
      diags.error(n.loc, "handler input '" + n.name +
                             "' is only available inside a handler body");
      return;
    }
    n.target = NameTarget::Input;
    n.input = *in;
    return;
  }
  if (auto it = ctx.consts.find(n.name); it != ctx.consts.end()) {
    n.target = NameTarget::Const;
    n.constant = it->second;
    referencedConsts.insert(it->second);
    return;
  }
  if (inHandler) {
    for (LocalDecl *d : initializing)
      if (d->name == n.name) {
        diags.error(n.loc, "'" + n.name + "' is used in its own initializer");
        diags.note(d->loc, "'" + n.name + "' is defined here");
        return;
      }
    if (LocalDecl *d = anyLocalNamed(n.name)) {
      if (n.loc.getPointer() < d->loc.getPointer()) {
        diags.error(n.loc, "'" + n.name + "' is used before its definition");
        diags.note(d->loc, "'" + n.name + "' is defined here");
      } else {
        diags.error(n.loc, "'" + n.name + "' is not in scope here");
        diags.note(d->loc, "'" + n.name +
                               "' is defined here, in a block that has ended");
      }
      return;
    }
  }
  if (ctx.buffers.count(n.name)) {
    diags.error(n.loc, "'" + n.name + "' is a buffer, not a value; read a "
                           "word with " + n.name + "[index]");
    return;
  }
  if (ctx.handlers.count(n.name)) {
    diags.error(n.loc, "'" + n.name + "' is a handler, not a value; its "
                           "opcode is opcode." + n.name);
    return;
  }
  std::vector<std::string> names = inHandler ? visibleNames() : std::vector<std::string>{};
  if (!inHandler)
    for (auto &kv : ctx.consts)
      names.push_back(kv.getKey().str());
  diags.error(n.loc, "use of undeclared name '" + n.name + "'" +
                         didYouMean(n.name, names));
}

void Resolver::resolveExpr(Expr &root, bool inHandler) {
  walkPreOrder(root, [&](Expr &e) {
    switch (e.kind) {
    case Expr::Kind::Name:
      resolveName(llvm::cast<NameExpr>(e), inHandler);
      break;
    case Expr::Kind::Member:
      resolveMember(llvm::cast<MemberExpr>(e));
      break;
    case Expr::Kind::Load:
      resolveBuffer(llvm::cast<LoadExpr>(e).buffer);
      break;
    case Expr::Kind::Atomic:
      resolveBuffer(llvm::cast<AtomicExpr>(e).buffer);
      break;
    default:
      break;
    }
  });
}

void Resolver::resolveItemExprs() {
  forEachItemExpr(ctx.module, [&](Expr &e) { resolveExpr(e, false); });
}

//===-- Statements and scopes -----------------------------------------------===//

LocalDecl *Resolver::lookupLocal(llvm::StringRef name) const {
  // Innermost block first; within a block the first definition (a
  // redefinition was reported and does not take over).
  size_t end = locals.size();
  for (size_t scope = scopeStarts.size(); scope-- > 0;) {
    for (size_t i = scopeStarts[scope]; i < end; ++i)
      if (locals[i]->name == name)
        return locals[i];
    end = scopeStarts[scope];
  }
  return nullptr;
}

LocalDecl *Resolver::anyLocalNamed(llvm::StringRef name) const {
  LocalDecl *found = nullptr;
  if (handler && handler->body)
    walkStmts(*handler->body, [&](Stmt &s) {
      if (found)
        return;
      if (auto *l = llvm::dyn_cast<LetStmt>(&s); l && l->decl.name == name)
        found = &l->decl;
      else if (auto *f = llvm::dyn_cast<ForStmt>(&s); f && f->var.name == name)
        found = &f->var;
    });
  return found;
}

void Resolver::declareLocal(LocalDecl &d) {
  // Same block: a redefinition. Enclosing block: shadowing, also an error
  // (one name, one local, anywhere in a handler body).
  for (size_t i = scopeStarts.back(); i < locals.size(); ++i) {
    LocalDecl *prev = locals[i];
    if (prev->name == d.name) {
      diags.error(d.loc, "redefinition of '" + d.name + "' in the same block");
      diags.note(prev->loc, "previous definition is here");
      locals.push_back(&d);
      return;
    }
  }
  if (LocalDecl *outer = lookupLocal(d.name)) {
    diags.error(d.loc, "'" + d.name + "' shadows a local of an enclosing block");
    diags.note(outer->loc, "the shadowed local is defined here");
  } else if (lookupHandlerInput(d.name)) {
    diags.error(d.loc, "'" + d.name + "' shadows the handler input '" +
                           d.name + "'");
  } else if (auto it = ctx.consts.find(d.name); it != ctx.consts.end()) {
    diags.error(d.loc, "'" + d.name + "' shadows the const '" + d.name + "'");
    diags.note(it->second->loc, "the const is defined here");
  }
  locals.push_back(&d);
}

void Resolver::resolveBlock(BlockStmt &b, LocalDecl *loopVar) {
  size_t outer = locals.size();
  if (loopVar) {
    scopeStarts.push_back(locals.size());
    declareLocal(*loopVar);
  }
  scopeStarts.push_back(locals.size());
  for (StmtPtr &s : b.body)
    if (s)
      resolveStmt(*s);
  scopeStarts.pop_back();
  if (loopVar)
    scopeStarts.pop_back();
  locals.resize(outer);
}

void Resolver::resolveStmt(Stmt &s) {
  switch (s.kind) {
  case Stmt::Kind::Let: {
    auto &l = llvm::cast<LetStmt>(s);
    initializing.push_back(&l.decl);
    if (l.init)
      resolveExpr(*l.init, true); // before the name is in scope
    initializing.pop_back();
    declareLocal(l.decl);
    return;
  }
  case Stmt::Kind::Assign: {
    auto &a = llvm::cast<AssignStmt>(s);
    if (a.value)
      resolveExpr(*a.value, true);
    if (LocalDecl *d = lookupLocal(a.name)) {
      a.target = d;
      if (d->isInduction) {
        diags.error(a.nameLoc, "cannot assign to loop variable '" + a.name + "'");
        diags.note(d->loc, "'" + a.name + "' is defined here");
      } else if (!d->isMutable) {
        diags.error(a.nameLoc, "cannot assign to '" + a.name +
                                   "', which is declared with 'let'");
        diags.note(d->loc, "'" + a.name +
                               "' is defined here; use 'var' to make it mutable");
      }
      return;
    }
    if (lookupHandlerInput(a.name)) {
      diags.error(a.nameLoc, "cannot assign to handler input '" + a.name +
                                 "': handler inputs are read-only");
      return;
    }
    if (auto it = ctx.consts.find(a.name); it != ctx.consts.end()) {
      diags.error(a.nameLoc, "cannot assign to const '" + a.name + "'");
      diags.note(it->second->loc, "the const is defined here");
      return;
    }
    NameExpr probe(a.nameLoc, a.name);
    resolveName(probe, true); // reports undeclared / not in scope
    return;
  }
  case Stmt::Kind::Store: {
    auto &st = llvm::cast<StoreStmt>(s);
    resolveBuffer(st.buffer);
    if (st.index)
      resolveExpr(*st.index, true);
    if (st.value)
      resolveExpr(*st.value, true);
    return;
  }
  case Stmt::Kind::If: {
    auto &i = llvm::cast<IfStmt>(s);
    if (i.cond)
      resolveExpr(*i.cond, true);
    if (i.thenBlock)
      resolveBlock(*i.thenBlock);
    if (i.elseStmt)
      resolveStmt(*i.elseStmt);
    return;
  }
  case Stmt::Kind::For: {
    auto &f = llvm::cast<ForStmt>(s);
    f.var.type = Type::U32;
    initializing.push_back(&f.var);
    if (f.lo)
      resolveExpr(*f.lo, true);
    if (f.hi)
      resolveExpr(*f.hi, true);
    initializing.pop_back();
    ++loopDepth;
    if (f.body)
      resolveBlock(*f.body, &f.var);
    --loopDepth;
    return;
  }
  case Stmt::Kind::Break:
    if (loopDepth == 0)
      diags.error(s.loc, "'break' outside of a loop");
    return;
  case Stmt::Kind::Block:
    resolveBlock(llvm::cast<BlockStmt>(s));
    return;
  case Stmt::Kind::ExprStmt:
    if (auto &e = llvm::cast<ExprStmt>(s).expr)
      resolveExpr(*e, true);
    return;
  }
}

void Resolver::resolveHandler(HandlerDecl &h) {
  if (!h.body)
    return;
  handler = &h;
  locals.clear();
  scopeStarts.clear();
  loopDepth = 0;
  resolveBlock(*h.body);
}

} // namespace

void vyre::sema::runNameResolution(SemaContext &ctx) {
  Resolver r(ctx);
  r.collectGlobals();
  r.applyDefines();
  r.collectProtocol();
  r.resolveItemExprs();
  for (auto &f : ctx.module.files)
    for (auto &h : f->handlers) {
      if (ctx.diags.tooManyErrors())
        return;
      r.resolveHandler(*h);
    }
  r.warnUnusedDefines();
}
