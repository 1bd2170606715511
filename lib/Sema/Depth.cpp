//===- Depth.cpp - pass 2: no expression deeper than kMaxExprDepth --------===//
//
// The parser bounds each expression tree; this pass bounds an expression
// with the consts, protocol values and opcodes it names expanded, which is
// how deep the later passes recurse (the type checker and the constant
// evaluator follow those references; the emitter and the interpreter
// inline consts that depend on a specialization constant). It walks
// iteratively, visiting every node once, and reports the one expression
// where a chain first crosses the limit. When it reports, validation stops:
// the later passes would recurse too deep.
//
//===----------------------------------------------------------------------===//
#include "SemaContext.h"

#include "llvm/ADT/DenseSet.h"

using namespace vyre;
using namespace vyre::sema;

namespace {

class DepthChecker {
public:
  explicit DepthChecker(SemaContext &ctx) : ctx(ctx) {}

  /// Computes the expanded height of \p root (and of everything it reaches).
  void check(Expr &root);
  bool failed = false;

private:
  /// The expression a name or `group.KEY` stands for, or null.
  Expr *referenced(Expr &e) const;
  llvm::SmallVector<Expr *, 4> successors(Expr &e) const {
    llvm::SmallVector<Expr *, 4> out(children(e));
    if (Expr *r = referenced(e))
      out.push_back(r);
    return out;
  }

  SemaContext &ctx;
  llvm::DenseMap<const Expr *, unsigned> height; // finished nodes
  llvm::DenseSet<const Expr *> inProgress;       // on the DFS path (cycles)
};

Expr *DepthChecker::referenced(Expr &e) const {
  if (auto *n = llvm::dyn_cast<NameExpr>(&e))
    return n->target == NameTarget::Const && n->constant ? n->constant->init.get()
                                                         : nullptr;
  auto *m = llvm::dyn_cast<MemberExpr>(&e);
  if (!m)
    return nullptr;
  if (m->target == MemberTarget::Opcode)
    return m->handler->opcode.get();
  if (m->target == MemberTarget::Protocol)
    if (ProtocolEntry *p = ctx.protocolFinal[static_cast<unsigned>(m->protocol)])
      return p->value.get();
  return nullptr;
}

void DepthChecker::check(Expr &root) {
  llvm::SmallVector<std::pair<Expr *, bool>, 64> stack{{&root, false}};
  while (!stack.empty()) {
    auto [e, expanded] = stack.back();
    if (height.count(e)) {
      stack.pop_back();
      continue;
    }
    if (!expanded) {
      stack.back().second = true;
      inProgress.insert(e);
      for (Expr *s : successors(*e))
        if (!height.count(s) && !inProgress.count(s))
          stack.push_back({s, false});
      continue;
    }
    stack.pop_back();
    inProgress.erase(e);
    unsigned below = 0; // a cycle counts 0: the Constants pass reports it
    for (Expr *s : successors(*e))
      below = std::max(below, height.lookup(s));
    height[e] = below + 1;
    // Report where the limit is crossed, not at every expression above it.
    if (below + 1 > kMaxExprDepth && below <= kMaxExprDepth) {
      failed = true;
      ctx.diags.error(e->loc, "expression too deep: more than " +
                                  llvm::Twine(kMaxExprDepth) +
                                  " levels once the consts, "
                                  "protocol values and opcodes it names are "
                                  "expanded");
    }
  }
}

} // namespace

void vyre::sema::runDepthCheck(SemaContext &ctx) {
  DepthChecker checker(ctx);
  forEachItemExpr(ctx.module, [&](Expr &e) { checker.check(e); });
  for (auto &f : ctx.module.files)
    for (auto &h : f->handlers)
      if (h->body)
        walkStmts(*h->body, [&](Stmt &s) {
          for (Expr *e : ownExprs(s))
            checker.check(*e);
        });
  ctx.tooDeep = checker.failed;
}
