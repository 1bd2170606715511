//===- FunctionEmitter.cpp - handler bodies: statements and expressions --===//
//
// Lowers one handler's tree IR to a SPIR-V function with structured control
// flow: `if` becomes an OpSelectionMerge diamond, `for` an OpLoopMerge loop
// (header / body / continue / merge blocks), `break` a branch to the
// innermost loop's merge block. Code after a `break` in the same block is
// unreachable and is not emitted.
//
// Semantics (docs/language.md): u32 arithmetic wraps; `a / 0` and `a % 0`
// are 0; shifts use `amount & 31`; `&&`/`||` evaluate both operands;
// `for` bounds are evaluated once before the loop; every local is a
// Function-storage variable declared in the function's first block.
//
//===----------------------------------------------------------------------===//
#include "EmitInternal.h"

#include "vyre/Sema/Analysis.h"

#include <spirv/unified1/GLSL.std.450.h>

using namespace vyre;
using namespace vyre::emit;
using llvm::cast;

namespace {

class FunctionEmitter {
public:
  FunctionEmitter(ModuleContext &ctx, FunctionBuilder &fb, HandlerParams p)
      : ctx(ctx), b(ctx.b), fb(fb), p(p) {}

  void emitBlock(const BlockStmt &blk) {
    for (const StmtPtr &s : blk.body) {
      if (!fb.open())
        break; // after a `break`: unreachable, not emitted
      emitStmt(*s);
    }
  }

private:
  ModuleContext &ctx;
  SpirvBuilder &b;
  FunctionBuilder &fb;
  HandlerParams p;
  llvm::DenseMap<const LocalDecl *, uint32_t> locals; // -> Function variable
  std::vector<uint32_t> loopMerges;
  /// Upper bounds of the immutable locals (lets, loop variables) whose
  /// bound does not go through a specialization constant: the bounds guard
  /// is left out where the index is provably inside a fixed-size buffer.
  LocalBounds localBounds;

  //===-- Types -----------------------------------------------------------===//

  /// Sema's types: every expression and local of a validated module has
  /// one (void only for atomic_store).
  Type typeOf(const Expr *e) {
    if (e->type == Type::Unknown)
      ctx.fail("an expression has no type: the module was not validated");
    return e->type;
  }
  Type localType(const LocalDecl *d) {
    if (d->type == Type::Unknown)
      ctx.fail("local '" + d->name +
               "' has no type: the module was not validated");
    return d->type;
  }

  uint32_t typeId(Type t) {
    return t == Type::Bool ? ctx.boolT() : ctx.u32();
  }

  //===-- Tunables ----------------------------------------------------------===//

  /// Sema's Expr::tunable: such expressions are not folded to a literal.
  static bool dependsOnTunable(const Expr *e) { return e->tunable; }

  //===-- Expressions -------------------------------------------------------===//

  uint32_t constant(Type t, uint32_t v) {
    return t == Type::Bool ? b.constBool(v != 0) : ctx.c(v);
  }

  const BufferDecl *buffer(const BufferRef &ref) {
    if (!ref.decl)
      ctx.fail("unresolved buffer '" + ref.name + "'");
    return ref.decl;
  }

  /// Whether buf[index] needs a bounds guard (docs/protocol.md,
  /// "Robustness"): every access does, except one into a buffer of fixed
  /// size (not through a specialization constant) whose index is provably
  /// inside it: a constant Sema folded (its bounds pass already checked
  /// it), or an index whose upper bound (vyre::upperBound, the loop-bound
  /// analysis' interval rules: `x % N`, `x & M`, `min(x, N)`, loop
  /// variables, lets) is below the size. Neither the index nor the locals
  /// it reads may go through a specialization constant: a host may change
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
  /// when the access is skipped), then runs \p body on the word pointer.
  /// Returns body's result, or 0 for a skipped access.
  uint32_t access(const BufferRef &ref, const Expr &index, bool hasResult,
                  llvm::SMLoc loc, llvm::ArrayRef<const Expr *> operands,
                  llvm::function_ref<uint32_t(uint32_t ptr,
                                              llvm::ArrayRef<uint32_t> ops)>
                      body) {
    uint32_t idx = emitExpr(index);
    const BufferDecl *d = buffer(ref);
    if (!d)
      return b.newId();
    llvm::SmallVector<uint32_t, 2> ops;
    if (!needsGuard(d, index)) {
      // The place (its OpAccessChain) first, then the operands.
      uint32_t ptr = ctx.wordPointer(fb, d, idx);
      for (const Expr *o : operands)
        ops.push_back(emitExpr(*o));
      return body(ptr, ops);
    }
    for (const Expr *o : operands)
      ops.push_back(emitExpr(*o));
    return ctx.guardedAccess(fb, d, idx, hasResult, loc,
                             [&](uint32_t ptr) { return body(ptr, ops); });
  }

