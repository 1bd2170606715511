//===- KernelBuilder.h - the megakernel's vocabulary, one per target -----===//
//
// lib/Kernel writes the megakernel once (the skeletons, the dispatch, the
// packed decoder, the priority claim, handler lowering) against this small
// vocabulary; each target renders it: lib/Target/SPIRV's SpirvKernelBuilder into
// SPIR-V words, lib/Target/WGSL's into WGSL text. It speaks the language's
// own operators, atomics and memory orders (vyre/IR/IR.h), so handler
// bodies and skeletons share one tongue. (Tint's core IR with one writer
// per language, and naga's back/ modules, made small: vyrec needs no
// stored IR, because every construct is built once, in order.)
//
// Values, variables, places and functions are opaque ids the renderer
// hands out (a SPIR-V id; a WGSL name). Control flow is structured only:
// ifThen/ifElse, loop with a continuing part, breakLoop/breakIf, switchOn.
// A callback that leaves its block open falls through to the construct's
// end. Every call emits at the builder's position, in call order: a
// renderer whose output depends on order (SPIR-V ids) sees the same order
// as the code that calls it, so write operands into locals, in order, where
// C++ would not fix the order of evaluation (a function's arguments).
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_KERNEL_KERNELBUILDER_H
#define VYRE_KERNEL_KERNELBUILDER_H

#include "vyre/IR/IR.h"
#include "vyre/Protocol/Protocol.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SMLoc.h"

#include <cstdint>
#include <optional>

namespace vyre::kernel {

using Val = uint32_t; // a value (u32 or bool)
using Var = uint32_t; // a function-local variable
using Ptr = uint32_t; // one u32 word of a buffer: buf[index]
using Fn = uint32_t;  // a function

/// The two value types of the kernel (the language's, less void).
enum class Ty : uint8_t { U32, Bool };

/// Built-in inputs: the invocation's global id and the dispatch's
/// workgroup count (their x components), the lane in its subgroup.
enum class Builtin : uint8_t { GlobalIdX, NumWorkgroupsX, SubgroupLane };

/// Subgroup operations (Vulkan subgroup basic/vote/ballot/arithmetic/
/// shuffle; WebGPU `subgroups`). Operands: Any/All one bool; Elect none;
/// BallotCount one bool (how many lanes hold it); BroadcastFirst one u32;
/// Min/Max/Add one u32 (the reduction); ExclusiveAdd one u32 (the scan);
/// Shuffle a u32 and the lane to read it from.
enum class GroupOp : uint8_t {
  Any, All, Elect, BallotCount, BroadcastFirst, Min, Max, Add, ExclusiveAdd,
  Shuffle,
};

/// Unary operations beyond the language's: popcount, and the index of the
/// lowest set bit (of a non-zero value).
enum class BitOp : uint8_t { Count, FindLsb };

/// A function's inlining hint (SPIR-V DontInline: a callee many callers
/// share, or a cold path).
enum class Inline : uint8_t { Default, Never };

class KernelBuilder {
public:
  virtual ~KernelBuilder();

  //===-- Values -----------------------------------------------------------===//
  virtual Val u32(uint32_t v) = 0;
  virtual Val boolean(bool v) = 0;
  /// A protocol value: the target's specializable constant (SPIR-V spec
  /// constant, WGSL override) when its row has a SpecId, else a constant.
  virtual Val protocol(PV v) = 0;
  virtual Val builtin(Builtin b) = 0;
  /// The language's binary operators on u32 (\p operands Bool: `==`, `!=`,
  /// `&&`, `||` on bools). Div and Rem are the raw unsigned operations:
  /// the caller guards a zero divisor.
  virtual Val binary(BinaryOp op, Val a, Val b, Ty operands = Ty::U32) = 0;
  virtual Val unary(UnaryOp op, Val a) = 0;
  virtual Val bits(BitOp op, Val a) = 0;
  virtual Val select(Ty t, Val cond, Val ifTrue, Val ifFalse) = 0;

  //===-- Memory -----------------------------------------------------------===//
  /// buf[index]: one u32 word (unchecked: the caller proved it in range or
  /// guards it with guardedAccess).
  virtual Ptr element(const BufferDecl *buf, Val index) = 0;
  virtual Val load(Ptr p) = 0;
  virtual void store(Ptr p, Val v) = 0;
  /// An atomic with the language's memory order (docs/protocol.md,
  /// "Memory model"); returns its result (none for a store).
  virtual Val atomic(AtomicOp op, MemoryOrder order, Ptr p,
                     llvm::ArrayRef<Val> operands) = 0;
  /// A device-scope fence with acquire and/or release semantics.
  virtual void fence(bool acquire, bool release) = 0;
  /// Whether fence() is one (SPIR-V); WGSL has none, so code that only
  /// decides where a fence goes is left out there.
  virtual bool hasFences() const = 0;
  /// `if cond { acquire fence }`: the acquire half of a relaxed atomic
  /// whose result the code acts on only when \p cond holds (a loop that
  /// polls then runs no barrier while it waits).
  virtual void acquireIf(Val cond) = 0;
  /// The u32 words the host bound to \p buf.
  virtual Val arrayLength(const BufferDecl *buf) = 0;
  /// A bounds-checked access (docs/protocol.md, "Robustness"):
  ///   if index < arrayLength(buf) { r = body(&buf[index]) }
  ///   else { record_out_of_bounds() }
  /// Returns r, or 0 out of range, when \p hasResult.
  virtual Val guardedAccess(const BufferDecl *buf, Val index, bool hasResult,
                            llvm::SMLoc loc,
                            llvm::function_ref<Val(Ptr)> body) = 0;

