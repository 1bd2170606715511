//===- SemaTest.cpp - constant folding, loop bounds, SemaResult ----------===//
#include "TestSupport.h"
#include "vyre/Parse/Parser.h"
#include "vyre/Prelude/Prelude.h"
#include "vyre/Sema/Analysis.h"
#include "vyre/Sema/Sema.h"

#include <doctest/doctest.h>

using namespace vyre;

namespace {

/// The prelude plus one user file, validated.
struct Compiled {
  test::Harness h;
  Module module;
  SemaResult result;
  bool ok = false;

  explicit Compiled(llvm::StringRef text, SemaOptions opts = {}) : h(text) {
    unsigned preludeId = h.sm.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBuffer(preludeSource(), "<prelude>"),
        llvm::SMLoc());
    auto prelude = std::make_unique<SourceFile>();
    prelude->bufferId = preludeId;
    prelude->isPrelude = true;
    parseBuffer(preludeId, h.diags, *prelude);
    auto user = std::make_unique<SourceFile>();
    user->bufferId = h.buffer;
    user->path = "test.vyre";
    parseBuffer(h.buffer, h.diags, *user);
    module.files.push_back(std::move(prelude));
    module.files.push_back(std::move(user));
    module.rootFile = 1;
    ok = runSema(module, h.diags, result, opts);
  }
  SourceFile &user() { return *module.files[1]; }
  /// The first `for` statement of the user file's first handler.
  const ForStmt *firstFor() {
    for (StmtPtr &s : user().handlers.at(0)->body->body)
      if (auto *f = llvm::dyn_cast<ForStmt>(s.get()))
        return f;
    return nullptr;
  }
};

/// Upper bound of the `hi` of the first loop in `handler T = 8 { BODY }`.
uint32_t loopBound(llvm::StringRef body) {
  Compiled c(("buffer w: u32[64] read_write atomic @binding(4);\n"
              "handler T = 8 {\n" + body + "\n}\n")
                 .str());
  REQUIRE_MESSAGE(!c.h.diags.hasErrors(), c.h.diagText());
  const ForStmt *f = c.firstFor();
  REQUIRE(f);
  return upperBound(*f->hi);
}

} // namespace

TEST_CASE("foldBinary: wrapping arithmetic reports overflow") {
  CHECK(foldBinary(BinaryOp::Add, 1, 2).value == 3);
  FoldResult r = foldBinary(BinaryOp::Add, 0xFFFFFFFFu, 1);
  CHECK(r.error == FoldError::Overflow);
  CHECK(r.value == 0);
  CHECK(foldBinary(BinaryOp::Sub, 0, 1).error == FoldError::Overflow);
  CHECK(foldBinary(BinaryOp::Sub, 0, 1).value == 0xFFFFFFFFu);
  CHECK(foldBinary(BinaryOp::Sub, 5, 5).error == FoldError::None);
  CHECK(foldBinary(BinaryOp::Mul, 0x10000, 0x10000).error == FoldError::Overflow);
  CHECK(foldBinary(BinaryOp::Mul, 0x10000, 0xFFFF).error == FoldError::None);
}

