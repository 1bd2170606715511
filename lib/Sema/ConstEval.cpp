//===- ConstEval.cpp - pass 4: constants, protocol values, opcodes -------===//
//
// Evaluates, lazily and with cycle detection, every const, the final entry
// of every protocol key (so derived values follow overrides), every handler
// opcode and every buffer's size, set and binding; then folds constValue on
// every constant subexpression of the handler bodies.
//
// In an item expression (const, protocol value, opcode, buffer attribute)
// everything must be constant and u32 arithmetic must not wrap. In a
// handler body a constant subexpression wraps like the runtime does, but a
// constant division or remainder by zero and a constant shift >= 32 are
// still errors.
//
//===----------------------------------------------------------------------===//
#include "SemaContext.h"
#include "vyre/Sema/Analysis.h"

#include <algorithm>

using namespace vyre;
using namespace vyre::sema;

FoldResult vyre::foldBinary(BinaryOp op, uint32_t a, uint32_t b) {
  FoldResult r;
  uint64_t wide;
  switch (op) {
  case BinaryOp::Add:
    wide = uint64_t(a) + b;
    r.value = static_cast<uint32_t>(wide);
    if (wide > 0xFFFFFFFFull)
      r.error = FoldError::Overflow;
    return r;
  case BinaryOp::Sub:
    r.value = a - b;
    if (b > a)
      r.error = FoldError::Overflow;
    return r;
  case BinaryOp::Mul:
    wide = uint64_t(a) * b;
    r.value = static_cast<uint32_t>(wide);
    if (wide > 0xFFFFFFFFull)
      r.error = FoldError::Overflow;
    return r;
  case BinaryOp::Div:
    if (b == 0)
      r.error = FoldError::DivisionByZero; // runtime: 0
    else
      r.value = a / b;
    return r;
  case BinaryOp::Rem:
    if (b == 0)
      r.error = FoldError::RemainderByZero; // runtime: 0
    else
      r.value = a % b;
    return r;
  case BinaryOp::BitAnd: r.value = a & b; return r;
  case BinaryOp::BitOr: r.value = a | b; return r;
  case BinaryOp::BitXor: r.value = a ^ b; return r;
  case BinaryOp::Shl:
    r.value = a << (b & 31); // runtime: amount mod 32
    if (b >= 32)
      r.error = FoldError::ShiftTooLarge;
    else if ((uint64_t(a) << b) > 0xFFFFFFFFull)
      r.error = FoldError::Overflow; // bits shifted out, like a wrapping *
    return r;
  case BinaryOp::Shr:
    r.value = a >> (b & 31);
    if (b >= 32)
      r.error = FoldError::ShiftTooLarge;
    return r;
  case BinaryOp::Eq: r.value = a == b; return r;
  case BinaryOp::Ne: r.value = a != b; return r;
  case BinaryOp::Lt: r.value = a < b; return r;
  case BinaryOp::Le: r.value = a <= b; return r;
  case BinaryOp::Gt: r.value = a > b; return r;
  case BinaryOp::Ge: r.value = a >= b; return r;
  case BinaryOp::LogicalAnd: r.value = (a != 0) && (b != 0); return r;
  case BinaryOp::LogicalOr: r.value = (a != 0) || (b != 0); return r;
  case BinaryOp::Min: r.value = std::min(a, b); return r;
  case BinaryOp::Max: r.value = std::max(a, b); return r;
  }
  return r;
}

uint32_t vyre::foldUnary(UnaryOp op, uint32_t x) {
  return op == UnaryOp::BitNot ? ~x : (x == 0 ? 1u : 0u);
}

namespace {

/// How strictly an expression is folded.
enum class Mode : uint8_t {
  Item,  // const/protocol/opcode/buffer: must be constant, must not wrap
  Body,  // handler body: fold what is constant, wrap silently
  Quiet, // an overridden protocol entry: fold, report nothing
};

class Evaluator {
public:
  explicit Evaluator(SemaContext &ctx) : ctx(ctx), diags(ctx.diags) {}

  std::optional<uint32_t> fold(Expr &e, Mode mode);
  std::optional<uint32_t> evalConst(ConstDecl &c, llvm::SMLoc ref);
  std::optional<uint32_t> evalProtocol(PV v, llvm::SMLoc ref);
  std::optional<uint32_t> evalOpcode(HandlerDecl &h, llvm::SMLoc ref);
  void foldStmt(Stmt &s);

private:
  /// Expr::tunable of \p e, from its operands' (folded just before).
  static bool readsTunable(const Expr &e);

