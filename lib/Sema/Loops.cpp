//===- Loops.cpp - pass 8: loop trip-count bounds ------------------------===//
//
// A persistent megakernel must not hang in a handler. Every `for` loop's
// upper bound `hi` gets an interval upper bound (upperBound below); when it
// may exceed kLoopTripLimit (1 << 20) the loop is reported with a warning
// (an error under -Werror). A loop that only polls memory until a `break`
// (no stores, no writing atomics) gets the more specific "spin loop"
// warning instead.
//
//===----------------------------------------------------------------------===//
#include "SemaContext.h"
#include "vyre/Sema/Analysis.h"

#include <algorithm>

using namespace vyre;
using namespace vyre::sema;

static constexpr uint32_t kUnbounded = 0xFFFFFFFFu;

/// All ones up to the highest set bit of \p x: a bound for | and ^.
static uint32_t smear(uint32_t x) {
  x |= x >> 1;
  x |= x >> 2;
  x |= x >> 4;
  x |= x >> 8;
  x |= x >> 16;
  return x;
}

uint32_t vyre::upperBound(const Expr &e, const LocalBounds *locals) {
  if (e.constValue)
    return *e.constValue;
  switch (e.kind) {
  case Expr::Kind::Name: {
    auto &n = llvm::cast<NameExpr>(e);
    if (n.target == NameTarget::Local && locals)
      if (auto it = locals->find(n.local); it != locals->end())
        return it->second;
    return kUnbounded;
  }
  case Expr::Kind::Binary: {
    auto &b = llvm::cast<BinaryExpr>(e);
    if (isComparison(b.op) || isLogical(b.op))
      return 1;
    uint64_t l = upperBound(*b.lhs, locals);
    uint64_t r = upperBound(*b.rhs, locals);
    auto clamp = [](uint64_t x) {
      return x > kUnbounded ? kUnbounded : static_cast<uint32_t>(x);
    };
    switch (b.op) {
    case BinaryOp::Min:
    case BinaryOp::BitAnd:
      return static_cast<uint32_t>(std::min(l, r));
    case BinaryOp::Max:
      return static_cast<uint32_t>(std::max(l, r));
    case BinaryOp::BitOr:
    case BinaryOp::BitXor:
      return smear(static_cast<uint32_t>(std::max(l, r)));
    case BinaryOp::Rem:
      // a % b < b, and a % b <= a; a % 0 is 0 at run time.
      return static_cast<uint32_t>(std::min(l, r == 0 ? 0 : r - 1));
    case BinaryOp::Div:
      // The divisor is at least 1 (a / 0 is 0), so a / b <= a; a constant
      // divisor divides the bound.
      if (b.rhs->constValue && *b.rhs->constValue != 0)
        return static_cast<uint32_t>(l / *b.rhs->constValue);
      return static_cast<uint32_t>(l);
    case BinaryOp::Shr:
      if (b.rhs->constValue)
        return static_cast<uint32_t>(l >> (*b.rhs->constValue & 31));
      return static_cast<uint32_t>(l);
    case BinaryOp::Shl:
      if (b.rhs->constValue)
        return (l << (*b.rhs->constValue & 31)) > kUnbounded
                   ? kUnbounded
                   : static_cast<uint32_t>(l << (*b.rhs->constValue & 31));
      return kUnbounded;
    case BinaryOp::Add:
      // Wrapping: a sum that may overflow may be anything.
      return l + r > kUnbounded ? kUnbounded : clamp(l + r);
    case BinaryOp::Mul:
      return l * r > kUnbounded ? kUnbounded : clamp(l * r);
    case BinaryOp::Sub:
      // a - b <= a unless it wraps; a constant 0 - ... or unknown lower
      // bounds make that unprovable, so only `a - b` with b known to be 0
      // keeps a's bound.
      return r == 0 ? static_cast<uint32_t>(l) : kUnbounded;
    default:
      return kUnbounded;
    }
  }
  case Expr::Kind::Select: {
    auto &s = llvm::cast<SelectExpr>(e);
    return std::max(upperBound(*s.ifTrue, locals),
                    upperBound(*s.ifFalse, locals));
  }
  case Expr::Kind::Unary:
    return llvm::cast<UnaryExpr>(e).op == UnaryOp::LogicalNot ? 1 : kUnbounded;
  case Expr::Kind::BoolLit:
    return 1;
  default:
    return kUnbounded; // loads, atomics, handler inputs, vars
  }
}

