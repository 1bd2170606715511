//===- Walk.cpp - children of every node and depth-safe traversals --------===//
#include "vyre/IR/Walk.h"

#include "llvm/ADT/SmallPtrSet.h"

#include <algorithm>

using namespace vyre;
using llvm::cast;

llvm::SmallVector<Expr *, 3> vyre::children(Expr &e) {
  llvm::SmallVector<Expr *, 3> out;
  auto add = [&](ExprPtr &p) {
    if (p)
      out.push_back(p.get());
  };
  switch (e.kind) {
  case Expr::Kind::IntLit:
  case Expr::Kind::BoolLit:
  case Expr::Kind::Name:
  case Expr::Kind::Member:
    break;
  case Expr::Kind::Unary:
    add(cast<UnaryExpr>(e).operand);
    break;
  case Expr::Kind::Binary:
    add(cast<BinaryExpr>(e).lhs);
    add(cast<BinaryExpr>(e).rhs);
    break;
  case Expr::Kind::Select: {
    auto &s = cast<SelectExpr>(e);
    add(s.cond);
    add(s.ifTrue);
    add(s.ifFalse);
    break;
  }
  case Expr::Kind::Load:
    add(cast<LoadExpr>(e).index);
    break;
  case Expr::Kind::Atomic: {
    auto &a = cast<AtomicExpr>(e);
    add(a.index);
    for (ExprPtr &o : a.operands)
      add(o);
    break;
  }
  }
  return out;
}

llvm::SmallVector<const Expr *, 3> vyre::children(const Expr &e) {
  llvm::SmallVector<const Expr *, 3> out;
  for (Expr *c : children(const_cast<Expr &>(e)))
    out.push_back(c);
  return out;
}

llvm::SmallVector<Stmt *, 4> vyre::children(Stmt &s) {
  llvm::SmallVector<Stmt *, 4> out;
  switch (s.kind) {
  case Stmt::Kind::Block:
    for (StmtPtr &c : cast<BlockStmt>(s).body)
      if (c)
        out.push_back(c.get());
    break;
  case Stmt::Kind::If: {
    auto &i = cast<IfStmt>(s);
    if (i.thenBlock)
      out.push_back(i.thenBlock.get());
    if (i.elseStmt)
      out.push_back(i.elseStmt.get());
    break;
  }
  case Stmt::Kind::For:
    if (auto &b = cast<ForStmt>(s).body)
      out.push_back(b.get());
    break;
  case Stmt::Kind::Let:
  case Stmt::Kind::Assign:
  case Stmt::Kind::Store:
  case Stmt::Kind::Break:
  case Stmt::Kind::ExprStmt:
    break;
  }
  return out;
}

llvm::SmallVector<Expr *, 2> vyre::ownExprs(Stmt &s) {
  llvm::SmallVector<Expr *, 2> out;
  auto add = [&](ExprPtr &p) {
    if (p)
      out.push_back(p.get());
  };
  switch (s.kind) {
  case Stmt::Kind::Let:
    add(cast<LetStmt>(s).init);
    break;
  case Stmt::Kind::Assign:
    add(cast<AssignStmt>(s).value);
    break;
  case Stmt::Kind::Store:
    add(cast<StoreStmt>(s).index);
    add(cast<StoreStmt>(s).value);
    break;
  case Stmt::Kind::If:
    add(cast<IfStmt>(s).cond);
    break;
  case Stmt::Kind::For:
    add(cast<ForStmt>(s).lo);
    add(cast<ForStmt>(s).hi);
    break;
  case Stmt::Kind::ExprStmt:
    add(cast<ExprStmt>(s).expr);
    break;
  case Stmt::Kind::Break:
  case Stmt::Kind::Block:
    break;
  }
  return out;
}

void vyre::walkPreOrder(Expr &root, llvm::function_ref<void(Expr &)> fn) {
  llvm::SmallVector<Expr *, 32> stack{&root};
  while (!stack.empty()) {
    Expr *e = stack.pop_back_val();
    fn(*e);
    llvm::SmallVector<Expr *, 3> kids = children(*e);
    stack.append(kids.rbegin(), kids.rend()); // first operand on top
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
    llvm::SmallVector<Expr *, 3> kids = children(*e);
    for (auto it = kids.rbegin(); it != kids.rend(); ++it)
      stack.push_back({*it, false});
  }
}

void vyre::walkStmts(Stmt &root, llvm::function_ref<void(Stmt &)> fn) {
  llvm::SmallVector<Stmt *, 32> stack{&root};
  while (!stack.empty()) {
    Stmt *s = stack.pop_back_val();
    fn(*s);
    llvm::SmallVector<Stmt *, 4> kids = children(*s);
    stack.append(kids.rbegin(), kids.rend());
  }
}

void vyre::walkExprs(Stmt &root, llvm::function_ref<void(Expr &)> fn) {
  walkStmts(root, [&](Stmt &s) {
    for (Expr *e : ownExprs(s))
      walkPreOrder(*e, fn);
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
    llvm::SmallVector<const Expr *, 3> kids = children(*e);
    stack.append(kids.begin(), kids.end());
    if (auto *n = llvm::dyn_cast<NameExpr>(e); n && throughConsts &&
        n->target == NameTarget::Const && n->constant && n->constant->init &&
        seen.insert(n->constant).second)
      stack.push_back(n->constant->init.get());
  }
  return false;
}