  SemaContext &ctx;
  DiagnosticEngine &diags;
};

std::optional<uint32_t> Evaluator::evalConst(ConstDecl &c, llvm::SMLoc ref) {
  EvalState &s = ctx.constState[&c];
  if (s == EvalState::Done)
    return c.value;
  if (s == EvalState::Evaluating) {
    diags.error(ref, "const '" + c.name + "' is defined in terms of itself");
    diags.note(c.loc, "'" + c.name + "' is defined here");
    return std::nullopt;
  }
  s = EvalState::Evaluating;
  std::optional<uint32_t> v;
  if (c.init)
    v = fold(*c.init, Mode::Item);
  c.value = v;
  ctx.constState[&c] = EvalState::Done;
  return v;
}

std::optional<uint32_t> Evaluator::evalProtocol(PV v, llvm::SMLoc ref) {
  unsigned idx = static_cast<unsigned>(v);
  ProtocolEntry *e = ctx.protocolFinal[idx];
  if (!e)
    return std::nullopt; // reported once, as a missing protocol value
  EvalState &s = ctx.protocolState[idx];
  if (s == EvalState::Done)
    return e->evaluated;
  if (s == EvalState::Evaluating) {
    diags.error(ref, "protocol value '" + protocolName(v) +
                         "' is defined in terms of itself");
    diags.note(e->loc, "'" + protocolName(v) + "' is set here");
    return std::nullopt;
  }
  s = EvalState::Evaluating;
  std::optional<uint32_t> val = fold(*e->value, Mode::Item);
  e->evaluated = val;
  if (val) {
    ctx.result.protocol.set(v, *val);
    ctx.protocolKnown[idx] = true;
  }
  ctx.protocolState[idx] = EvalState::Done;
  return val;
}

std::optional<uint32_t> Evaluator::evalOpcode(HandlerDecl &h, llvm::SMLoc ref) {
  EvalState &s = ctx.opcodeState[&h];
  if (s == EvalState::Done)
    return h.opcodeValue;
  if (s == EvalState::Evaluating) {
    diags.error(ref, "the opcode of handler '" + h.name +
                         "' is defined in terms of itself");
    diags.note(h.loc, "'" + h.name + "' is defined here");
    return std::nullopt;
  }
  s = EvalState::Evaluating;
  std::optional<uint32_t> v;
  if (h.opcode)
    v = fold(*h.opcode, Mode::Item);
  h.opcodeValue = v;
  ctx.opcodeState[&h] = EvalState::Done;
  return v;
}

std::optional<uint32_t> Evaluator::fold(Expr &e, Mode mode) {
  std::optional<uint32_t> v;
  bool report = mode != Mode::Quiet;
  switch (e.kind) {
  case Expr::Kind::IntLit:
    v = llvm::cast<IntLit>(e).value;
    break;
  case Expr::Kind::BoolLit:
    v = llvm::cast<BoolLit>(e).value ? 1u : 0u;
    break;
  case Expr::Kind::Name: {
    auto &n = llvm::cast<NameExpr>(e);
    if (n.target == NameTarget::Const) {
      v = evalConst(*n.constant, n.loc);
    } else if (mode == Mode::Item && n.target != NameTarget::Unresolved) {
      diags.error(n.loc, "'" + n.name + "' is not a constant");
    }
    break;
  }
  case Expr::Kind::Member: {
    auto &m = llvm::cast<MemberExpr>(e);
    if (m.target == MemberTarget::Protocol)
      v = evalProtocol(m.protocol, m.loc);
    else if (m.target == MemberTarget::Opcode)
      v = evalOpcode(*m.handler, m.loc);
    break;
  }
  case Expr::Kind::Unary: {
    auto &u = llvm::cast<UnaryExpr>(e);
    std::optional<uint32_t> x = fold(*u.operand, mode);
    if (x && e.type != Type::Unknown)
      v = foldUnary(u.op, *x);
    break;
  }
  case Expr::Kind::Binary: {
    auto &b = llvm::cast<BinaryExpr>(e);
    std::optional<uint32_t> l = fold(*b.lhs, mode);
    std::optional<uint32_t> r = fold(*b.rhs, mode);
    if (!l || !r || e.type == Type::Unknown)
      break;
    FoldResult fr = foldBinary(b.op, *l, *r);
    switch (fr.error) {
    case FoldError::None:
      v = fr.value;
      break;
    case FoldError::Overflow:
      if (mode == Mode::Body) {
        v = fr.value; // wraps, as at run time
      } else if (report) {
        diags.error(e.loc, "constant expression overflows u32: " +
                               llvm::Twine(*l) + " " + spelling(b.op) + " " +
                               llvm::Twine(*r));
      }
      break;
    case FoldError::DivisionByZero:
      if (report)
        diags.error(e.loc, "division by zero in a constant expression");
      break;
    case FoldError::RemainderByZero:
      if (report)
        diags.error(e.loc, "remainder by zero in a constant expression");
      break;
    case FoldError::ShiftTooLarge:
      if (report)
        diags.error(e.loc, "shift amount " + llvm::Twine(*r) +
                               " is too large in a constant expression "
                               "(must be less than 32)");
      break;
    }
    break;
  }
  case Expr::Kind::Select: {
    auto &s = llvm::cast<SelectExpr>(e);
    std::optional<uint32_t> c = fold(*s.cond, mode);
    std::optional<uint32_t> a = fold(*s.ifTrue, mode);
    std::optional<uint32_t> b = fold(*s.ifFalse, mode);
    if (c && a && b && e.type != Type::Unknown)
      v = *c ? *a : *b;
    break;
  }
  case Expr::Kind::Load:
  case Expr::Kind::Atomic: {
    if (mode == Mode::Item) {
      diags.error(e.loc, "a buffer access is not a constant expression");
      break; // the operands are not folded: one diagnostic is enough
    }
    forEachChild(e, [&](Expr &sub) { fold(sub, mode); });
    break;
  }
  }
  if (e.type == Type::Unknown || e.type == Type::Void)
    v = std::nullopt;
  e.constValue = v;
  e.tunable = readsTunable(e);
  return v;
}

bool Evaluator::readsTunable(const Expr &e) {
  if (auto *m = llvm::dyn_cast<MemberExpr>(&e))
    return m->target == MemberTarget::Protocol &&
           protocolInfo(m->protocol).specId >= 0;
  // A const's init is folded (evalConst) before a name that refers to it.
  if (auto *n = llvm::dyn_cast<NameExpr>(&e))
    return n->target == NameTarget::Const && n->constant && n->constant->init &&
           n->constant->init->tunable;
  return llvm::any_of(children(e), [](const Expr *c) { return c->tunable; });
}

void Evaluator::foldStmt(Stmt &root) {
  walkStmts(root, [&](Stmt &s) {
    forEachOwnExpr(s, [&](Expr &e) { fold(e, Mode::Body); });
  });
}

} // namespace

