//===- WgslSupport.cpp - what --target=webgpu refuses --------------------===//
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

using namespace vyre;

namespace {

std::string refusal(const llvm::Twine &what, const llvm::Twine &why) {
  return (what + " cannot be expressed for --target=" + kWebGpuTarget +
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
  for (const HandlerDecl *h : sema.handlers) {
    if (!h->body)
      continue;
    // Stores to the ring (Sema's handlersWriteRing, located).
    walkStmts(*h->body, [&](Stmt &s) {
      if (auto *st = llvm::dyn_cast<StoreStmt>(&s); st && isRing(st->buffer))
        diags.error(st->loc,
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
        diags.error(a->loc,
                    refusal("handler '" + h->name + "' updating " + ring +
                                " with " + spelling(a->op),
                            "another invocation could claim the slot it "
                            "publishes without release/acquire, and WGSL "
                            "atomics are relaxed only"));
      else if (!h->fromPrelude && a->order != MemoryOrder::Relaxed)
        diags.error(a->explicitOrder ? a->orderLoc : a->loc,
                    refusal("memory order '" + spelling(a->order) + "' of " +
                                spelling(a->op),
                            "WGSL atomics are relaxed only"));
    });
  }
  return diags.errorCount() == before;
}
