//===- PortableScan.cpp - the portable loop's step, and the sharded claim -===//
#include "Skeleton.h"

using namespace vyre;
using namespace vyre::kernel;

/// One slot, per invocation (the portable loop, also the portable entry
/// point's beside a subgroup or grouped loop):
///   [the tenant gate: status PUBLISHED (acquire) and the tenant allowed]
///   if CAS(status, PUBLISHED -> CLAIMED, acquire) won:
///     claimed_any = true; run_slot (metrics += 1)
///     DONE_COUNT += 1 (release); status = DONE (release)
void MegakernelBuilder::portableStep(Val s) {
  Val slotBase = mul(s, P(PV::slot_WORDS));
  Ptr statusPtr = statusPointer(slotBase);
  if (plan.sharded()) {
    Val held =
        claimOwned(shard, statusPtr, slotBase, step.busy, step.tenantTable);
    k.ifThen(held, [&] {
      k.set(step.claimed, k.boolean(true));
      runClaimedSlot(slotBase, statusPtr);
    });
    return;
  }
  auto claimAndRun = [&] {
    k.ifThen(claim(statusPtr), [&] {
      k.set(step.claimed, k.boolean(true));
      runClaimedSlot(slotBase, statusPtr);
    });
  };
  if (!step.tenantTable)
    return claimAndRun();
  // Only a PUBLISHED slot whose tenant's mask is set reaches the claim (a
  // refused slot stays PUBLISHED).
  Val st = k.atomic(AtomicOp::Load, MemoryOrder::Acquire, statusPtr, {});
  k.ifThen(eq(st, P(PV::status_PUBLISHED)),
           [&] { ifTenantAllows(slotBase, claimAndRun); });
}

/// Whether opcode \p opc is claimed by shard \p shardIndex (ShardPlan::owner).
Val MegakernelBuilder::ownsOpcode(unsigned shardIndex, Val opc) {
  auto inside = [&](uint32_t first, uint32_t last,
                    const std::vector<uint32_t> &excluded) {
    Val atLeast = op(BinaryOp::Ge, opc, c(first));
    Val atMost = op(BinaryOp::Le, opc, c(last));
    Val r = land(atLeast, atMost);
    for (uint32_t e : excluded)
      r = land(r, ne(opc, c(e)));
    return r;
  };
  const auto &S = plan.shards.shards;
  if (shardIndex)
    return inside(S[shardIndex].first, S[shardIndex].last,
                  S[shardIndex].excluded);
  // The ranges of shards 1.. are contiguous: shard 0 owns what lies
  // outside their union, and the built-ins excluded from them.
  std::vector<uint32_t> excluded;
  for (unsigned i = 1; i < S.size(); ++i)
    excluded.insert(excluded.end(), S[i].excluded.begin(), S[i].excluded.end());
  return lnot(inside(S[1].first, S.back().last, excluded));
}

/// The sharded claim (docs/protocol.md, "Shards"): returns whether this
/// invocation now holds the slot, CLAIMED, with an opcode its shard owns.
///
///   st = atomic_load(status, acquire)
///   if st == CLAIMED: busy = true
///   if st == PUBLISHED && owns(opcode):
///     busy = true
///     if CAS(status, PUBLISHED -> CLAIMED, acquire) won:
///       if owns(opcode): held = true          // read again: see below
///       else: atomic_store(status, PUBLISHED, release)   // hand back
///
/// The second read: between the first read and the CAS the slot may have
/// been processed and published again with another shard's opcode (or a
/// refused tenant); the CAS then claims that publication, and the slot goes
/// back untouched. `busy` keeps the invocation from leaving after a pass in
/// which a slot of its shard may have been CLAIMED by such a hand-back.
Val MegakernelBuilder::claimOwned(unsigned shardIndex, Ptr statusPtr, Val slotBase,
                         Var busyVar, Val table) {
  // owns(opcode), and with the tenant gate (\p table != 0) the tenant's
  // mask too: a refused slot stays PUBLISHED and does not keep us busy.
  auto wanted = [&](Val opc) {
    Val r = ownsOpcode(shardIndex, opc);
    if (table)
      r = land(r, tenantAllows(table, slotBase));
    return r;
  };
  Var heldVar = k.local(Ty::Bool);
  k.name(heldVar, "held");
  k.set(heldVar, k.boolean(false));
  auto setBusyIf = [&](Val cond) {
    Val was = k.get(busyVar);
    k.set(busyVar, lor(was, cond));
  };
  auto opcodeWord = [&] { return slotWord(slotBase, P(PV::slot_OPCODE_WORD)); };
  Val st = k.atomic(AtomicOp::Load, MemoryOrder::Acquire, statusPtr, {});
  setBusyIf(eq(st, P(PV::status_CLAIMED)));
  k.ifThen(eq(st, P(PV::status_PUBLISHED)), [&] {
    Val mine = wanted(opcodeWord());
    setBusyIf(mine);
    k.ifThen(mine, [&] {
      k.ifThen(claim(statusPtr), [&] {
        Val still = wanted(opcodeWord()); // read again: see above
        k.set(heldVar, still);
        k.ifThen(lnot(still), [&] {
          k.atomic(AtomicOp::Store, MemoryOrder::Release, statusPtr,
                   {P(PV::status_PUBLISHED)});
        });
      });
    });
  });
  return k.get(heldVar);
}