TEST_CASE("foldBinary: division, remainder and shifts") {
  CHECK(foldBinary(BinaryOp::Div, 7, 2).value == 3);
  CHECK(foldBinary(BinaryOp::Div, 7, 0).error == FoldError::DivisionByZero);
  CHECK(foldBinary(BinaryOp::Rem, 7, 0).error == FoldError::RemainderByZero);
  CHECK(foldBinary(BinaryOp::Rem, 7, 4).value == 3);
  CHECK(foldBinary(BinaryOp::Shl, 1, 31).value == 0x80000000u);
  CHECK(foldBinary(BinaryOp::Shl, 1, 32).error == FoldError::ShiftTooLarge);
  CHECK(foldBinary(BinaryOp::Shl, 1, 33).value == 2); // runtime: mod 32
  // << loses set bits like * wraps: 3 << 31 is 0x1_8000_0000 before wrapping.
  CHECK(foldBinary(BinaryOp::Shl, 1, 31).error == FoldError::None);
  CHECK(foldBinary(BinaryOp::Shl, 3, 31).error == FoldError::Overflow);
  CHECK(foldBinary(BinaryOp::Shl, 3, 31).value == 0x80000000u);
  CHECK(foldBinary(BinaryOp::Shl, 0xFFFFu, 16).error == FoldError::None);
  CHECK(foldBinary(BinaryOp::Shl, 0x10000u, 16).error == FoldError::Overflow);
  CHECK(foldBinary(BinaryOp::Shl, 0, 31).error == FoldError::None);
  CHECK(foldBinary(BinaryOp::Shr, 0x80000000u, 31).value == 1);
  CHECK(foldBinary(BinaryOp::Shr, 1, 40).error == FoldError::ShiftTooLarge);
}

TEST_CASE("foldBinary: comparisons, logic, min and max") {
  CHECK(foldBinary(BinaryOp::Lt, 1, 2).value == 1);
  CHECK(foldBinary(BinaryOp::Ge, 1, 2).value == 0);
  CHECK(foldBinary(BinaryOp::Eq, 3, 3).value == 1);
  CHECK(foldBinary(BinaryOp::LogicalAnd, 1, 0).value == 0);
  CHECK(foldBinary(BinaryOp::LogicalOr, 1, 0).value == 1);
  CHECK(foldBinary(BinaryOp::Min, 4, 9).value == 4);
  CHECK(foldBinary(BinaryOp::Max, 4, 9).value == 9);
  CHECK(foldBinary(BinaryOp::BitXor, 0xF0, 0xFF).value == 0x0F);
  CHECK(foldUnary(UnaryOp::BitNot, 0) == 0xFFFFFFFFu);
  CHECK(foldUnary(UnaryOp::LogicalNot, 0) == 1);
}

TEST_CASE("Sema folds consts, protocol values and body subexpressions") {
  Compiled c("const A = B * 2;\nconst B = control.OBSERVABLE_BASE + 1;\n"
             "protocol { control.OBSERVABLE_WORDS = 100; }\n"
             "handler T = opcode.STORE_U32 + 10 {\n"
             "  let x = arg0 + (A - 2) * 2;\n"
             "  atomic_store(control[x], 0 - 1);\n"
             "}\n");
  REQUIRE_MESSAGE(c.ok, c.h.diagText());
  CHECK(c.user().consts[0]->value == 322u);
  CHECK(c.user().consts[1]->value == 161u);
  CHECK(c.result.protocol[PV::control_WORDS] == 260u); // derived, follows the override
  CHECK(c.result.protocol[PV::control_OBSERVABLE_WORDS] == 100u);
  HandlerDecl &h = *c.user().handlers[0];
  CHECK(h.opcodeValue == 11u);
  CHECK_FALSE(h.fromPrelude);
  auto *let = llvm::cast<LetStmt>(h.body->body[0].get());
  CHECK_FALSE(let->init->constValue); // arg0 + ...: not constant
  CHECK(let->decl.type == Type::U32);
  auto *add = llvm::cast<BinaryExpr>(let->init.get());
  CHECK(add->rhs->constValue == 640u);
  auto *store = llvm::cast<AtomicExpr>(
      llvm::cast<ExprStmt>(h.body->body[1].get())->expr.get());
  CHECK(store->type == Type::Void);
  CHECK(store->operands[0]->constValue == 0xFFFFFFFFu); // wraps in a body
  CHECK(store->buffer.decl == c.result.control);
}

