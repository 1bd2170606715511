//===- LowerHandler.cpp - handler bodies: statements and expressions ----===//
//
// Lowers one handler's tree IR into its function through the kernel
// vocabulary: `if` becomes ifThen/ifElse, `for` a loop (bounds evaluated
// once, before it), `break` breakLoop. Code after a `break` in the same
// block is unreachable and is not built.
//
// Semantics (docs/language.md): u32 arithmetic wraps; `a / 0` and `a % 0`
// are 0; shifts use `amount & 31`; `&&`/`||` evaluate both operands; every
// local is a function variable.
//
//===----------------------------------------------------------------------===//
#include "Skeleton.h"

#include "vyre/Sema/Analysis.h"

#include "llvm/ADT/DenseMap.h"

using namespace vyre;
using namespace vyre::kernel;
using llvm::cast;

namespace {

class HandlerLowering {
public:
  HandlerLowering(KernelBuilder &k, llvm::ArrayRef<Val> params,
                  std::string &error)
      : k(k), params(params), error(error) {}

  void block(const BlockStmt &blk) {
    for (const StmtPtr &s : blk.body) {
      if (!k.open())
        break; // after a `break`: unreachable, not built
      stmt(*s);
    }
  }

private:
  KernelBuilder &k;
  llvm::ArrayRef<Val> params; // kHandlerParameterOrder
  std::string &error;
  llvm::DenseMap<const LocalDecl *, Var> locals; // `var`s, loop variables
  llvm::DenseMap<const LocalDecl *, Val> lets;   // immutable `let`s
  /// Upper bounds of the immutable locals (lets, loop variables) whose
  /// bound does not go through a specializable constant: the bounds guard
  /// is left out where the index is provably inside a fixed-size buffer.
  LocalBounds localBounds;

  void fail(const std::string &msg) {
    if (error.empty())
      error = msg;
  }

  //===-- Types -----------------------------------------------------------===//

  /// Sema's types: every expression and local of a validated module has
  /// one (void only for atomic_store).
  Ty typeOf(const Expr *e) {
    if (e->type == Type::Unknown)
      fail("an expression has no type: the module was not validated");
    return e->type == Type::Bool ? Ty::Bool : Ty::U32;
  }
  Ty localType(const LocalDecl *d) {
    if (d->type == Type::Unknown)
      fail("local '" + d->name + "' has no type: the module was not validated");
    return d->type == Type::Bool ? Ty::Bool : Ty::U32;
  }

  /// Sema's Expr::tunable: such expressions are not folded to a literal.
  static bool dependsOnTunable(const Expr *e) { return e->tunable; }

  //===-- Expressions -------------------------------------------------------===//

  Val constant(Ty t, uint32_t v) {
    return t == Ty::Bool ? k.boolean(v != 0) : k.u32(v);
  }

  const BufferDecl *buffer(const BufferRef &ref) {
    if (!ref.decl)
      fail("unresolved buffer '" + ref.name + "'");
    return ref.decl;
  }

  /// Whether buf[index] needs a bounds guard (docs/protocol.md,
  /// "Robustness"): every access does, except one into a buffer of fixed
  /// size (not through a specializable constant) whose index is provably
  /// inside it: a constant Sema folded (its bounds pass already checked
  /// it), or an index whose upper bound (vyre::upperBound, the loop-bound
  /// analysis' interval rules: `x % N`, `x & M`, `min(x, N)`, loop
  /// variables, lets) is below the size. Neither the index nor the locals
  /// it reads may go through a specializable constant: a host may change
  /// those.
  bool needsGuard(const BufferDecl *d, const Expr &index) {
    if (!d || !d->size || !d->sizeValue || dependsOnTunable(d->size.get()))
      return true;
    if (dependsOnTunable(&index))
      return true;
    uint32_t bound = index.constValue ? *index.constValue
                                      : upperBound(index, &localBounds);
    return bound >= *d->sizeValue;
  }

  /// buf[index], guarded when it needs to be: evaluates the index, then
  /// \p operands (both before the check, so their side effects happen even
  /// when the access is skipped), then runs \p body on the place. Returns
  /// body's result, or 0 for a skipped access.
  Val access(const BufferRef &ref, const Expr &index, bool hasResult,
             llvm::SMLoc loc, llvm::ArrayRef<const Expr *> operands,
             llvm::function_ref<Val(Ptr p, llvm::ArrayRef<Val> ops)> body) {
    Val idx = expr(index);
    const BufferDecl *d = buffer(ref);
    if (!d)
      return 0;
    llvm::SmallVector<Val, 2> ops;
    if (!needsGuard(d, index)) {
      // The place first, then the operands.
      Ptr p = k.element(d, idx);
      for (const Expr *o : operands)
        ops.push_back(expr(*o));
      return body(p, ops);
    }
    for (const Expr *o : operands)
      ops.push_back(expr(*o));
    return k.guardedAccess(d, idx, hasResult, loc,
                           [&](Ptr p) { return body(p, ops); });
  }

