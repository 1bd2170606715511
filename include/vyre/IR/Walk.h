//===- Walk.h - children of every node and depth-safe traversals ----------===//
//
// The one place that knows which nodes hold which children (as Clang's
// Stmt::children()); every pass that walks the tree goes through it, so a
// new Expr or Stmt kind is added here once. The walks keep an explicit stack
// instead of recursing, so no input overflows the C++ stack through them.
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_IR_WALK_H
#define VYRE_IR_WALK_H

#include "vyre/IR/IR.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <algorithm>

namespace vyre {

/// The deepest expression tree any stage accepts: the parser rejects a
/// deeper tree (counting every operator of a flat chain such as
/// `1 + 1 + ... + 1`), and Sema a deeper expression once the consts,
/// protocol values and opcodes it names are expanded (docs/language.md,
/// "Limits"). Recursive stages (type checking, folding, emission, the
/// interpreter, the printer) rely on it to bound their stack.
constexpr unsigned kMaxExprDepth = 1024;

/// Calls \p fn(Expr &) on each direct operand of \p e in source order
/// (missing ones skipped). The one switch over expression kinds; children()
/// and the walks below are built on it.
template <typename Fn> void forEachChild(Expr &e, Fn &&fn);
/// Calls \p fn(Stmt &) on each statement directly inside \p s.
template <typename Fn> void forEachChild(Stmt &s, Fn &&fn);
/// Calls \p fn(Expr &) on each expression \p s holds itself.
template <typename Fn> void forEachOwnExpr(Stmt &s, Fn &&fn);

/// The direct operands of \p e in source order (missing ones skipped).
llvm::SmallVector<Expr *, 3> children(Expr &e);
llvm::SmallVector<const Expr *, 3> children(const Expr &e);

/// The statements directly inside \p s (a block's body, an if's branches, a
/// loop's body).
llvm::SmallVector<Stmt *, 4> children(Stmt &s);

/// The expressions \p s holds itself, not those of its sub-statements (a
/// let's initializer, an if's condition, a loop's bounds, ...).
llvm::SmallVector<Expr *, 2> ownExprs(Stmt &s);

/// Pre-order (a node before its operands) and post-order (operands first)
/// walks of one expression tree. The walks are templates over the
/// callback: every pass walks every node, and an indirect call per node
/// was a large part of Sema.
template <typename Fn> void walkPreOrder(Expr &root, Fn &&fn);
template <typename Fn> void walkPostOrder(Expr &root, Fn &&fn);

/// Pre-order walk of a statement tree.
template <typename Fn> void walkStmts(Stmt &root, Fn &&fn);
/// Every expression of a statement tree, each tree in pre-order.
template <typename Fn> void walkExprs(Stmt &root, Fn &&fn);

/// True if \p pred holds for a node of \p root's tree or, when
/// \p throughConsts, of the initializer of a const it names (each const
/// looked at once).
bool anyNode(const Expr &root, llvm::function_ref<bool(const Expr &)> pred,
             bool throughConsts);

//===-- Implementation of the forEach templates ---------------------------===//

template <typename Fn> void forEachChild(Expr &e, Fn &&fn) {
  auto visit = [&](ExprPtr &p) {
    if (p)
      fn(*p);
  };
  switch (e.kind) {
  case Expr::Kind::IntLit:
  case Expr::Kind::BoolLit:
  case Expr::Kind::Name:
  case Expr::Kind::Member:
    return;
  case Expr::Kind::Unary:
    visit(llvm::cast<UnaryExpr>(e).operand);
    return;
  case Expr::Kind::Binary:
    visit(llvm::cast<BinaryExpr>(e).lhs);
    visit(llvm::cast<BinaryExpr>(e).rhs);
    return;
  case Expr::Kind::Select: {
    auto &s = llvm::cast<SelectExpr>(e);
    visit(s.cond);
    visit(s.ifTrue);
    visit(s.ifFalse);
    return;
  }
  case Expr::Kind::Load:
    visit(llvm::cast<LoadExpr>(e).index);
    return;
  case Expr::Kind::Atomic: {
    auto &a = llvm::cast<AtomicExpr>(e);
    visit(a.index);
    for (ExprPtr &o : a.operands)
      visit(o);
    return;
  }
  }
}

template <typename Fn> void forEachChild(Stmt &s, Fn &&fn) {
  switch (s.kind) {
  case Stmt::Kind::Block:
    for (StmtPtr &c : llvm::cast<BlockStmt>(s).body)
      if (c)
        fn(*c);
    return;
  case Stmt::Kind::If: {
    auto &i = llvm::cast<IfStmt>(s);
    if (i.thenBlock)
      fn(*i.thenBlock);
    if (i.elseStmt)
      fn(*i.elseStmt);
    return;
  }
  case Stmt::Kind::For:
    if (auto &b = llvm::cast<ForStmt>(s).body)
      fn(*b);
    return;
  case Stmt::Kind::Let:
  case Stmt::Kind::Assign:
  case Stmt::Kind::Store:
  case Stmt::Kind::Break:
  case Stmt::Kind::ExprStmt:
    return;
  }
}

template <typename Fn> void forEachOwnExpr(Stmt &s, Fn &&fn) {
  auto visit = [&](ExprPtr &p) {
    if (p)
      fn(*p);
  };
  switch (s.kind) {
  case Stmt::Kind::Let:
    visit(llvm::cast<LetStmt>(s).init);
    return;
  case Stmt::Kind::Assign:
    visit(llvm::cast<AssignStmt>(s).value);
    return;
  case Stmt::Kind::Store:
    visit(llvm::cast<StoreStmt>(s).index);
    visit(llvm::cast<StoreStmt>(s).value);
    return;
  case Stmt::Kind::If:
    visit(llvm::cast<IfStmt>(s).cond);
    return;
  case Stmt::Kind::For:
    visit(llvm::cast<ForStmt>(s).lo);
    visit(llvm::cast<ForStmt>(s).hi);
    return;
  case Stmt::Kind::ExprStmt:
    visit(llvm::cast<ExprStmt>(s).expr);
    return;
  case Stmt::Kind::Break:
  case Stmt::Kind::Block:
    return;
  }
}

namespace detail {
/// Pushes \p e's operands so that the first one is on top.
inline void pushChildren(llvm::SmallVectorImpl<Expr *> &stack, Expr &e) {
  size_t before = stack.size();
  forEachChild(e, [&](Expr &c) { stack.push_back(&c); });
  std::reverse(stack.begin() + before, stack.end());
}
} // namespace detail

template <typename Fn> void walkPreOrder(Expr &root, Fn &&fn) {
  llvm::SmallVector<Expr *, 32> stack{&root};
  while (!stack.empty()) {
    Expr *e = stack.pop_back_val();
    fn(*e);
    detail::pushChildren(stack, *e);
  }
}

template <typename Fn> void walkPostOrder(Expr &root, Fn &&fn) {
  // (node, whether its operands are already on the stack)
  llvm::SmallVector<std::pair<Expr *, bool>, 32> stack{{&root, false}};
  while (!stack.empty()) {
    auto [e, expanded] = stack.back();
    if (expanded) {
      stack.pop_back();
      fn(*e);
      continue;
    }
    stack.back().second = true;
    size_t before = stack.size();
    forEachChild(*e, [&](Expr &c) { stack.push_back({&c, false}); });
    std::reverse(stack.begin() + before, stack.end());
  }
}

template <typename Fn> void walkStmts(Stmt &root, Fn &&fn) {
  llvm::SmallVector<Stmt *, 32> stack{&root};
  while (!stack.empty()) {
    Stmt *s = stack.pop_back_val();
    fn(*s);
    size_t before = stack.size();
    forEachChild(*s, [&](Stmt &c) { stack.push_back(&c); });
    std::reverse(stack.begin() + before, stack.end());
  }
}

template <typename Fn> void walkExprs(Stmt &root, Fn &&fn) {
  llvm::SmallVector<Expr *, 32> exprs;
  walkStmts(root, [&](Stmt &s) {
    // Each own expression's tree in turn, in pre-order.
    forEachOwnExpr(s, [&](Expr &top) {
      exprs.push_back(&top);
      while (!exprs.empty()) {
        Expr *e = exprs.pop_back_val();
        fn(*e);
        detail::pushChildren(exprs, *e);
      }
    });
  });
}

} // namespace vyre

#endif