TEST_CASE("Sema marks expressions that read a specialization constant") {
  // slot.COUNT is a tunable (spec id 0); control.OBSERVABLE_BASE is not.
  Compiled c("const K = slot.COUNT * 2;\nconst F = control.OBSERVABLE_BASE;\n"
             "handler T = 0x100 {\n"
             "  let a = arg0 + K;\n"
             "  let b = F + 1;\n"
             "  let d = select(arg0 == 0, 1, io.POLL_LIMIT);\n"
             "}\n");
  REQUIRE_MESSAGE(c.ok, c.h.diagText());
  CHECK(c.user().consts[0]->init->tunable);
  CHECK_FALSE(c.user().consts[1]->init->tunable);
  HandlerDecl &h = *c.user().handlers[0];
  auto init = [&](unsigned i) {
    return llvm::cast<LetStmt>(h.body->body[i].get())->init.get();
  };
  // Through a const: arg0 + K is tunable, and so is the name K alone.
  auto *a = llvm::cast<BinaryExpr>(init(0));
  CHECK(a->tunable);
  CHECK(a->rhs->tunable);
  CHECK_FALSE(a->lhs->tunable);
  CHECK_FALSE(init(1)->tunable);
  CHECK(init(1)->constValue == 161u); // folded: no spec constant in it
  CHECK(init(2)->tunable);            // an operand of select
}

TEST_CASE("Sema: constant errors") {
  Compiled c("const A = 1 / 0;\nconst B = 1 << 32;\nconst C = 0 - 1;\n");
  CHECK_FALSE(c.ok);
  std::string text = c.h.diagText();
  CHECK(text.find("division by zero in a constant expression") != std::string::npos);
  CHECK(text.find("shift amount 32 is too large") != std::string::npos);
  CHECK(text.find("constant expression overflows u32: 0 - 1") != std::string::npos);
}

TEST_CASE("Sema: -D overrides and defines consts") {
  SemaOptions opts;
  opts.defines = {{"A", 7}, {"NEW", 9}};
  Compiled c("const A = 1;\nhandler T = 8 { atomic_store(control[A], NEW); }\n", opts);
  REQUIRE_MESSAGE(c.ok, c.h.diagText());
  CHECK(c.user().consts[0]->value == 7u);
  CHECK(c.user().consts.back()->name == "NEW");
  CHECK(c.user().consts.back()->value == 9u);
}

TEST_CASE("SemaResult: handlers by opcode, buffers by (set, binding)") {
  Compiled c("buffer z: u32[4] read_write @set(1) @binding(0);\n"
             "buffer a: u32[4] read_write @binding(9);\n"
             "handler LOW = 8 { }\nhandler MID = 20 { }\n");
  REQUIRE_MESSAGE(c.ok, c.h.diagText());
  for (size_t i = 1; i < c.result.handlers.size(); ++i)
    CHECK(*c.result.handlers[i - 1]->opcodeValue <= *c.result.handlers[i]->opcodeValue);
  CHECK(c.result.handlers.front()->name == "NOP");
  CHECK(c.result.handlers.back()->name == "SHUTDOWN");
  CHECK(c.result.handlers.front()->fromPrelude);
  REQUIRE(c.result.buffers.size() == 6);
  CHECK(c.result.buffers[0]->name == "control");
  CHECK(c.result.buffers[4]->name == "a");
  CHECK(c.result.buffers[5]->name == "z");
  CHECK(c.result.ringBuffer);
  CHECK(c.result.debugLog);
  CHECK(c.result.ioQueue);
  CHECK(c.result.control->sizeValue == 224u);
  CHECK(c.result.ioQueue->sizeValue == 512u);
}

