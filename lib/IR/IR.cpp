//===- IR.cpp - spellings and operator tables of the IR -------------------===//
#include "vyre/IR/IR.h"

#include "llvm/ADT/STLExtras.h"

using namespace vyre;

bool vyre::isIdentifier(llvm::StringRef s) {
  auto start = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  };
  return !s.empty() && start(s[0]) && llvm::all_of(s, [&](char c) {
           return start(c) || (c >= '0' && c <= '9');
         });
}

llvm::StringRef vyre::typeName(Type t) {
  switch (t) {
  case Type::Unknown:
    return "<unknown>";
  case Type::U32:
    return "u32";
  case Type::Bool:
    return "bool";
  case Type::Void:
    return "void";
  }
  return "<unknown>";
}

llvm::StringRef vyre::spelling(BinaryOp op) {
  switch (op) {
  case BinaryOp::Add: return "+";
  case BinaryOp::Sub: return "-";
  case BinaryOp::Mul: return "*";
  case BinaryOp::Div: return "/";
  case BinaryOp::Rem: return "%";
  case BinaryOp::BitAnd: return "&";
  case BinaryOp::BitOr: return "|";
  case BinaryOp::BitXor: return "^";
  case BinaryOp::Shl: return "<<";
  case BinaryOp::Shr: return ">>";
  case BinaryOp::Eq: return "==";
  case BinaryOp::Ne: return "!=";
  case BinaryOp::Lt: return "<";
  case BinaryOp::Le: return "<=";
  case BinaryOp::Gt: return ">";
  case BinaryOp::Ge: return ">=";
  case BinaryOp::LogicalAnd: return "&&";
  case BinaryOp::LogicalOr: return "||";
  case BinaryOp::Min: return "min";
  case BinaryOp::Max: return "max";
  }
  return "?";
}

llvm::StringRef vyre::spelling(UnaryOp op) {
  return op == UnaryOp::BitNot ? "~" : "!";
}

llvm::StringRef vyre::spelling(AtomicOp op) {
  switch (op) {
  case AtomicOp::Load: return "atomic_load";
  case AtomicOp::Store: return "atomic_store";
  case AtomicOp::Add: return "atomic_add";
  case AtomicOp::Sub: return "atomic_sub";
  case AtomicOp::And: return "atomic_and";
  case AtomicOp::Or: return "atomic_or";
  case AtomicOp::Xor: return "atomic_xor";
  case AtomicOp::Min: return "atomic_min";
  case AtomicOp::Max: return "atomic_max";
  case AtomicOp::Exchange: return "atomic_exchange";
  case AtomicOp::CompareExchange: return "atomic_compare_exchange";
  }
  return "?";
}

llvm::StringRef vyre::spelling(MemoryOrder o) {
  switch (o) {
  case MemoryOrder::Relaxed: return "relaxed";
  case MemoryOrder::Acquire: return "acquire";
  case MemoryOrder::Release: return "release";
  case MemoryOrder::AcqRel: return "acq_rel";
  case MemoryOrder::SeqCst: return "seq_cst";
  }
  return "?";
}

llvm::StringRef vyre::spelling(HandlerInput in) {
  switch (in) {
#define HANDLER_INPUT(E, S)                                                    \
  case HandlerInput::E:                                                        \
    return S;
#include "vyre/IR/HandlerInputs.def"
  }
  return "?";
}

// kHandlerParameterOrder names every input (so, with kNumHandlerInputs
// entries, each exactly once).
static_assert([] {
  for (HandlerInput in : kHandlerInputs)
    if (parameterIndex(in) == kNumHandlerInputs)
      return false;
  return true;
}());

std::optional<HandlerInput> vyre::lookupHandlerInput(llvm::StringRef name) {
  for (HandlerInput in : kHandlerInputs)
    if (name == spelling(in))
      return in;
  return std::nullopt;
}

unsigned vyre::atomicValueOperands(AtomicOp op) {
  switch (op) {
  case AtomicOp::Load:
    return 0;
  case AtomicOp::CompareExchange:
    return 2;
  default:
    return 1;
  }
}

bool vyre::isComparison(BinaryOp op) {
  return op >= BinaryOp::Eq && op <= BinaryOp::Ge;
}

bool vyre::isLogical(BinaryOp op) {
  return op == BinaryOp::LogicalAnd || op == BinaryOp::LogicalOr;
}

unsigned vyre::precedence(BinaryOp op) {
  switch (op) {
  case BinaryOp::LogicalOr: return 1;
  case BinaryOp::LogicalAnd: return 2;
  case BinaryOp::Eq: case BinaryOp::Ne: case BinaryOp::Lt:
  case BinaryOp::Le: case BinaryOp::Gt: case BinaryOp::Ge: return 3;
  case BinaryOp::BitOr: return 4;
  case BinaryOp::BitXor: return 5;
  case BinaryOp::BitAnd: return 6;
  case BinaryOp::Shl: case BinaryOp::Shr: return 7;
  case BinaryOp::Add: case BinaryOp::Sub: return 8;
  case BinaryOp::Mul: case BinaryOp::Div: case BinaryOp::Rem: return 9;
  case BinaryOp::Min: case BinaryOp::Max: return 11; // call syntax
  }
  return 0;
}