  Val expr(const Expr &e) {
    if (e.constValue && !dependsOnTunable(&e))
      return constant(typeOf(&e), *e.constValue);
    switch (e.kind) {
    case Expr::Kind::IntLit:
      return k.u32(cast<IntLit>(e).value);
    case Expr::Kind::BoolLit:
      return k.boolean(cast<BoolLit>(e).value);
    case Expr::Kind::Name:
      return name(cast<NameExpr>(e));
    case Expr::Kind::Member:
      return member(cast<MemberExpr>(e));
    case Expr::Kind::Unary: {
      auto &u = cast<UnaryExpr>(e);
      Val x = expr(*u.operand);
      return k.unary(u.op, x);
    }
    case Expr::Kind::Binary:
      return binary(cast<BinaryExpr>(e));
    case Expr::Kind::Select: {
      auto &s = cast<SelectExpr>(e);
      Val c = expr(*s.cond);
      Val t = expr(*s.ifTrue);
      Val f = expr(*s.ifFalse);
      return k.select(typeOf(&e), c, t, f);
    }
    case Expr::Kind::Load: {
      auto &l = cast<LoadExpr>(e);
      return access(l.buffer, *l.index, true, l.loc, {},
                    [&](Ptr p, llvm::ArrayRef<Val>) { return k.load(p); });
    }
    case Expr::Kind::Atomic:
      return atomic(cast<AtomicExpr>(e), /*resultUsed=*/true);
    }
    return 0;
  }

  Val atomic(const AtomicExpr &a, bool resultUsed) {
    llvm::SmallVector<const Expr *, 2> operands;
    for (const ExprPtr &o : a.operands)
      operands.push_back(o.get());
    return access(a.buffer, *a.index, resultUsed && a.op != AtomicOp::Store,
                  a.loc, operands, [&](Ptr p, llvm::ArrayRef<Val> ops) {
                    return k.atomic(a.op, a.order, p, ops);
                  });
  }

  Val name(const NameExpr &n) {
    switch (n.target) {
    case NameTarget::Local: {
      if (auto let = lets.find(n.local); let != lets.end())
        return let->second;
      auto it = locals.find(n.local);
      if (it == locals.end()) {
        fail("local '" + n.name + "' used before its declaration");
        return 0;
      }
      localType(n.local);
      return k.get(it->second);
    }
    case NameTarget::Const:
      if (n.constant && n.constant->init &&
          (!n.constant->value || dependsOnTunable(n.constant->init.get())))
        return expr(*n.constant->init);
      if (n.constant && n.constant->value)
        return constant(typeOf(&n), *n.constant->value);
      break;
    case NameTarget::Input:
      return params[parameterIndex(n.input)];
    case NameTarget::Unresolved:
      break;
    }
    fail("unresolved name '" + n.name + "'");
    return 0;
  }

  Val member(const MemberExpr &m) {
    if (m.target == MemberTarget::Protocol)
      return k.protocol(m.protocol); // may be specializable
    if (m.target == MemberTarget::Opcode && m.handler->opcodeValue)
      return k.u32(*m.handler->opcodeValue);
    fail("unresolved protocol value '" + m.group + "." + m.member + "'");
    return 0;
  }

  Val binary(const BinaryExpr &e) {
    Val a = expr(*e.lhs);
    Val b = expr(*e.rhs);
    Ty operands = typeOf(e.lhs.get());
    switch (e.op) {
    case BinaryOp::Div:
    case BinaryOp::Rem: {
      // A divisor known to be non-zero needs no guard.
      if (e.rhs->constValue && *e.rhs->constValue != 0 &&
          !dependsOnTunable(e.rhs.get()))
        return k.binary(e.op, a, b);
      // x / 0 == x % 0 == 0: divide by 1 instead, then select 0.
      Val isZero = k.binary(BinaryOp::Eq, b, k.u32(0));
      Val one = k.u32(1);
      Val safe = k.select(Ty::U32, isZero, one, b);
      Val q = k.binary(e.op, a, safe);
      Val zero = k.u32(0);
      return k.select(Ty::U32, isZero, zero, q);
    }
    case BinaryOp::Shl:
    case BinaryOp::Shr: {
      Val amount = b;
      if (!(e.rhs->constValue && *e.rhs->constValue < 32 &&
            !dependsOnTunable(e.rhs.get())))
        amount = k.binary(BinaryOp::BitAnd, b, k.u32(31));
      return k.binary(e.op, a, amount);
    }
    default:
      return k.binary(e.op, a, b, operands);
    }
  }