  //===-- Subgroups --------------------------------------------------------===//
  virtual Val group(GroupOp op, llvm::ArrayRef<Val> operands) = 0;
  /// Every invocation's memory accesses before it happen before every
  /// invocation's after it, within the subgroup, at device scope; and every
  /// invocation of the subgroup arrives before any goes on. With
  /// \p thenRelease, also a release fence after it: what the invocation
  /// stores next is ordered after all that (one fence where a barrier and a
  /// release fence would take two).
  virtual void subgroupBarrier(bool thenRelease = false) = 0;
  /// Whether subgroupBarrier() is one (SPIR-V); WGSL has none, so after the
  /// lanes diverge the skeletons make no subgroup operation depend on their
  /// having converged again.
  virtual bool hasSubgroupBarrier() const = 0;

  //===-- Variables --------------------------------------------------------===//
  /// A function-local variable (uninitialized: set it before reading).
  virtual Var local(Ty t) = 0;
  virtual Val get(Var v) = 0;
  virtual void set(Var v, Val x) = 0;
  /// A debug name for a variable, parameter or function (SPIR-V OpName;
  /// the WGSL identifier).
  virtual void name(uint32_t id, llvm::StringRef n) = 0;
  /// The language's `let`: \p v under the debug name \p n, held as a value
  /// rather than a variable (no store, no loads: smaller modules, less for
  /// the driver to undo). Returns the value to use in its place: \p v
  /// itself in SPIR-V, named where it is an instruction of its own (a
  /// constant or a parameter keeps its name); a named WGSL `let`.
  virtual Val bind(Val v, llvm::StringRef n) = 0;

  //===-- Control flow -----------------------------------------------------===//
  virtual void ifElse(Val cond, llvm::function_ref<void()> thenBody,
                      llvm::function_ref<void()> elseBody) = 0;
  void ifThen(Val cond, llvm::function_ref<void()> thenBody) {
    ifElse(cond, thenBody, nullptr);
  }
  /// loop { if !header() break; body(); continuing { continuing() } }
  virtual void loop(llvm::function_ref<Val()> header,
                    llvm::function_ref<void()> body,
                    llvm::function_ref<void()> continuing) = 0;
  /// Leaves the innermost loop (ends the block).
  virtual void breakLoop() = 0;
  /// The last statement of a loop body: leave if \p cond, else go on to
  /// the continuing part (ends the block).
  virtual void breakIf(Val cond) = 0;
  /// Whether the current block is still open (false after a break: code
  /// there would be unreachable).
  virtual bool open() const = 0;
  /// switch (sel) { case values[i]: body(i) ... default: otherwise() }
  /// A case whose \p hasBody is false does nothing. At most
  /// maxSwitchCases() values.
  virtual void switchOn(Val sel, llvm::ArrayRef<uint32_t> values,
                        llvm::function_ref<bool(size_t)> hasBody,
                        llvm::function_ref<void(size_t)> body,
                        llvm::function_ref<void()> otherwise) = 0;
  virtual size_t maxSwitchCases() const = 0;

  //===-- Functions --------------------------------------------------------===//
  /// A function's id, before it is defined (so callers may be built first).
  virtual Fn declare() = 0;
  /// Defines \p f: \p params u32 parameters, returning \p ret (none:
  /// void), its body built by \p body with the parameters' values. The
  /// parameters get \p paramNames (as many as params, or none).
  virtual void define(Fn f, llvm::StringRef name, unsigned params,
                      std::optional<Ty> ret, Inline inl,
                      llvm::ArrayRef<llvm::StringRef> paramNames,
                      llvm::function_ref<void(llvm::ArrayRef<Val>)> body) = 0;
  /// A call; returns the result (0 for a void function).
  virtual Val call(Fn f, std::optional<Ty> ret, llvm::ArrayRef<Val> args) = 0;
  virtual void returnValue(Val v) = 0;

  //===-- Debug information ------------------------------------------------===//
  /// -g: the source position of the code that follows.
  virtual void line(llvm::SMLoc) {}
};

} // namespace vyre::kernel

#endif