namespace {

/// True when \p e names a const, protocol value or opcode whose evaluation
/// failed (already reported): its bound says nothing.
bool hasFailedConstant(Expr &e) {
  return anyNode(
      e,
      [](const Expr &x) {
        return (llvm::isa<MemberExpr>(x) ||
                (llvm::isa<NameExpr>(x) &&
                 llvm::cast<NameExpr>(x).target == NameTarget::Const)) &&
               !x.constValue;
      },
      /*throughConsts=*/false);
}

class LoopChecker {
public:
  explicit LoopChecker(SemaContext &ctx) : ctx(ctx), diags(ctx.diags) {}
  void visit(Stmt &s);

private:
  /// True when \p body writes nothing (no stores, assignments to outer
  /// vars, or writing atomics) and contains a `break`: it only polls.
  bool onlyPolls(BlockStmt &body);

  SemaContext &ctx;
  DiagnosticEngine &diags;
  LocalBounds bounds;
};

bool LoopChecker::onlyPolls(BlockStmt &body) {
  bool hasBreak = false, writes = false;
  walkStmts(body, [&](Stmt &s) {
    if (llvm::isa<BreakStmt>(s))
      hasBreak = true;
    else if (llvm::isa<StoreStmt>(s))
      writes = true;
  });
  walkExprs(body, [&](Expr &e) {
    if (auto *a = llvm::dyn_cast<AtomicExpr>(&e))
      if (a->op != AtomicOp::Load)
        writes = true;
  });
  return hasBreak && !writes;
}

void LoopChecker::visit(Stmt &s) {
  switch (s.kind) {
  case Stmt::Kind::Let: {
    auto &l = llvm::cast<LetStmt>(s);
    if (!l.decl.isMutable && l.init && l.decl.type == Type::U32)
      bounds[&l.decl] = upperBound(*l.init, &bounds);
    return;
  }
  case Stmt::Kind::Block:
    for (StmtPtr &c : llvm::cast<BlockStmt>(s).body)
      if (c)
        visit(*c);
    return;
  case Stmt::Kind::If: {
    auto &i = llvm::cast<IfStmt>(s);
    visit(*i.thenBlock);
    if (i.elseStmt)
      visit(*i.elseStmt);
    return;
  }
  case Stmt::Kind::For: {
    auto &f = llvm::cast<ForStmt>(s);
    if (f.hi && f.hi->type == Type::U32 && !hasFailedConstant(*f.hi)) {
      uint32_t hi = upperBound(*f.hi, &bounds);
      if (hi > kLoopTripLimit) {
        // A constant 0xFFFFFFFF is exactly known, not the kUnbounded sentinel.
        std::string bound = f.hi->constValue ? std::to_string(hi)
                            : hi == kUnbounded ? "unbounded"
                                               : "up to " + std::to_string(hi);
        if (onlyPolls(*f.body))
          diags.warning(DiagGroup::SpinLoop, f.loc, "spin loop with no iteration cap: it polls "
                               "memory until a 'break', and its upper bound "
                               "is " + bound + "; cap it, e.g. min(hi, "
                               "io.POLL_LIMIT)");
        else
          diags.warning(DiagGroup::LoopBound, f.loc, "loop bound is not provably at most " +
                                       std::to_string(kLoopTripLimit) +
                                       " (it is " + bound +
                                       "); clamp it, e.g. min(hi, N)");
      }
      bounds[&f.var] = hi == 0 ? 0 : hi - 1;
    }
    visit(*f.body);
    return;
  }
  default:
    return;
  }
}

} // namespace

void vyre::sema::runLoopChecks(SemaContext &ctx) {
  LoopChecker lc(ctx);
  for (auto &f : ctx.module.files)
    for (auto &h : f->handlers)
      lc.visit(*h->body);
}