  uint32_t emitExpr(const Expr &e) {
    if (e.constValue && !dependsOnTunable(&e))
      return constant(typeOf(&e), *e.constValue);
    switch (e.kind) {
    case Expr::Kind::IntLit:
      return ctx.c(cast<IntLit>(e).value);
    case Expr::Kind::BoolLit:
      return b.constBool(cast<BoolLit>(e).value);
    case Expr::Kind::Name:
      return emitName(cast<NameExpr>(e));
    case Expr::Kind::Member:
      return emitMember(cast<MemberExpr>(e));
    case Expr::Kind::Unary: {
      auto &u = cast<UnaryExpr>(e);
      uint32_t x = emitExpr(*u.operand);
      if (u.op == UnaryOp::LogicalNot)
        return fb.op(spv::Op::OpLogicalNot, ctx.boolT(), {x});
      return fb.op(spv::Op::OpNot, ctx.u32(), {x});
    }
    case Expr::Kind::Binary:
      return emitBinary(cast<BinaryExpr>(e));
    case Expr::Kind::Select: {
      auto &s = cast<SelectExpr>(e);
      uint32_t c = emitExpr(*s.cond);
      uint32_t t = emitExpr(*s.ifTrue);
      uint32_t f = emitExpr(*s.ifFalse);
      return fb.op(spv::Op::OpSelect, typeId(typeOf(&e)), {c, t, f});
    }
    case Expr::Kind::Load: {
      auto &l = cast<LoadExpr>(e);
      return access(l.buffer, *l.index, true, l.loc, {},
                    [&](uint32_t ptr, llvm::ArrayRef<uint32_t>) {
                      return ctx.loadWord(fb, ptr);
                    });
    }
    case Expr::Kind::Atomic:
      return emitAtomic(cast<AtomicExpr>(e), /*resultUsed=*/true);
    }
    return 0;
  }

  uint32_t emitAtomic(const AtomicExpr &a, bool resultUsed) {
    llvm::SmallVector<const Expr *, 2> operands;
    for (const ExprPtr &o : a.operands)
      operands.push_back(o.get());
    return access(a.buffer, *a.index, resultUsed && a.op != AtomicOp::Store,
                  a.loc, operands,
                  [&](uint32_t ptr, llvm::ArrayRef<uint32_t> ops) {
                    return ctx.atomic(fb, a.op, a.order, ptr, ops);
                  });
  }

  uint32_t emitName(const NameExpr &n) {
    switch (n.target) {
    case NameTarget::Local: {
      auto it = locals.find(n.local);
      if (it == locals.end()) {
        ctx.fail("local '" + n.name + "' used before its declaration");
        return b.newId();
      }
      uint32_t t = typeId(localType(n.local));
      return fb.op(spv::Op::OpLoad, t, {it->second});
    }
    case NameTarget::Const:
      if (n.constant && n.constant->init &&
          (!n.constant->value || dependsOnTunable(n.constant->init.get())))
        return emitExpr(*n.constant->init);
      if (n.constant && n.constant->value)
        return constant(typeOf(&n), *n.constant->value);
      break;
    case NameTarget::Input:
      return p[n.input];
    case NameTarget::Unresolved:
      break;
    }
    ctx.fail("unresolved name '" + n.name + "'");
    return b.newId();
  }

  uint32_t emitMember(const MemberExpr &m) {
    if (m.target == MemberTarget::Protocol)
      return ctx.protocolValue(m.protocol); // may be a spec constant
    if (m.target == MemberTarget::Opcode && m.handler->opcodeValue)
      return ctx.c(*m.handler->opcodeValue);
    ctx.fail("unresolved protocol value '" + m.group + "." + m.member + "'");
    return b.newId();
  }

