//===- Analysis.h - constant folding and loop-bound analysis -------------===//
//
// The two pieces of Sema that are pure functions over values and trees, so
// that the unit tests (and, if it wants, the interpreter) can call them
// directly. docs/validation.md describes the rules.
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_SEMA_ANALYSIS_H
#define VYRE_SEMA_ANALYSIS_H

#include "vyre/IR/IR.h"

#include "llvm/ADT/DenseMap.h"

#include <cstdint>

namespace vyre {

/// Why folding a constant operation is rejected.
enum class FoldError : uint8_t {
  None,
  DivisionByZero,  // a / 0
  RemainderByZero, // a % 0
  ShiftTooLarge,   // a << n, a >> n with n >= 32
  Overflow,        // + - * wrapped, << shifted out a set bit (value holds
                   // the wrapped result)
};

struct FoldResult {
  uint32_t value = 0;
  FoldError error = FoldError::None;
};

/// Folds one binary operation over constant operands. Bools are 0 and 1.
/// Wrapping operations report Overflow but still give the wrapped value (a
/// handler body wraps silently; const/protocol/opcode/buffer expressions
/// reject it).
FoldResult foldBinary(BinaryOp op, uint32_t lhs, uint32_t rhs);
uint32_t foldUnary(UnaryOp op, uint32_t operand);

/// The largest trip count a `for` loop may have before Sema warns.
constexpr uint32_t kLoopTripLimit = 1u << 20;

/// An upper bound of the value of \p e (0xFFFFFFFF when nothing is known),
/// computed over a Sema-checked tree: constants exactly; min, max, &, |, ^,
/// %, /, >>, <<, +, * and select by interval rules; an immutable `let` by its
/// initializer; a loop variable by its loop's upper bound minus one;
/// everything else (loads, atomics, handler inputs, vars) is unbounded.
/// \p locals maps the locals whose bound is known (immutable `let`s, loop
/// variables) to that bound; the Loops pass fills it while walking a body.
using LocalBounds = llvm::DenseMap<const LocalDecl *, uint32_t>;
uint32_t upperBound(const Expr &e, const LocalBounds *locals = nullptr);

} // namespace vyre

#endif
