//===- Walk.cpp - children of every node and depth-safe traversals --------===//
#include "vyre/IR/Walk.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Support/Compiler.h"

#include <algorithm>

using namespace vyre;
using llvm::cast;

llvm::SmallVector<Expr *, 3> vyre::children(Expr &e) {
  llvm::SmallVector<Expr *, 3> out;
  forEachChild(e, [&](Expr &c) { out.push_back(&c); });
  return out;
}

llvm::SmallVector<const Expr *, 3> vyre::children(const Expr &e) {
  llvm::SmallVector<const Expr *, 3> out;
  forEachChild(const_cast<Expr &>(e), [&](Expr &c) { out.push_back(&c); });
  return out;
}

llvm::SmallVector<Stmt *, 4> vyre::children(Stmt &s) {
  llvm::SmallVector<Stmt *, 4> out;
  forEachChild(s, [&](Stmt &c) { out.push_back(&c); });
  return out;
}

llvm::SmallVector<Expr *, 2> vyre::ownExprs(Stmt &s) {
  llvm::SmallVector<Expr *, 2> out;
  forEachOwnExpr(s, [&](Expr &e) { out.push_back(&e); });
  return out;
}

/// Pushes \p e's operands so that the first one is on top.
static inline void pushChildren(llvm::SmallVectorImpl<Expr *> &stack, Expr &e) {
  // Every node has at most three operands (a select, a compare-exchange).
  Expr *kids[3];
  unsigned n = 0;
  bool more = false;
  forEachChild(e, [&](Expr &c) {
    if (n < 3)
      kids[n++] = &c;
    else
      more = true;
  });
  if (LLVM_UNLIKELY(more)) { // not built by the parser; keep it general
    size_t before = stack.size();
    forEachChild(e, [&](Expr &c) { stack.push_back(&c); });
    std::reverse(stack.begin() + before, stack.end());
    return;
  }
  while (n)
    stack.push_back(kids[--n]);
}

void vyre::walkPreOrder(Expr &root, llvm::function_ref<void(Expr &)> fn) {
  llvm::SmallVector<Expr *, 32> stack{&root};
  while (!stack.empty()) {
    Expr *e = stack.pop_back_val();
    fn(*e);
    pushChildren(stack, *e);
  }
}

void vyre::walkPostOrder(Expr &root, llvm::function_ref<void(Expr &)> fn) {
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

/// Pre-order over a statement tree, calling \p fn(Stmt &) directly (no
/// function_ref) for the walks below.
template <typename Fn> static void preOrderStmts(Stmt &root, Fn &&fn) {
  llvm::SmallVector<Stmt *, 32> stack{&root};
  while (!stack.empty()) {
    Stmt *s = stack.pop_back_val();
    fn(*s);
    size_t before = stack.size();
    forEachChild(*s, [&](Stmt &c) { stack.push_back(&c); });
    std::reverse(stack.begin() + before, stack.end());
  }
}

void vyre::walkStmts(Stmt &root, llvm::function_ref<void(Stmt &)> fn) {
  preOrderStmts(root, fn);
}

void vyre::walkExprs(Stmt &root, llvm::function_ref<void(Expr &)> fn) {
  llvm::SmallVector<Expr *, 32> exprs;
  preOrderStmts(root, [&](Stmt &s) {
    // Each own expression's tree in turn, in pre-order.
    forEachOwnExpr(s, [&](Expr &top) {
      exprs.push_back(&top);
      while (!exprs.empty()) {
        Expr *e = exprs.pop_back_val();
        fn(*e);
        pushChildren(exprs, *e);
      }
    });
  });
}

bool vyre::anyNode(const Expr &root, llvm::function_ref<bool(const Expr &)> pred,
                   bool throughConsts) {
  llvm::SmallPtrSet<const ConstDecl *, 8> seen;
  llvm::SmallVector<const Expr *, 32> stack{&root};
  while (!stack.empty()) {
    const Expr *e = stack.pop_back_val();
    if (pred(*e))
      return true;
    forEachChild(const_cast<Expr &>(*e), [&](Expr &c) { stack.push_back(&c); });
    if (auto *n = llvm::dyn_cast<NameExpr>(e); n && throughConsts &&
        n->target == NameTarget::Const && n->constant && n->constant->init &&
        seen.insert(n->constant).second)
      stack.push_back(n->constant->init.get());
  }
  return false;
}