  uint32_t emitBinary(const BinaryExpr &e) {
    uint32_t a = emitExpr(*e.lhs);
    uint32_t c = emitExpr(*e.rhs);
    uint32_t u32 = ctx.u32(), boolT = ctx.boolT();
    bool boolOperands = typeOf(e.lhs.get()) == Type::Bool;
    switch (e.op) {
    case BinaryOp::Add: return fb.op(spv::Op::OpIAdd, u32, {a, c});
    case BinaryOp::Sub: return fb.op(spv::Op::OpISub, u32, {a, c});
    case BinaryOp::Mul: return fb.op(spv::Op::OpIMul, u32, {a, c});
    case BinaryOp::Div:
    case BinaryOp::Rem: {
      spv::Op op = e.op == BinaryOp::Div ? spv::Op::OpUDiv : spv::Op::OpUMod;
      // A divisor known to be non-zero needs no guard.
      if (e.rhs->constValue && *e.rhs->constValue != 0 &&
          !dependsOnTunable(e.rhs.get()))
        return fb.op(op, u32, {a, c});
      // x / 0 == x % 0 == 0: divide by 1 instead, then select 0.
      uint32_t isZero = fb.op(spv::Op::OpIEqual, boolT, {c, ctx.c(0)});
      uint32_t safe = fb.op(spv::Op::OpSelect, u32, {isZero, ctx.c(1), c});
      uint32_t q = fb.op(op, u32, {a, safe});
      return fb.op(spv::Op::OpSelect, u32, {isZero, ctx.c(0), q});
    }
    case BinaryOp::BitAnd: return fb.op(spv::Op::OpBitwiseAnd, u32, {a, c});
    case BinaryOp::BitOr: return fb.op(spv::Op::OpBitwiseOr, u32, {a, c});
    case BinaryOp::BitXor: return fb.op(spv::Op::OpBitwiseXor, u32, {a, c});
    case BinaryOp::Shl:
    case BinaryOp::Shr: {
      uint32_t amount = c;
      if (!(e.rhs->constValue && *e.rhs->constValue < 32 &&
            !dependsOnTunable(e.rhs.get())))
        amount = fb.op(spv::Op::OpBitwiseAnd, u32, {c, ctx.c(31)});
      return fb.op(e.op == BinaryOp::Shl ? spv::Op::OpShiftLeftLogical
                                         : spv::Op::OpShiftRightLogical,
                   u32, {a, amount});
    }
    case BinaryOp::Eq:
      return fb.op(boolOperands ? spv::Op::OpLogicalEqual : spv::Op::OpIEqual,
                   boolT, {a, c});
    case BinaryOp::Ne:
      return fb.op(boolOperands ? spv::Op::OpLogicalNotEqual
                                : spv::Op::OpINotEqual,
                   boolT, {a, c});
    case BinaryOp::Lt: return fb.op(spv::Op::OpULessThan, boolT, {a, c});
    case BinaryOp::Le: return fb.op(spv::Op::OpULessThanEqual, boolT, {a, c});
    case BinaryOp::Gt: return fb.op(spv::Op::OpUGreaterThan, boolT, {a, c});
    case BinaryOp::Ge:
      return fb.op(spv::Op::OpUGreaterThanEqual, boolT, {a, c});
    case BinaryOp::LogicalAnd:
      return fb.op(spv::Op::OpLogicalAnd, boolT, {a, c});
    case BinaryOp::LogicalOr:
      return fb.op(spv::Op::OpLogicalOr, boolT, {a, c});
    case BinaryOp::Min:
    case BinaryOp::Max:
      return fb.op(spv::Op::OpExtInst, u32,
                   {b.glslStd450(),
                    static_cast<uint32_t>(e.op == BinaryOp::Min ? GLSLstd450UMin
                                                                : GLSLstd450UMax),
                    a, c});
    }
    return 0;
  }

  //===-- Statements --------------------------------------------------------===//

  uint32_t declareLocal(const LocalDecl &d) {
    uint32_t var = fb.localVariable(
        b.typePointer(spv::StorageClass::Function, typeId(localType(&d))));
    b.name(var, d.name);
    locals[&d] = var;
    return var;
  }

