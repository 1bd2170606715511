//===- FuzzMutate.cpp - structure-aware fuzzing of valid programs ---------===//
//
// LLVMFuzzerCustomMutator parses the current input with vyre's own parser,
// mutates the tree (swap operators, atomic ops and memory orders; replace
// integer literals with boundary values; duplicate, delete or insert
// statements; wrap a statement in an `if` or a `for`; replace an expression
// with a handler input or a clamp) and prints it back with the canonical
// printer, so most mutants still parse and many still validate: the deep
// passes (bounds, loops) and the backend see them. Inputs that do not parse
// fall back to libFuzzer's byte-level mutations. Now and then a whole-input
// mutation adds an imported file (FuzzCommon.h's `//--- NAME` files, with
// cycles and overrides), hundreds of handlers or a flat chain of thousands
// of terms or consts, up to libFuzzer's -max_len.
//
// The target is fuzz-compile's property plus the printer round trip.
//
//===----------------------------------------------------------------------===//
#include "FuzzCommon.h"

#include "vyre/IR/Printer.h"

#include "llvm/Support/Casting.h"
#include "llvm/Support/raw_ostream.h"

#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace vyre;
using llvm::dyn_cast;

extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t maxSize);

namespace {

/// Every mutable spot of one parsed file.
struct Spots {
  std::vector<ExprPtr *> exprs;      // any expression slot
  std::vector<BinaryExpr *> binaries;
  std::vector<UnaryExpr *> unaries;
  std::vector<IntLit *> ints;
  std::vector<AtomicExpr *> atomics;
  std::vector<std::vector<StmtPtr> *> blocks; // handler bodies and blocks
  std::vector<std::vector<StmtPtr> *> loopBlocks; // blocks inside a loop

  void expr(ExprPtr &e) {
    if (!e)
      return;
    exprs.push_back(&e);
    switch (e->kind) {
    case Expr::Kind::IntLit:
      ints.push_back(llvm::cast<IntLit>(e.get()));
      break;
    case Expr::Kind::Unary: {
      auto *u = llvm::cast<UnaryExpr>(e.get());
      unaries.push_back(u);
      expr(u->operand);
      break;
    }
    case Expr::Kind::Binary: {
      auto *b = llvm::cast<BinaryExpr>(e.get());
      binaries.push_back(b);
      expr(b->lhs);
      expr(b->rhs);
      break;
    }
    case Expr::Kind::Select: {
      auto *s = llvm::cast<SelectExpr>(e.get());
      expr(s->cond);
      expr(s->ifTrue);
      expr(s->ifFalse);
      break;
    }
    case Expr::Kind::Load:
      expr(llvm::cast<LoadExpr>(e.get())->index);
      break;
    case Expr::Kind::Atomic: {
      auto *a = llvm::cast<AtomicExpr>(e.get());
      atomics.push_back(a);
      expr(a->index);
      for (ExprPtr &o : a->operands)
        expr(o);
      break;
    }
    default:
      break;
    }
  }

  void block(BlockStmt *b, bool inLoop) {
    if (!b)
      return;
    blocks.push_back(&b->body);
    if (inLoop)
      loopBlocks.push_back(&b->body);
    for (StmtPtr &s : b->body)
      stmt(s.get(), inLoop);
  }

  void stmt(Stmt *s, bool inLoop) {
    if (!s)
      return;
    switch (s->kind) {
    case Stmt::Kind::Let:
      expr(llvm::cast<LetStmt>(s)->init);
      break;
    case Stmt::Kind::Assign:
      expr(llvm::cast<AssignStmt>(s)->value);
      break;
    case Stmt::Kind::Store: {
      auto *st = llvm::cast<StoreStmt>(s);
      expr(st->index);
      expr(st->value);
      break;
    }
    case Stmt::Kind::If: {
      auto *i = llvm::cast<IfStmt>(s);
      expr(i->cond);
      block(i->thenBlock.get(), inLoop);
      stmt(i->elseStmt.get(), inLoop);
      break;
    }
    case Stmt::Kind::For: {
      auto *f = llvm::cast<ForStmt>(s);
      expr(f->lo);
      expr(f->hi);
      block(f->body.get(), true);
      break;
    }
    case Stmt::Kind::Block:
      block(llvm::cast<BlockStmt>(s), inLoop);
      break;
    case Stmt::Kind::ExprStmt:
      expr(llvm::cast<ExprStmt>(s)->expr);
      break;
    case Stmt::Kind::Break:
      break;
    }
  }

