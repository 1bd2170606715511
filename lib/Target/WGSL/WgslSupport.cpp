//===- WgslSupport.cpp - what --target-env=webgpu refuses --------------------===//
//
// WGSL atomics are relaxed only and WGSL has no device-scope fence
// (docs/protocol.md, "WebGPU"). The prelude's own orderings pair with the
// host, which on WebGPU reads and publishes only between dispatches, so
// they are rendered relaxed; a user handler's acquire or release pairs
// with another invocation and would be silently lost, and a handler that
// writes the ring publishes a slot that another invocation claims without
// the release/acquire pair the protocol needs. Both are refused here, never
// emitted wrong.
//
//===----------------------------------------------------------------------===//
#include "vyre/IR/Walk.h"
#include "vyre/Target/WGSL.h"

#include <algorithm>
#include <vector>

using namespace vyre;

namespace {

/// The braces a handler's WGSL adds around its deepest user statement at
/// most: the function's own; a guarded access's `if`, and inside it a
/// strong compare-exchange's `loop` and `if` (WgslKernelBuilder); and the
/// one of a one-line `if c { break; }`.
constexpr unsigned kLoweringBraces = 5;
constexpr unsigned kMaxHandlerNesting = kWgslMaxBraceDepth - kLoweringBraces;

/// The first `if` or `for` of \p body nested more than kMaxHandlerNesting
/// deep (each `if`, `else if` and `for` is one brace level), if any.
const Stmt *tooDeep(Stmt &body) {
  llvm::SmallVector<std::pair<Stmt *, unsigned>, 32> stack{{&body, 0}};
  while (!stack.empty()) {
    auto [s, depth] = stack.pop_back_val();
    bool nests = s->kind == Stmt::Kind::If || s->kind == Stmt::Kind::For;
    if (nests && ++depth > kMaxHandlerNesting)
      return s;
    forEachChild(*s, [&, depth = depth](Stmt &c) {
      stack.push_back({&c, depth});
    });
  }
  return nullptr;
}

std::string refusal(const llvm::Twine &what, const llvm::Twine &why) {
  return (what + " cannot be expressed for --target-env=" + kWebGpuTarget +
          ": " + why)
      .str();
}

} // namespace

bool vyre::checkWgslSupport(const Module &, const SemaResult &sema,
                            const KernelPlan &, DiagnosticEngine &diags) {
  unsigned before = diags.errorCount();
  const std::string ring(spelling(BufferRole::Ring));
  auto isRing = [&](const BufferRef &b) {
    return b.decl && b.decl == sema.ringBuffer;
  };
  // Each handler's, collected and then reported in source order (its
  // stores and its atomics are found by two walks).
  std::vector<std::pair<llvm::SMLoc, std::string>> refusals;
  auto refuse = [&](llvm::SMLoc loc, std::string text) {
    refusals.push_back({loc, std::move(text)});
  };
  auto report = [&] {
    std::stable_sort(refusals.begin(), refusals.end(), [](auto &a, auto &b) {
      return a.first.getPointer() < b.first.getPointer();
    });
    for (auto &[loc, text] : refusals)
      diags.error(loc, text);
    refusals.clear();
  };
  for (const HandlerDecl *h : sema.handlers) {
    if (!h->body)
      continue;
    if (const Stmt *deep = tooDeep(*h->body))
      refuse(deep->loc,
             refusal("handler '" + h->name + "' nesting statements " +
                         llvm::Twine(kMaxHandlerNesting + 1) + " deep",
                     "WGSL compilers reject a function nested more "
                     "than " + llvm::Twine(kWgslMaxBraceDepth) +
                         " braces deep"));
    // Stores to the ring (Sema's handlersWriteRing, located).
    walkStmts(*h->body, [&](Stmt &s) {
      if (auto *st = llvm::dyn_cast<StoreStmt>(&s); st && isRing(st->buffer))
        refuse(st->loc,
               refusal("handler '" + h->name + "' storing to " + ring,
                       "another invocation could claim the slot it "
                       "publishes without release/acquire, and WGSL "
                       "atomics are relaxed only"));
    });
    walkExprs(*h->body, [&](Expr &e) {
      auto *a = llvm::dyn_cast<AtomicExpr>(&e);
      if (!a)
        return;
      if (a->op != AtomicOp::Load && isRing(a->buffer))
        refuse(a->loc,
               refusal("handler '" + h->name + "' updating " + ring +
                           " with " + spelling(a->op),
                       "another invocation could claim the slot it "
                       "publishes without release/acquire, and WGSL "
                       "atomics are relaxed only"));
      else if (!h->fromPrelude && a->order != MemoryOrder::Relaxed)
        refuse(a->explicitOrder ? a->orderLoc : a->loc,
               refusal("memory order '" + spelling(a->order) + "' of " +
                           spelling(a->op),
                       "WGSL atomics are relaxed only"));
    });
    report();
  }
  return diags.errorCount() == before;
}
