//===- Types.cpp - pass 3: expression types and statement rules ----------===//
//
// Two types of values, u32 and bool; atomic_store is void. Every Expr gets
// its type here (Unknown when it is ill-typed or refers to something that
// did not resolve; an Unknown operand never causes a second diagnostic).
// Also checks the statement rules: conditions are bool, loop bounds u32,
// assignments keep the local's type, an expression statement is an atomic,
// and atomic memory orderings fit the operation.
//
//===----------------------------------------------------------------------===//
#include "SemaContext.h"

using namespace vyre;
using namespace vyre::sema;

namespace {

class TypeChecker {
public:
  explicit TypeChecker(SemaContext &ctx) : ctx(ctx), diags(ctx.diags) {}

  Type check(Expr &e);
  void checkStmt(Stmt &s);
  /// Item expressions (protocol values, opcodes, buffer attributes) must be
  /// u32; \p what names the context for the message.
  void expectItemU32(Expr &e, llvm::StringRef what);
  Type constType(ConstDecl &c);

private:
  bool expectU32(Expr &e, const llvm::Twine &what);
  bool expectBool(Expr &e, const llvm::Twine &what);
  bool valueOk(Expr &e);

  SemaContext &ctx;
  DiagnosticEngine &diags;
  llvm::DenseMap<const ConstDecl *, EvalState> state;
  llvm::DenseMap<const ConstDecl *, Type> constTypes;
};

/// False (after an error for void) when \p e has no usable value.
bool TypeChecker::valueOk(Expr &e) {
  if (e.type == Type::Void) {
    diags.error(exprStart(e), "'atomic_store' does not produce a value");
    e.type = Type::Unknown;
    return false;
  }
  return e.type != Type::Unknown;
}

bool TypeChecker::expectU32(Expr &e, const llvm::Twine &what) {
  if (!valueOk(e))
    return false;
  if (e.type == Type::U32)
    return true;
  diags.error(exprStart(e), what + " must be u32, found " + typeName(e.type));
  return false;
}

bool TypeChecker::expectBool(Expr &e, const llvm::Twine &what) {
  if (!valueOk(e))
    return false;
  if (e.type == Type::Bool)
    return true;
  diags.error(exprStart(e), what + " must be bool, found " + typeName(e.type) +
                         " (compare with '!= 0')");
  return false;
}

Type TypeChecker::constType(ConstDecl &c) {
  EvalState &s = state[&c];
  if (s == EvalState::Done)
    return constTypes[&c];
  if (s == EvalState::Evaluating)
    return Type::Unknown; // a cycle: the Constants pass reports it
  s = EvalState::Evaluating;
  Type t = Type::Unknown;
  if (c.init) {
    t = check(*c.init);
    if (t == Type::Void) {
      valueOk(*c.init);
      t = Type::Unknown;
    }
  }
  constTypes[&c] = t;
  state[&c] = EvalState::Done;
  return t;
}

Type TypeChecker::check(Expr &e) {
  Type t = Type::Unknown;
  switch (e.kind) {
  case Expr::Kind::IntLit:
    t = Type::U32;
    break;
  case Expr::Kind::BoolLit:
    t = Type::Bool;
    break;
  case Expr::Kind::Name: {
    auto &n = llvm::cast<NameExpr>(e);
    switch (n.target) {
    case NameTarget::Local:
      t = n.local->type;
      break;
    case NameTarget::Input:
      t = Type::U32;
      break;
    case NameTarget::Const:
      t = constType(*n.constant);
      break;
    case NameTarget::Unresolved:
      break;
    }
    break;
  }
  case Expr::Kind::Member: {
    if (llvm::cast<MemberExpr>(e).target != MemberTarget::Unresolved)
      t = Type::U32;
    break;
  }
  case Expr::Kind::Unary: {
    auto &u = llvm::cast<UnaryExpr>(e);
    check(*u.operand);
    if (u.op == UnaryOp::LogicalNot) {
      if (valueOk(*u.operand)) {
        if (u.operand->type == Type::Bool)
          t = Type::Bool;
        else
          diags.error(e.loc, "operator '!' needs a bool operand, found " +
                                 typeName(u.operand->type) +
                                 " (use '~' for bitwise not)");
      }
    } else if (valueOk(*u.operand)) {
      if (u.operand->type == Type::U32)
        t = Type::U32;
      else
        diags.error(e.loc, "operator '~' needs a u32 operand, found " +
                               typeName(u.operand->type) +
                               " (use '!' for logical not)");
    }
    break;
  }
  case Expr::Kind::Binary: {
    auto &b = llvm::cast<BinaryExpr>(e);
    check(*b.lhs);
    check(*b.rhs);
    bool lok = valueOk(*b.lhs), rok = valueOk(*b.rhs);
    if (!lok || !rok)
      break;
    Type l = b.lhs->type, r = b.rhs->type;
    llvm::StringRef op = spelling(b.op);
    // Only an error needs the operator's name: build it then, not for
    // every binary expression.
    auto opName = [&] {
      return b.op == BinaryOp::Min || b.op == BinaryOp::Max
                 ? ("'" + op + "'").str()
                 : ("operator '" + op + "'").str();
    };
    if (isLogical(b.op)) {
      if (l != Type::Bool || r != Type::Bool) {
        diags.error(e.loc, opName() + " needs bool operands, but the " +
                               (l != Type::Bool ? "left" : "right") +
                               " operand is u32 (compare with '!= 0')");
        break;
      }
      t = Type::Bool;
    } else if (b.op == BinaryOp::Eq || b.op == BinaryOp::Ne) {
      if (l != r) {
        diags.error(e.loc, "cannot compare " + typeName(l) + " with " +
                               typeName(r) + " using '" + op + "'");
        break;
      }
      t = Type::Bool;
    } else {
      if (l != Type::U32 || r != Type::U32) {
        diags.error(e.loc, opName() + " needs u32 operands, but the " +
                               (l != Type::U32 ? "left" : "right") +
                               " operand is bool");
        break;
      }
      t = isComparison(b.op) ? Type::Bool : Type::U32;
    }
    break;
  }
  case Expr::Kind::Select: {
    auto &s = llvm::cast<SelectExpr>(e);
    check(*s.cond);
    check(*s.ifTrue);
    check(*s.ifFalse);
    bool cok = expectBool(*s.cond, "the condition of select");
    bool aok = valueOk(*s.ifTrue), bok = valueOk(*s.ifFalse);
    if (!cok || !aok || !bok)
      break;
    if (s.ifTrue->type != s.ifFalse->type) {
      diags.error(e.loc, "select arms have different types: " +
                             typeName(s.ifTrue->type) + " and " +
                             typeName(s.ifFalse->type));
      break;
    }
    t = s.ifTrue->type;
    break;
  }
  case Expr::Kind::Load: {
    auto &l = llvm::cast<LoadExpr>(e);
    check(*l.index);
    expectU32(*l.index, "a buffer index");
    t = Type::U32;
    break;
  }
  case Expr::Kind::Atomic: {
    auto &a = llvm::cast<AtomicExpr>(e);
    check(*a.index);
    expectU32(*a.index, "a buffer index");
    for (ExprPtr &o : a.operands) {
      check(*o);
      expectU32(*o, "an operand of " + spelling(a.op));
    }
    if (a.explicitOrder) {
      bool bad = false;
      llvm::StringRef allowed;
      if (a.op == AtomicOp::Load &&
          (a.order == MemoryOrder::Release || a.order == MemoryOrder::AcqRel)) {
        bad = true;
        allowed = "relaxed, acquire or seq_cst";
      } else if (a.op == AtomicOp::Store && (a.order == MemoryOrder::Acquire ||
                                             a.order == MemoryOrder::AcqRel)) {
        bad = true;
        allowed = "relaxed, release or seq_cst";
      }
      if (bad)
        diags.error(a.orderLoc, spelling(a.op) + " cannot use '" +
                                    spelling(a.order) + "' ordering (use " +
                                    allowed + ")");
    }
    t = a.op == AtomicOp::Store ? Type::Void : Type::U32;
    break;
  }
  }
  e.type = t;
  return t;
}

void TypeChecker::expectItemU32(Expr &e, llvm::StringRef what) {
  check(e);
  if (!valueOk(e))
    return;
  if (e.type != Type::U32) {
    diags.error(exprStart(e), what + " must be u32, found " + typeName(e.type));
    e.type = Type::Unknown;
  }
}

void TypeChecker::checkStmt(Stmt &s) {
  switch (s.kind) {
  case Stmt::Kind::Let: {
    auto &l = llvm::cast<LetStmt>(s);
    check(*l.init);
    l.decl.type = valueOk(*l.init) ? l.init->type : Type::Unknown;
    return;
  }
  case Stmt::Kind::Assign: {
    auto &a = llvm::cast<AssignStmt>(s);
    check(*a.value);
    if (!valueOk(*a.value) || !a.target || a.target->type == Type::Unknown)
      return;
    if (a.value->type != a.target->type)
      diags.error(exprStart(*a.value), "cannot assign a " + typeName(a.value->type) +
                                    " value to '" + a.name + "' of type " +
                                    typeName(a.target->type));
    return;
  }
  case Stmt::Kind::Store: {
    auto &st = llvm::cast<StoreStmt>(s);
    check(*st.index);
    expectU32(*st.index, "a buffer index");
    check(*st.value);
    expectU32(*st.value, "a value stored to a buffer");
    return;
  }
  case Stmt::Kind::If: {
    auto &i = llvm::cast<IfStmt>(s);
    check(*i.cond);
    expectBool(*i.cond, "an 'if' condition");
    checkStmt(*i.thenBlock);
    if (i.elseStmt)
      checkStmt(*i.elseStmt);
    return;
  }
  case Stmt::Kind::For: {
    auto &f = llvm::cast<ForStmt>(s);
    f.var.type = Type::U32;
    check(*f.lo);
    expectU32(*f.lo, "a loop bound");
    check(*f.hi);
    expectU32(*f.hi, "a loop bound");
    checkStmt(*f.body);
    return;
  }
  case Stmt::Kind::Break:
    return;
  case Stmt::Kind::Block:
    for (StmtPtr &c : llvm::cast<BlockStmt>(s).body)
      if (c)
        checkStmt(*c);
    return;
  case Stmt::Kind::ExprStmt: {
    auto &es = llvm::cast<ExprStmt>(s);
    check(*es.expr);
    if (!llvm::isa<AtomicExpr>(es.expr.get()))
      diags.error(exprStart(*es.expr), "expression result unused (only atomic "
                                "operations may stand alone as statements)");
    return;
  }
  }
}

} // namespace

void vyre::sema::runTypeCheck(SemaContext &ctx) {
  TypeChecker tc(ctx);
  for (auto &f : ctx.module.files) {
    for (auto &c : f->consts)
      tc.constType(*c);
    for (auto &block : f->protocolBlocks)
      for (ProtocolEntry &e : block)
        tc.expectItemU32(*e.value, "a protocol value");
    for (auto &h : f->handlers)
      tc.expectItemU32(*h->opcode, "an opcode");
    for (auto &b : f->buffers) {
      if (b->size)
        tc.expectItemU32(*b->size, "a buffer size");
      if (b->set)
        tc.expectItemU32(*b->set, "a descriptor set");
      tc.expectItemU32(*b->binding, "a binding");
    }
  }
  for (auto &f : ctx.module.files)
    for (auto &h : f->handlers) {
      if (ctx.diags.tooManyErrors())
        return;
      tc.checkStmt(*h->body);
    }
}