  void file(SourceFile &f) {
    for (auto &c : f.consts)
      expr(c->init);
    for (auto &b : f.buffers) {
      expr(b->size);
      expr(b->set);
      expr(b->binding);
    }
    for (auto &blk : f.protocolBlocks)
      for (ProtocolEntry &e : blk)
        expr(e.value);
    for (auto &h : f.handlers) {
      expr(h->opcode);
      block(h->body.get(), false);
    }
  }
};

const uint32_t kBoundary[] = {0,          1,          2,          3,
                              7,          8,          15,         16,
                              31,         32,         33,         63,
                              64,         255,        256,        1023,
                              1024,       1025,       0xFFEF,     0xFFF0,
                              0xFFFF,     0x10000,    1u << 20,   (1u << 20) + 1,
                              0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFFFFFE,
                              0xFFFFFFFF};

/// Source text of statements and expressions the mutator splices in. They
/// use only the prelude's names and the handler inputs.
const char *const kStmtPool[] = {
    "atomic_add(control[control.OBSERVABLE_BASE + 1], arg0);",
    "atomic_store(control[control.OBSERVABLE_BASE + (arg0 % control.OBSERVABLE_WORDS)], arg1, release);",
    "control[control.OBSERVABLE_BASE + 2] = arg2;",
    "break;",
    "if arg0 == 0 { atomic_max(control[control.OBSERVABLE_BASE], arg1, seq_cst); } else { atomic_min(control[control.OBSERVABLE_BASE], arg2); }",
    "for fz_i in 0..min(arg2, 8) { atomic_xor(control[control.OBSERVABLE_BASE + fz_i], fz_i); }",
    "let fz_v = atomic_compare_exchange(control[control.OBSERVABLE_BASE + 3], arg0, arg1, acq_rel);",
    "var fz_w = select(arg0 < arg1, arg0 / arg1, arg0 % (arg1 | 1));",
    "{ atomic_sub(debug_log[debug.CURSOR_WORD], 0, acquire); }",
    "atomic_exchange(io_queue[arg0 % 512], arg1 << 31);",
};
const char *const kExprPool[] = {
    "arg0", "arg1", "arg2", "slot_base", "opcode", "0", "0xFFFFFFFF", "true",
    "false", "control.WORDS", "slot.COUNT", "min(arg0, 32)", "max(arg1, 1)",
    "(arg0 >> 31)", "~arg2", "!(arg0 == arg1)", "atomic_load(control[0], acquire)",
    "ring_buffer[slot_base + slot.ARG0_WORD]", "kernel.ITERATION_BUDGET",
    "io.POLL_LIMIT",
};

/// Parses `handler H = 8 { <text> }` and returns its first statement, or
/// null. \p keep owns the text the statement's locations point into.
StmtPtr parseStmt(const std::string &text, std::vector<std::shared_ptr<void>> &keep) {
  SourceFile f;
  std::shared_ptr<void> k;
  if (!fuzz::parseText("handler FZ = 8 {\n" + text + "\n}\n", f, &k) ||
      f.handlers.empty() || f.handlers[0]->body->body.empty())
    return nullptr;
  keep.push_back(k);
  return std::move(f.handlers[0]->body->body[0]);
}

ExprPtr parseExpr(const std::string &text, std::vector<std::shared_ptr<void>> &keep) {
  SourceFile f;
  std::shared_ptr<void> k;
  if (!fuzz::parseText("const FZ = " + text + ";\n", f, &k) || f.consts.empty())
    return nullptr;
  keep.push_back(k);
  return std::move(f.consts[0]->init);
}

std::string stmtText(const Stmt &s) {
  std::string t;
  llvm::raw_string_ostream os(t);
  printStmt(s, os);
  os.flush();
  return t;
}

std::string exprText(const Expr &e) {
  std::string t;
  llvm::raw_string_ostream os(t);
  printExpr(e, os);
  os.flush();
  return t;
}

template <class T> T &pick(std::vector<T> &v, std::mt19937 &rng) {
  return v[rng() % v.size()];
}

BinaryOp randomOpLike(BinaryOp old, std::mt19937 &rng) {
  static const BinaryOp arith[] = {BinaryOp::Add, BinaryOp::Sub, BinaryOp::Mul,
                                   BinaryOp::Div, BinaryOp::Rem, BinaryOp::BitAnd,
                                   BinaryOp::BitOr, BinaryOp::BitXor, BinaryOp::Shl,
                                   BinaryOp::Shr, BinaryOp::Min, BinaryOp::Max};
  static const BinaryOp cmp[] = {BinaryOp::Eq, BinaryOp::Ne, BinaryOp::Lt,
                                 BinaryOp::Le, BinaryOp::Gt, BinaryOp::Ge};
  static const BinaryOp logic[] = {BinaryOp::LogicalAnd, BinaryOp::LogicalOr,
                                   BinaryOp::Eq, BinaryOp::Ne};
  if (rng() % 8 == 0) // any operator: mostly type errors, sometimes not
    return static_cast<BinaryOp>(rng() % (static_cast<unsigned>(BinaryOp::Max) + 1));
  if (isLogical(old))
    return logic[rng() % std::size(logic)];
  if (isComparison(old))
    return cmp[rng() % std::size(cmp)];
  return arith[rng() % std::size(arith)];
}

/// One structural mutation; false if it found nothing to change.
bool mutateOnce(SourceFile &f, std::mt19937 &rng,
                std::vector<std::shared_ptr<void>> &keep) {
  Spots s;
  s.file(f);
  switch (rng() % 12) {
  case 0: // swap an operator
    if (s.binaries.empty())
      return false;
    {
      BinaryExpr *b = pick(s.binaries, rng);
      b->op = randomOpLike(b->op, rng);
    }
    return true;
  case 1:
  case 2: // a boundary literal
    if (s.ints.empty())
      return false;
    {
      IntLit *lit = pick(s.ints, rng);
      switch (rng() % 4) {
      case 0: lit->value += 1; break;
      case 1: lit->value -= 1; break;
      default: lit->value = kBoundary[rng() % std::size(kBoundary)]; break;
      }
      lit->hex = rng() % 2;
    }
    return true;
  case 3: // duplicate a statement
    if (s.blocks.empty())
      return false;
    {
      std::vector<StmtPtr> &b = *pick(s.blocks, rng);
      if (b.empty())
        return false;
      size_t i = rng() % b.size();
      StmtPtr copy = parseStmt(stmtText(*b[i]), keep);
      if (!copy)
        return false;
      b.insert(b.begin() + i + 1, std::move(copy));
    }
    return true;
  case 4: // delete a statement
    if (s.blocks.empty())
      return false;
    {
      std::vector<StmtPtr> &b = *pick(s.blocks, rng);
      if (b.empty())
        return false;
      b.erase(b.begin() + rng() % b.size());
    }
    return true;
  case 5:
  case 6: { // wrap a statement in an if or a for
    if (s.blocks.empty())
      return false;
    std::vector<StmtPtr> &b = *pick(s.blocks, rng);
    if (b.empty())
      return false;
    size_t i = rng() % b.size();
    std::string inner = stmtText(*b[i]);
    std::string text;
    static unsigned counter = 0;
    uint32_t k = kBoundary[rng() % std::size(kBoundary)];
    switch (rng() % 4) {
    case 0: text = "if arg0 < " + std::to_string(k) + " {\n" + inner + "}"; break;
    case 1: text = "if arg1 == arg2 {\n" + inner + "} else {\n" + inner + "}"; break;
    case 2:
      text = "for fz_l" + std::to_string(counter++) + " in 0.." +
             std::to_string(k) + " {\n" + inner + "}";
      break;
    default:
      text = "for fz_l" + std::to_string(counter++) + " in arg0..min(arg1, " +
             std::to_string(k) + ") {\n" + inner + "}";
      break;
    }
    StmtPtr wrapped = parseStmt(text, keep);
    if (!wrapped)
      return false;
    b[i] = std::move(wrapped);
    return true;
  }
  case 7: { // insert a statement from the pool
    if (s.blocks.empty())
      return false;
    std::vector<StmtPtr> &b = rng() % 2 && !s.loopBlocks.empty()
                                  ? *pick(s.loopBlocks, rng)
                                  : *pick(s.blocks, rng);
    StmtPtr st = parseStmt(kStmtPool[rng() % std::size(kStmtPool)], keep);
    if (!st)
      return false;
    b.insert(b.begin() + (b.empty() ? 0 : rng() % (b.size() + 1)), std::move(st));
    return true;
  }
  case 8: { // atomic op / ordering
    if (s.atomics.empty())
      return false;
    AtomicExpr *a = pick(s.atomics, rng);
    if (rng() % 2) {
      a->order = static_cast<MemoryOrder>(rng() % 5);
      a->explicitOrder = true;
    } else {
      // Keep the operand count valid for the printer: only swap among ops
      // with the same number of value operands.
      AtomicOp op = static_cast<AtomicOp>(rng() % 11);
      if (atomicValueOperands(op) == atomicValueOperands(a->op))
        a->op = op;
    }
    return true;
  }
  case 9: { // unary operator flip or removal of a negation
    if (s.unaries.empty())
      return false;
    UnaryExpr *u = pick(s.unaries, rng);
    u->op = u->op == UnaryOp::BitNot ? UnaryOp::LogicalNot : UnaryOp::BitNot;
    return true;
  }
  case 10: { // replace an expression with one from the pool
    if (s.exprs.empty())
      return false;
    ExprPtr e = parseExpr(kExprPool[rng() % std::size(kExprPool)], keep);
    if (!e)
      return false;
    *pick(s.exprs, rng) = std::move(e);
    return true;
  }
  default: { // clamp or wrap an expression
    if (s.exprs.empty())
      return false;
    ExprPtr *slot = pick(s.exprs, rng);
    std::string inner = exprText(**slot);
    uint32_t k = kBoundary[rng() % std::size(kBoundary)];
    std::string text;
    switch (rng() % 4) {
    case 0: text = "min(" + inner + ", " + std::to_string(k) + ")"; break;
    case 1: text = "(" + inner + ") % " + std::to_string(k); break;
    case 2: text = "select(arg0 == 1, " + inner + ", " + inner + ")"; break;
    default: text = "(" + inner + ") << " + std::to_string(k % 40); break;
    }
    ExprPtr e = parseExpr(text, keep);
    if (!e)
      return false;
    *slot = std::move(e);
    return true;
  }
  }
}

//===-- Whole-input mutations, on the text ----------------------------------===//
// They build what tree edits of a small file never reach: several files with
// imports (and cycles), hundreds of handlers, flat chains of thousands of
// terms. They work on text, so the mutator itself never walks a deep tree.

/// Where the files after the root begin (the first `//--- ` line), or npos.
size_t tailStart(llvm::StringRef text) {
  if (text.startswith(fuzz::kFileMarker))
    return 0;
  size_t p = text.find(std::string("\n") + fuzz::kFileMarker);
  return p == llvm::StringRef::npos ? p : p + 1;
}

std::string fill(std::string t, const std::string &n, const std::string &file) {
  for (size_t p; (p = t.find("%N")) != std::string::npos;)
    t.replace(p, 2, n);
  for (size_t p; (p = t.find("%F")) != std::string::npos;)
    t.replace(p, 2, file);
  return t;
}

/// A new file the root imports, under one of the spellings the loader must
/// see through, holding a handler, a const, a protocol override (some break
/// the prelude's rules) or an import back to the root or itself (a cycle).
std::string addImport(const std::string &root, const std::string &tail,
                      std::mt19937 &rng) {
  std::string n = std::to_string(rng() % 1000);
  std::string file = "fz" + n + ".vyre";
  static const char *const spellings[] = {"", "./", "../fuzz/", "/fuzz/"};
  static const char *const bodies[] = {
      "handler FZ_IMP%N = 0x1%N { atomic_add(control[control.OBSERVABLE_BASE], arg0); }\n",
      "const FZ_IC%N = 7;\n",
      "protocol { control.OBSERVABLE_WORDS = 64; }\n",
      "protocol { slot.WORDS = 3; io.SLOT_COUNT = 0; }\n",
      "import \"input.vyre\";\nconst FZ_IC%N = 1;\n",
      "import \"./%F\";\n",
      "import \"../fuzz/input.vyre\";\n",
      "import \"fz%N.vyre\";\n",
  };
  std::string importLine =
      "import \"" + std::string(spellings[rng() % std::size(spellings)]) + file + "\";\n";
  std::string body = fill(bodies[rng() % std::size(bodies)], n, file);
  std::string r = importLine + root;
  if (!r.empty() && r.back() != '\n')
    r += '\n';
  return r + tail + fuzz::kFileMarker + file + "\n" + body;
}

/// How long a chain to build: short, around the 1024-level expression
/// limit (docs/language.md, Limits: both sides of it), or far past it.
size_t chainLength(std::mt19937 &rng) {
  switch (rng() % 3) {
  case 0: return 1 + rng() % 64;
  case 1: return 1000 + rng() % 48;
  default: return 1 + rng() % 40000;
  }
}

/// Up to \p room bytes of new items appended to the root: many handlers, a
/// flat chain of `+ 1` terms, or a chain of consts each defined by the last.
std::string bigItems(std::mt19937 &rng, size_t room) {
  std::string out, n = std::to_string(rng() % 1000);
  switch (rng() % 3) {
  case 0: { // many handlers
    unsigned k = 1 + rng() % 400;
    for (unsigned i = 0; i < k; ++i) {
      std::string h = "handler FZ_M" + n + "_" + std::to_string(i) + " = " +
                      std::to_string(0x200 + i) +
                      " { atomic_add(control[control.OBSERVABLE_BASE + " +
                      std::to_string(i % 64) + "], arg0); }\n";
      if (out.size() + h.size() > room)
        break;
      out += h;
    }
    return out;
  }
  case 1: { // a flat chain in a handler body
    std::string head = "handler FZ_CH" + n + " = 0x3" + n + " { let fz_c = arg0";
    std::string foot = "; atomic_store(control[control.OBSERVABLE_BASE], fz_c); }\n";
    if (room < head.size() + foot.size())
      return "";
    size_t k = std::min<size_t>((room - head.size() - foot.size()) / 4,
                                chainLength(rng));
    out = head;
    for (size_t i = 0; i < k; ++i)
      out += " + 1";
    return out + foot;
  }
  default: { // a chain of consts
    size_t k = chainLength(rng) * 2;
    std::string prev = "1";
    for (size_t i = 0; i < k; ++i) {
      std::string name = "FZ_K" + n + "_" + std::to_string(i);
      std::string c = "const " + name + " = " + prev + " + 0;\n";
      if (out.size() + c.size() > room)
        break;
      out += c;
      prev = name;
    }
    return out;
  }
  }
}

} // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size,
                                          size_t maxSize, unsigned seed) {
  std::mt19937 rng(seed);
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  // The root file is mutated; the other files (splitFiles) ride along.
  size_t split = tailStart(text);
  std::string tail = split == llvm::StringRef::npos ? "" : text.substr(split).str();
  llvm::StringRef rootText = text.substr(0, split);
  SourceFile f;
  std::shared_ptr<void> keepFile;
  if (rng() % 16 == 0 || !fuzz::parseText(rootText, f, &keepFile))
    return LLVMFuzzerMutate(data, size, maxSize);
  std::string out;
  if (rng() % 8 == 0) {
    // Rarely, since the results are big and slow: a whole-input mutation.
    std::string root = rootText.str();
    if (rng() % 2)
      out = addImport(root, tail, rng);
    else if (maxSize > size)
      out = root + "\n" + bigItems(rng, maxSize - size - 1) + tail;
  } else {
    std::vector<std::shared_ptr<void>> keep;
    unsigned n = 1 + rng() % 3, done = 0;
    for (unsigned tries = 0; done < n && tries < 12; ++tries)
      done += mutateOnce(f, rng, keep);
    if (done)
      out = fuzz::printText(f) + tail;
  }
  if (out.empty() || out.size() > maxSize)
    return LLVMFuzzerMutate(data, size, maxSize);
  memcpy(data, out.data(), out.size());
  return out.size();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  vyre::fuzz::checkRoundTrip(text);
  vyre::fuzz::checkCompile(text);
  return 0;
}