void vyre::sema::runConstEval(SemaContext &ctx) {
  Evaluator ev(ctx);
  DiagnosticEngine &diags = ctx.diags;

  // Protocol values: every row of the table needs a final entry.
  std::vector<PV> missing;
  for (unsigned i = 0; i < kNumProtocolValues; ++i) {
    PV v = static_cast<PV>(i);
    if (!ctx.protocolFinal[i])
      missing.push_back(v);
    else
      ev.evalProtocol(v, ctx.protocolFinal[i]->loc);
  }
  llvm::SMLoc rootStart = ctx.fileStart(ctx.rootFile());
  if (!missing.empty() && missing.size() <= 4) {
    for (PV v : missing)
      diags.error(rootStart, "protocol value '" + protocolName(v) +
                                 "' is never set (the prelude sets every "
                                 "value; set it in a 'protocol { ... }' block)");
  } else if (!missing.empty()) {
    std::string list;
    for (unsigned i = 0; i < missing.size() && i < 4; ++i)
      list += (i ? ", " : "") + protocolName(missing[i]);
    diags.error(rootStart, llvm::Twine(missing.size()) +
                               " protocol values are never set (" + list +
                               ", ...); was the prelude left out?");
  }
  // Overridden entries: their value is recorded but never used.
  for (auto &[entry, pv] : ctx.protocolEntries)
    if (ctx.protocolFinal[static_cast<unsigned>(pv)] != entry)
      entry->evaluated = ev.fold(*entry->value, Mode::Quiet);

  for (auto &f : ctx.module.files) {
    for (auto &c : f->consts)
      ev.evalConst(*c, c->loc);
    for (auto &h : f->handlers)
      ev.evalOpcode(*h, h->loc);
    for (auto &b : f->buffers) {
      if (b->size) {
        b->sizeValue = ev.fold(*b->size, Mode::Item);
        if (b->sizeValue && *b->sizeValue == 0)
          diags.error(exprStart(*b->size), "buffer '" + b->name + "' has zero size");
      }
      if (b->set)
        b->setValue = ev.fold(*b->set, Mode::Item).value_or(0);
      if (b->binding)
        b->bindingValue = ev.fold(*b->binding, Mode::Item).value_or(0);
    }
  }
  for (auto &f : ctx.module.files)
    for (auto &h : f->handlers) {
      if (diags.tooManyErrors())
        return;
      if (h->body)
        ev.foldStmt(*h->body);
    }
}
