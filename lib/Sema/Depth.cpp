//===- Depth.cpp - pass 2: no expression deeper than kMaxExprDepth --------===//
//
// The parser bounds each expression tree; this pass bounds an expression
// with the consts, protocol values and opcodes it names expanded, which is
// how deep the later passes recurse (the type checker and the constant
// evaluator follow those references; the emitter and the interpreter
// inline consts that depend on a specialization constant). It builds on
// the heights the parser stored, expands each named tree once, and reports
// the one expression where a chain first crosses the limit. When it
// reports, validation stops: the later passes would recurse too deep.
//
//===----------------------------------------------------------------------===//
#include "SemaContext.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

using namespace vyre;
using namespace vyre::sema;

namespace {

/// The parser stores each tree's own height (Expr::height, at most
/// kMaxExprDepth), so only the references add anything: a const's name,
/// a protocol value and an opcode stand for another tree, the *target*
/// (a const's initializer, a protocol entry's value, a handler's opcode).
/// Targets are few and shared, so their expanded heights are memoized;
/// a chain of targets can be as long as the program, so they are
/// finished by an explicit depth-first walk over targets (finishTargets),
/// never by recursion. Within one tree, height() recurses, which the
/// parser's bound keeps shallow.
class DepthChecker {
public:
  explicit DepthChecker(SemaContext &ctx) : ctx(ctx) {}

  /// Checks an item's expression (a const's value, a protocol value, an
  /// opcode, a buffer attribute) with everything it names expanded. It may
  /// be named later, so its height is memoized.
  void checkItem(Expr &root) { targetHeight(root); }
  /// Checks an expression of a statement, which nothing names. Call after
  /// every item: a node at depth d adds at most 1 + (the tallest target)
  /// to d < root.height, so a tree that cannot cross the limit that way is
  /// not walked at all.
  void checkStatement(Expr &root) {
    if (root.height + tallestTarget() > kMaxExprDepth)
      height(root);
  }
  /// The tallest expanded height of any target (every target is an item,
  /// so all are finished once the items are checked).
  unsigned tallestTarget() {
    if (!tallest) {
      unsigned t = 0;
      for (auto &kv : finished)
        t = std::max(t, kv.second);
      tallest = t;
    }
    return *tallest;
  }
  bool failed = false;

private:
  /// The target a name or `group.KEY` stands for, or null.
  Expr *referenced(Expr &e) const;
  /// The expanded height of the tree at \p e; reports the node where it
  /// first crosses kMaxExprDepth. Every target it names must be finished
  /// or on finishTargets's path (a cycle, counted 0: the Constants pass
  /// reports it) -- or height() finishes it first.
  unsigned height(Expr &e);
  /// Expanded height of target \p t, finishing it (and every target it
  /// reaches) first if needed.
  unsigned targetHeight(Expr &t);
  void finishTargets(Expr &start);

  SemaContext &ctx;
  llvm::DenseMap<const Expr *, unsigned> finished; // targets
  llvm::DenseSet<const Expr *> inProgress;         // on the target path
  std::optional<unsigned> tallest;                 // see tallestTarget()
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

unsigned DepthChecker::height(Expr &e) {
  unsigned below = 0;
  if (Expr *t = referenced(e)) {
    below = targetHeight(*t);
  } else {
    // Last operand first: the order the diagnostics came in when this
    // pass walked with an explicit stack.
    llvm::SmallVector<Expr *, 3> kids;
    forEachChild(e, [&](Expr &c) { kids.push_back(&c); });
    for (size_t i = kids.size(); i-- > 0;)
      below = std::max(below, height(*kids[i]));
  }
  // Report where the limit is crossed, not at every expression above it.
  if (below + 1 > kMaxExprDepth && below <= kMaxExprDepth) {
    failed = true;
    ctx.diags.error(e.loc, "expression too deep: more than " +
                               llvm::Twine(kMaxExprDepth) +
                               " levels once the consts, "
                               "protocol values and opcodes it names are "
                               "expanded");
  }
  return below + 1;
}

unsigned DepthChecker::targetHeight(Expr &t) {
  if (auto it = finished.find(&t); it != finished.end())
    return it->second;
  if (inProgress.count(&t))
    return 0; // a cycle
  finishTargets(t);
  return finished.lookup(&t);
}

void DepthChecker::finishTargets(Expr &start) {
  llvm::SmallVector<std::pair<Expr *, bool>, 16> stack{{&start, false}};
  while (!stack.empty()) {
    auto [t, expanded] = stack.back();
    if (finished.count(t)) {
      stack.pop_back();
      continue;
    }
    if (!expanded) {
      stack.back().second = true;
      inProgress.insert(t);
      walkPreOrder(*t, [&](Expr &e) {
        if (Expr *r = referenced(e))
          if (!finished.count(r) && !inProgress.count(r))
            stack.push_back({r, false});
      });
      continue;
    }
    stack.pop_back();
    // Every target t names is finished now, or on the path (a cycle), so
    // this does not come back here.
    unsigned h = height(*t);
    inProgress.erase(t);
    finished[t] = h;
  }
}

} // namespace

void vyre::sema::runDepthCheck(SemaContext &ctx) {
  DepthChecker checker(ctx);
  forEachItemExpr(ctx.module, [&](Expr &e) { checker.checkItem(e); });
  // A handler body's trees are at most as tall as the file's tallest tree
  // (the parser's number): when even that one plus the tallest named tree
  // stays within the limit, no statement needs a look.
  unsigned tallestTree = 0;
  for (auto &f : ctx.module.files)
    tallestTree = std::max(tallestTree, f->tallestExpr);
  if (tallestTree <= kMaxExprDepth &&
      tallestTree + checker.tallestTarget() <= kMaxExprDepth) {
    ctx.tooDeep = checker.failed;
    return;
  }
  for (auto &f : ctx.module.files)
    for (auto &h : f->handlers)
      if (h->body)
        walkStmts(*h->body, [&](Stmt &s) {
          forEachOwnExpr(s, [&](Expr &e) { checker.checkStatement(e); });
        });
  ctx.tooDeep = checker.failed;
}