TEST_CASE("upperBound: constants and interval rules") {
  CHECK(loopBound("for i in 0..10 { }") == 10);
  CHECK(loopBound("for i in 0..arg0 { }") == 0xFFFFFFFFu);
  CHECK(loopBound("for i in 0..min(arg0, 100) { }") == 100);
  CHECK(loopBound("for i in 0..min(arg2, control.WORDS) { }") == 224);
  CHECK(loopBound("for i in 0..max(min(arg0, 5), 9) { }") == 9);
  CHECK(loopBound("for i in 0..(arg0 & 0xFF) { }") == 0xFF);
  CHECK(loopBound("for i in 0..(arg0 % 50) { }") == 49);
  CHECK(loopBound("for i in 0..(arg0 >> 24) { }") == 0xFF);
  CHECK(loopBound("for i in 0..(arg0 / 0x10000) { }") == 0xFFFF);
  CHECK(loopBound("for i in 0..select(arg0 == 1, 3, 70) { }") == 70);
  CHECK(loopBound("for i in 0..(min(arg0, 10) + min(arg1, 20)) { }") == 30);
  CHECK(loopBound("for i in 0..(min(arg0, 10) * 3) { }") == 30);
  CHECK(loopBound("for i in 0..(min(arg0, 10) | 0x20) { }") == 0x3F);
  CHECK(loopBound("for i in 0..(arg0 + 1) { }") == 0xFFFFFFFFu); // may wrap
  CHECK(loopBound("for i in 0..(min(arg0, 10) - 1) { }") == 0xFFFFFFFFu);
  CHECK(loopBound("for i in 0..atomic_load(w[0]) { }") == 0xFFFFFFFFu);
  CHECK(loopBound("for i in 0..io.POLL_LIMIT { }") == 1000000);
}

TEST_CASE("upperBound: immutable lets and loop variables") {
  Compiled c("handler T = 8 {\n  let n = min(arg0, 12);\n  var m = 3;\n"
             "  for i in 0..n { for j in 0..i { } }\n  for k in 0..m { }\n}\n");
  REQUIRE_MESSAGE(!c.h.diags.hasErrors(), c.h.diagText());
  auto &body = c.user().handlers[0]->body->body;
  auto *let = llvm::cast<LetStmt>(body[0].get());
  auto *outer = llvm::cast<ForStmt>(body[2].get());
  auto *inner = llvm::cast<ForStmt>(outer->body->body[0].get());
  auto *other = llvm::cast<ForStmt>(body[3].get());
  LocalBounds locals;
  locals[&let->decl] = upperBound(*let->init, &locals);
  CHECK(upperBound(*outer->hi, &locals) == 12);
  CHECK(upperBound(*outer->hi) == 0xFFFFFFFFu); // without local bounds
  locals[&outer->var] = 11;
  CHECK(upperBound(*inner->hi, &locals) == 11);
  CHECK(upperBound(*other->hi, &locals) == 0xFFFFFFFFu); // a var
  CHECK(kLoopTripLimit == 1048576u);
}

TEST_CASE("Sema warns on unbounded loops and not on the prelude") {
  Compiled quiet("handler T = 8 { for i in 0..min(arg0, 64) { } }\n");
  CHECK(quiet.ok);
  CHECK(quiet.h.diags.warningCount() == 0);
  Compiled loud("handler T = 8 { for i in 0..arg0 { } }\n");
  CHECK(loud.ok); // a warning, not an error
  CHECK(loud.h.diags.warningCount() == 1);
  CHECK(loud.h.diagText().find("loop bound is not provably at most 1048576") !=
        std::string::npos);
}

TEST_CASE("Sema records whether a handler writes the ring (the leave rule)") {
  // Reads, and writes of other buffers, do not count; the prelude's
  // built-in handlers write none.
  Compiled reads("buffer out: u32[4] read_write atomic @binding(4);\n"
                 "handler T = 0x100 {\n"
                 "  atomic_store(out[0], atomic_load(ring_buffer[arg0]));\n"
                 "  out[1] = ring_buffer[arg1];\n"
                 "}\n");
  REQUIRE_MESSAGE(reads.ok, reads.h.diagText());
  CHECK_FALSE(reads.result.handlersWriteRing);
  Compiled store("handler T = 0x100 { ring_buffer[arg0] = arg1; }\n");
  REQUIRE_MESSAGE(store.ok, store.h.diagText());
  CHECK(store.result.handlersWriteRing);
  Compiled add("handler T = 0x100 { atomic_add(ring_buffer[arg0], 1); }\n");
  REQUIRE_MESSAGE(add.ok, add.h.diagText());
  CHECK(add.result.handlersWriteRing);
}