  //===-- Statements --------------------------------------------------------===//

  Var declareLocal(const LocalDecl &d) {
    Var v = k.local(localType(&d));
    k.name(v, d.name);
    locals[&d] = v;
    return v;
  }

  void stmt(const Stmt &s) {
    k.line(s.loc);
    switch (s.kind) {
    case Stmt::Kind::Let: {
      auto &l = cast<LetStmt>(s);
      // The initializer cannot see the new binding: evaluate it first.
      Val v = expr(*l.init);
      if (l.decl.isMutable)
        k.set(declareLocal(l.decl), v);
      else
        lets[&l.decl] = k.bind(v, l.decl.name);
      if (!l.decl.isMutable && !dependsOnTunable(l.init.get()))
        localBounds[&l.decl] = upperBound(*l.init, &localBounds);
      return;
    }
    case Stmt::Kind::Assign: {
      auto &a = cast<AssignStmt>(s);
      Val v = expr(*a.value);
      auto it = locals.find(a.target);
      if (!a.target || it == locals.end()) {
        fail("unresolved assignment target '" + a.name + "'");
        return;
      }
      k.set(it->second, v);
      return;
    }
    case Stmt::Kind::Store: {
      auto &st = cast<StoreStmt>(s);
      access(st.buffer, *st.index, false, st.loc, {st.value.get()},
             [&](Ptr p, llvm::ArrayRef<Val> ops) {
               k.store(p, ops[0]);
               return Val(0);
             });
      return;
    }
    case Stmt::Kind::If:
      return ifStmt(cast<IfStmt>(s));
    case Stmt::Kind::For:
      return forStmt(cast<ForStmt>(s));
    case Stmt::Kind::Break:
      if (!loopDepth) {
        fail("'break' outside a loop");
        return;
      }
      k.breakLoop();
      return;
    case Stmt::Kind::Block:
      return block(cast<BlockStmt>(s));
    case Stmt::Kind::ExprStmt: {
      const Expr &e = *cast<ExprStmt>(s).expr;
      // `atomic_add(buf[i], v);`: the result is unused, so a guarded
      // atomic needs no result.
      if (auto *a = llvm::dyn_cast<AtomicExpr>(&e))
        atomic(*a, /*resultUsed=*/false);
      else
        expr(e);
      return;
    }
    }
  }

  unsigned loopDepth = 0;

  void ifStmt(const IfStmt &s) {
    Val cond = expr(*s.cond);
    auto thenArm = [&] { block(*s.thenBlock); };
    if (s.elseStmt)
      k.ifElse(cond, thenArm, [&] { stmt(*s.elseStmt); });
    else
      k.ifThen(cond, thenArm);
  }

  void forStmt(const ForStmt &s) {
    // Both bounds are evaluated once, before the loop.
    Val lo = expr(*s.lo);
    Val hi = expr(*s.hi);
    Var iv = declareLocal(s.var);
    k.set(iv, lo);
    // i < hi inside the body.
    if (!dependsOnTunable(s.hi.get())) {
      uint32_t hiBound = upperBound(*s.hi, &localBounds);
      localBounds[&s.var] = hiBound ? hiBound - 1 : 0;
    }
    Val i = 0;
    k.loop(
        [&] {
          k.line(s.loc);
          i = k.get(iv);
          return k.binary(BinaryOp::Lt, i, hi);
        },
        [&] {
          ++loopDepth; // `break` leaves this loop
          block(*s.body);
          --loopDepth;
        },
        [&] {
          k.line(s.loc);
          Val next = k.binary(BinaryOp::Add, i, k.u32(1));
          k.set(iv, next);
        });
  }
};

} // namespace

void vyre::kernel::lowerHandler(KernelBuilder &k, const SemaResult &,
                                const HandlerDecl &h, Fn f,
                                std::string &error) {
  k.define(f, handlerFunctionName(h), kNumHandlerInputs, std::nullopt,
           Inline::Default, handlerInputNames(),
           [&](llvm::ArrayRef<Val> params) {
             k.line(h.loc);
             HandlerLowering lowering(k, params, error);
             if (h.body)
               lowering.block(*h.body);
           });
}