  void emitStmt(const Stmt &s) {
    ctx.line(fb, s.loc);
    switch (s.kind) {
    case Stmt::Kind::Let: {
      auto &l = cast<LetStmt>(s);
      // The initializer cannot see the new binding: evaluate it first.
      uint32_t v = emitExpr(*l.init);
      uint32_t var = declareLocal(l.decl);
      fb.opVoid(spv::Op::OpStore, {var, v});
      if (!l.decl.isMutable && !dependsOnTunable(l.init.get()))
        localBounds[&l.decl] = upperBound(*l.init, &localBounds);
      return;
    }
    case Stmt::Kind::Assign: {
      auto &a = cast<AssignStmt>(s);
      uint32_t v = emitExpr(*a.value);
      auto it = locals.find(a.target);
      if (!a.target || it == locals.end()) {
        ctx.fail("unresolved assignment target '" + a.name + "'");
        return;
      }
      fb.opVoid(spv::Op::OpStore, {it->second, v});
      return;
    }
    case Stmt::Kind::Store: {
      auto &st = cast<StoreStmt>(s);
      access(st.buffer, *st.index, false, st.loc, {st.value.get()},
             [&](uint32_t ptr, llvm::ArrayRef<uint32_t> ops) {
               ctx.storeWord(fb, ptr, ops[0]);
               return 0u;
             });
      return;
    }
    case Stmt::Kind::If:
      return emitIf(cast<IfStmt>(s));
    case Stmt::Kind::For:
      return emitFor(cast<ForStmt>(s));
    case Stmt::Kind::Break:
      if (loopMerges.empty()) {
        ctx.fail("'break' outside a loop");
        return;
      }
      fb.terminate(spv::Op::OpBranch, {loopMerges.back()});
      return;
    case Stmt::Kind::Block:
      return emitBlock(cast<BlockStmt>(s));
    case Stmt::Kind::ExprStmt: {
      const Expr &e = *cast<ExprStmt>(s).expr;
      // `atomic_add(buf[i], v);`: the result is unused, so a guarded
      // atomic needs no OpPhi.
      if (auto *a = llvm::dyn_cast<AtomicExpr>(&e))
        emitAtomic(*a, /*resultUsed=*/false);
      else
        emitExpr(e);
      return;
    }
    }
  }

  void emitIf(const IfStmt &s) {
    uint32_t cond = emitExpr(*s.cond);
    auto thenArm = [&] { emitBlock(*s.thenBlock); };
    if (s.elseStmt)
      fb.ifElse(cond, thenArm, [&] { emitStmt(*s.elseStmt); });
    else
      fb.ifThen(cond, thenArm);
  }

  void emitFor(const ForStmt &s) {
    // Both bounds are evaluated once, before the loop.
    uint32_t lo = emitExpr(*s.lo);
    uint32_t hi = emitExpr(*s.hi);
    uint32_t iv = declareLocal(s.var);
    fb.opVoid(spv::Op::OpStore, {iv, lo});
    // i < hi inside the body.
    if (!dependsOnTunable(s.hi.get())) {
      uint32_t hiBound = upperBound(*s.hi, &localBounds);
      localBounds[&s.var] = hiBound ? hiBound - 1 : 0;
    }
    uint32_t i = 0;
    fb.loop(
        [&](const FunctionBuilder::Loop &) {
          ctx.line(fb, s.loc);
          i = fb.op(spv::Op::OpLoad, ctx.u32(), {iv});
          return fb.op(spv::Op::OpULessThan, ctx.boolT(), {i, hi});
        },
        [&](const FunctionBuilder::Loop &l) {
          loopMerges.push_back(l.merge); // `break` branches here
          emitBlock(*s.body);
          loopMerges.pop_back();
        },
        [&](const FunctionBuilder::Loop &) {
          ctx.line(fb, s.loc);
          uint32_t next = fb.op(spv::Op::OpIAdd, ctx.u32(), {i, ctx.c(1)});
          fb.opVoid(spv::Op::OpStore, {iv, next});
        });
  }
};

} // namespace

std::string vyre::emit::handlerFunctionName(const HandlerDecl &h) {
  return "handler_" + h.name;
}

void vyre::emit::emitHandlerFunction(ModuleContext &ctx, const HandlerDecl &h,
                                     uint32_t fnId) {
  SpirvBuilder &b = ctx.b;
  uint32_t u32 = ctx.u32();
  std::vector<uint32_t> paramTypes(kNumHandlerInputs, u32);
  uint32_t fnType = b.typeFunction(ctx.voidT(), paramTypes);
  FunctionBuilder fb(b, fnId, ctx.voidT(), fnType);
  b.name(fnId, handlerFunctionName(h));
  HandlerParams p;
  for (HandlerInput in : kHandlerParameterOrder)
    p[in] = fb.param(u32);
  for (HandlerInput in : kHandlerParameterOrder)
    b.name(p[in], spelling(in));
  fb.beginBody();
  ctx.line(fb, h.loc);
  FunctionEmitter fe(ctx, fb, p);
  if (h.body)
    fe.emitBlock(*h.body);
  fb.finish();
}
