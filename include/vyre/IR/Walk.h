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

namespace vyre {

/// The deepest expression tree any stage accepts: the parser rejects a
/// deeper tree (counting every operator of a flat chain such as
/// `1 + 1 + ... + 1`), and Sema a deeper expression once the consts,
/// protocol values and opcodes it names are expanded (docs/language.md,
/// "Limits"). Recursive stages (type checking, folding, emission, the
/// interpreter, the printer) rely on it to bound their stack.
constexpr unsigned kMaxExprDepth = 1024;

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
/// walks of one expression tree.
void walkPreOrder(Expr &root, llvm::function_ref<void(Expr &)> fn);
void walkPostOrder(Expr &root, llvm::function_ref<void(Expr &)> fn);

/// Pre-order walk of a statement tree.
void walkStmts(Stmt &root, llvm::function_ref<void(Stmt &)> fn);
/// Every expression of a statement tree, each tree in pre-order.
void walkExprs(Stmt &root, llvm::function_ref<void(Expr &)> fn);

/// True if \p pred holds for a node of \p root's tree or, when
/// \p throughConsts, of the initializer of a const it names (each const
/// looked at once).
bool anyNode(const Expr &root, llvm::function_ref<bool(const Expr &)> pred,
             bool throughConsts);

} // namespace vyre

#endif
