//===- Walk.cpp - children of every node and depth-safe traversals --------===//
#include "vyre/IR/Walk.h"

#include "llvm/ADT/SmallPtrSet.h"

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
