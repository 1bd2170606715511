#include "TestSupport.h"
#include "vyre/IR/Printer.h"
#include "vyre/Parse/Parser.h"

#include <doctest/doctest.h>

using namespace vyre;
using llvm::cast;
using llvm::isa;

static std::string roundTrip(llvm::StringRef text, unsigned *errors = nullptr) {
  test::Harness h(text);
  SourceFile f;
  parseBuffer(h.buffer, h.diags, f);
  if (errors)
    *errors = h.diags.errorCount();
  std::string out;
  llvm::raw_string_ostream os(out);
  printSourceFile(f, os);
  return os.str();
}

static ExprPtr parseExpr(llvm::StringRef text) {
  test::Harness h(text);
  ExprPtr e = parseExpression(h.buffer, h.diags);
  REQUIRE_FALSE(h.diags.hasErrors());
  return e;
}

TEST_CASE("precedence: * binds tighter than +, bitwise tighter than ==") {
  ExprPtr e = parseExpr("a + b * c == d & e");
  auto *eq = llvm::dyn_cast<BinaryExpr>(e.get());
  REQUIRE(eq);
  CHECK(eq->op == BinaryOp::Eq);
  auto *add = llvm::dyn_cast<BinaryExpr>(eq->lhs.get());
  REQUIRE(add);
  CHECK(add->op == BinaryOp::Add);
  CHECK(cast<BinaryExpr>(add->rhs.get())->op == BinaryOp::Mul);
  CHECK(cast<BinaryExpr>(eq->rhs.get())->op == BinaryOp::BitAnd);
}

TEST_CASE("binary operators are left-associative") {
  ExprPtr e = parseExpr("a - b - c");
  auto *outer = cast<BinaryExpr>(e.get());
  CHECK(isa<BinaryExpr>(outer->lhs.get()));
  CHECK(isa<NameExpr>(outer->rhs.get()));
}

TEST_CASE("calls: select, min, atomics with ordering") {
  ExprPtr e = parseExpr("atomic_compare_exchange(control[i + 1], 0, 1, acq_rel)");
  auto *a = cast<AtomicExpr>(e.get());
  CHECK(a->op == AtomicOp::CompareExchange);
  CHECK(a->buffer.name == "control");
  CHECK(a->operands.size() == 2);
  CHECK(a->order == MemoryOrder::AcqRel);

  CHECK(isa<SelectExpr>(parseExpr("select(x < 3, 1, 2)").get()));
  CHECK(cast<BinaryExpr>(parseExpr("min(x, 3)").get())->op == BinaryOp::Min);
}

TEST_CASE("the printer parenthesizes only where precedence needs it") {
  CHECK(roundTrip("const A = (1 + 2) * 3;") == "const A = (1 + 2) * 3;\n");
  CHECK(roundTrip("const A = 1 + (2 * 3);") == "const A = 1 + 2 * 3;\n");
  CHECK(roundTrip("const A = 1 - (2 - 3);") == "const A = 1 - (2 - 3);\n");
  CHECK(roundTrip("const A = (1 < 2) == true;") == "const A = (1 < 2) == true;\n");
  CHECK(roundTrip("const A = ~(x & 0xFF);") == "const A = ~(x & 0xFF);\n");
}

TEST_CASE("round trip of every item and statement kind") {
  const char *src = R"(import "other.vyre";

/// A buffer.
buffer data: u32[16] read atomic @set(1) @binding(2);

protocol {
  /// The slot count.
  slot.COUNT = 1024;
}

/// Doc line one.
/// Doc line two.
handler H = 0x100 {
  let a = arg0 + 1;
  var b = 0;
  b = a << 2;
  data[a] = select(a > 1 && !false, b, 3);
  if a == 1 {
    break;
  } else if a == 2 {
    {
      atomic_add(data[0], 1, seq_cst);
    }
  } else {
    b = b % 7;
  }
  for i in 0..min(arg2, 8) {
    atomic_store(data[i], atomic_load(data[i], acquire), release);
  }
}
)";
  unsigned errors = 0;
  std::string once = roundTrip(src, &errors);
  CHECK(errors == 0);
  CHECK(once == src);
  CHECK(roundTrip(once) == once);
}

TEST_CASE("the parser recovers and reports several errors") {
  unsigned errors = 0;
  roundTrip("handler A = 1 { let = 1; b = ; }\nhandler B = 2 { c + ; }\nconst", &errors);
  CHECK(errors == 4);
}

TEST_CASE("deep nesting is an error, not a stack overflow") {
  std::string deep(100000, '(');
  unsigned errors = 0;
  roundTrip("const A = " + deep + ";", &errors);
  CHECK(errors == 1);
  std::string braces = "handler A = 1 " + std::string(100000, '{');
  roundTrip(braces, &errors);
  CHECK(errors >= 1);
}

TEST_CASE("handler inputs: one list, names round-trip, parameter order") {
  // HandlerInputs.def is the one list; handler functions take the inputs
  // as handler_NAME(slot_base, opcode, arg0, arg1, arg2).
  std::vector<std::string> names;
  for (HandlerInput in : kHandlerInputs) {
    names.push_back(spelling(in).str());
    REQUIRE(lookupHandlerInput(spelling(in)) == in);
  }
  CHECK(names == std::vector<std::string>{"opcode", "arg0", "arg1", "arg2",
                                          "slot_base"});
  CHECK_FALSE(lookupHandlerInput("arg3"));
  std::vector<std::string> params;
  for (HandlerInput in : kHandlerParameterOrder) {
    params.push_back(spelling(in).str());
    CHECK(kHandlerParameterOrder[parameterIndex(in)] == in);
  }
  CHECK(params == std::vector<std::string>{"slot_base", "opcode", "arg0",
                                           "arg1", "arg2"});
}
