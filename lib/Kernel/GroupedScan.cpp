//===- GroupedScan.cpp - the grouped loop --------------------------------===//
//
// docs/protocol.md, "The grouped skeleton", states its shape and argues
// each guarantee. Run apart, a subgroup's slots of one opcode would each pay
// for the whole subgroup's pass through the handler, and the built-in
// handlers' atomics on shared control words would go out one slot at a
// time; on an H200 that was most of a mixed ring's time
// (bench/RESULTS-gpu.md).
//
//===----------------------------------------------------------------------===//
#include "Skeleton.h"

using namespace vyre;
using namespace vyre::kernel;

/// The grouped loop's scan of one pass: a loop of subgroup-uniform rounds,
/// each of which either runs every claimed slot of one opcode or, once the
/// subgroup has run its whole batch, finishes that batch and claims the next
/// one:
///   s = gid; won = unrun = 0
///   while any(s < scan or won != 0):
///     if any(unrun != 0): run_group()
///     else: finish_batch(); claim_batch(s); s += claimBatch * nthreads
void MegakernelBuilder::groupedScan(Val gid, Val nthreads, Val scanSlots, Var slotVar) {
  k.set(slotVar, gid);
  k.set(step.unrun, c(0));
  k.set(step.wonBits, c(0));
  Val s = 0;
  k.loop(
      [&] {
        s = k.get(slotVar);
        Val won = k.get(step.wonBits);
        Val inRing = lt(s, scanSlots);
        Val more = lor(inRing, ne(won, c(0)));
        return k.group(GroupOp::Any, {more});
      },
      [&] {
        Val unrun = k.get(step.unrun);
        Val running = k.group(GroupOp::Any, {ne(unrun, c(0))});
        k.ifElse(
            running, [&] { runGroup(unrun); },
            [&] {
              finishBatch();
              claimBatchAt(s, nthreads, scanSlots, slotVar);
            });
      },
      [] {});
}

/// claim_batch: up to claimBatch slots per invocation; slot i of the batch
/// is s + i * nthreads. The first kFirstClaim slots are claimed first; a
/// subgroup whose claimed slots then share one opcode runs them at once
/// (every round is already full, and on an H200 a ring of one opcode runs
/// fastest in batches of 4: docs/gpu-runs.md), any other claims the rest of
/// the batch, so that the grouped rounds fill:
///   claim(0 .. first)
///   if min and max over the subgroup of the claimed opcodes differ (or it
///      claimed nothing): claim(first .. batch); s += batch * nthreads
///   else: s += first * nthreads
///   unrun = won; if won != 0: claimed_any = true
///   synced = false         // barrier (0) before the first spread round
/// where claim(i0 .. i1) is, for each i (the status reads first, they
/// overlap):
///   status_i = atomic_load(status, relaxed)
///   if s_i < scan and status_i == PUBLISHED
///      and CAS(status, PUBLISHED -> CLAIMED, relaxed) won:
///     won |= 1 << i; base[i] = slot_base
/// then, if any(won gained a bit): fence(acquire)   (subgroup-uniform)
/// and for each i won here: opcode[i] = the slot's opcode
/// Every invocation of the subgroup advances s by the same amount, so
/// invocation gid still scans exactly the slots s == gid mod nthreads, in
/// order. The claim fence acquires each claim for its claimer; barrier (0)
/// (syncClaims) passes it on to another invocation that runs the slot.
void MegakernelBuilder::claimBatchAt(Val s, Val nthreads, Val scanSlots, Var slotVar) {
  unsigned batch = plan.claimBatch;
  unsigned first = std::min(batch, kFirstClaim);
  auto advance = [&](unsigned slots) {
    Val next = add(s, mul(nthreads, c(slots)));
    k.set(slotVar, next);
  };
  claimRange(s, nthreads, scanSlots, 0, first);
  if (first < batch) {
    k.ifElse(
        claimedOpcodesDiffer(first),
        [&] {
          claimRange(s, nthreads, scanSlots, first, batch);
          advance(batch);
        },
        [&] { advance(first); });
  } else {
    advance(batch);
  }
  Val won = k.get(step.unrun);
  k.set(step.wonBits, won);
  Val any = ne(won, c(0));
  k.ifThen(any, [&] { k.set(step.claimed, k.boolean(true)); });
  // Barrier (0) waits for the batch's first spread round (runRounds).
  if (step.synced)
    k.set(step.synced, k.boolean(false));
}

/// claim(from .. to) of claimBatchAt.
void MegakernelBuilder::claimRange(Val s, Val nthreads, Val scanSlots, unsigned from,
                          unsigned to) {
  BatchReads r = readBatch(s, nthreads, scanSlots, from, to);
  Val before = k.get(step.unrun);
  for (unsigned i = from; i < to; ++i) {
    tryClaim(
        r, i,
        [&](Val w) {
          k.ifThen(w, [&] {
            Val unrun = k.get(step.unrun);
            k.set(step.unrun, bitOr(unrun, c(1u << i)));
            k.set(step.base[i], r.slotBase[i]);
          });
        },
        MemoryOrder::Relaxed);
  }
  // One acquire fence for the range's CASes, where the subgroup won any
  // (subgroup-uniform, so no fence sits in divergent control flow, and an
  // idle pass runs none), instead of one after each won CAS: on an NVIDIA
  // GPU each is a MEMBAR.
  Val won = k.get(step.unrun);
  if (k.hasFences())
    k.ifThen(k.group(GroupOp::Any, {ne(won, before)}),
             [&] { k.fence(/*acquire=*/true, /*release=*/false); });
  for (unsigned i = from; i < to; ++i) {
    Val bit = ne(bitAnd(won, c(1u << i)), c(0));
    k.ifThen(bit, [&] {
      k.set(step.opcode[i], slotWord(k.get(step.base[i]), P(PV::slot_OPCODE_WORD)));
    });
  }
}

/// Subgroup-uniform: whether the slots the subgroup claimed among the
/// batch's first \p count do not all have one opcode (true also when it
/// claimed none): the Min over the subgroup of each invocation's lowest
/// claimed opcode differs from the Max of its highest.
Val MegakernelBuilder::claimedOpcodesDiffer(unsigned count) {
  Val won = k.get(step.unrun);
  Val lo = c(0xFFFFFFFFu), hi = c(0);
  for (unsigned i = 0; i < count; ++i) {
    Val bit = bitAnd(won, c(1u << i));
    Val has = ne(bit, c(0));
    Val opc = k.get(step.opcode[i]);
    lo = select(has, umin(lo, opc), lo);
    hi = select(has, umax(hi, opc), hi);
  }
  Val groupLo = k.group(GroupOp::Min, {lo});
  Val groupHi = k.group(GroupOp::Max, {hi});
  return ne(groupLo, groupHi);
}

/// run_group: every unrun slot of the subgroup's smallest pending opcode,
/// spread over the subgroup so that each pass through the handler runs a
/// whole subgroup of slots:
///   lead  = min over the subgroup of (unrun != 0 ? opcode[lowest bit of
///                                     unrun] : ~0u)
///   mine  = bits i of unrun with opcode[i] == lead;  unrun &= ~mine
///   if lead < METRICS_SLOTS and elect():
///     metrics[lead] += add over the subgroup of popcount(mine)
///   run_rounds(mine): own rounds while every invocation has a slot in
///     mine, then the rest spread over the subgroup (runRounds)
void MegakernelBuilder::runGroup(Val unrun) {
  unsigned batch = plan.claimBatch;
  Batch slots{std::vector<Val>(batch), std::vector<Val>(batch)};
  for (unsigned i = 0; i < batch; ++i) {
    slots.opcode[i] = k.get(step.opcode[i]);
    slots.base[i] = k.get(step.base[i]);
  }
  Val pending = ne(unrun, c(0));
  Val lowest = lowestBit(unrun);
  Val entry = pickEntry(slots.opcode, lowest);
  Val first = select(pending, entry, c(~0u));
  Val lead = k.group(GroupOp::Min, {first});
  Val mine = c(0);
  for (unsigned i = 0; i < batch; ++i) {
    Val same = eq(slots.opcode[i], lead);
    Val bit = c(1u << i);
    mine = bitOr(mine, select(same, bit, c(0)));
  }
  mine = bitAnd(mine, unrun);
  Val notMine = k.unary(UnaryOp::BitNot, mine);
  k.set(step.unrun, bitAnd(unrun, notMine));
  Val all = k.group(GroupOp::Add, {k.bits(BitOp::Count, mine)});
  k.ifThen(lt(lead, P(PV::control_METRICS_SLOTS)), [&] {
    k.ifThen(k.group(GroupOp::Elect, {}), [&] {
      Val idx = add(P(PV::control_METRICS_BASE), lead);
      k.atomic(AtomicOp::Add, MemoryOrder::Relaxed, control(idx), {all});
    });
  });
  // The subgroup's invocations, all active here (the scan's rounds are
  // subgroup-uniform): lanes 0 .. width - 1, fewer than the subgroup size
  // in a workgroup smaller than a subgroup.
  Val width = k.group(GroupOp::BallotCount, {k.boolean(true)});
  runRounds(slots, mine, lead, width);
}

/// values[bit]: the OR of every entry masked by (bit == i ? ~0 : 0) (the
/// batch is a handful of registers, not an indexable array). Not a chain
/// of selects of the entries: translators write a select as a lazy `?:`
/// (spirv-cross, into HLSL and GLSL) and may inline an entry's shuffle into
/// it, which then runs only in the lanes that pick that entry and reads
/// lanes that skipped it.
Val MegakernelBuilder::pickEntry(llvm::ArrayRef<Val> values, Val bit) {
  Val v = c(0);
  for (unsigned i = 0; i < values.size(); ++i) {
    Val mask = select(eq(bit, c(i)), c(~0u), c(0));
    v = bitOr(v, bitAnd(values[i], mask));
  }
  return v;
}

/// The lowest set bit of bits | 1 << 31: never of 0, which drivers may
/// treat as undefined; a batch has at most 32 slots, so the extra bit never
/// hides a real one.
Val MegakernelBuilder::lowestBit(Val bitsVal) {
  Val nonzero = bitOr(bitsVal, c(0x80000000u));
  return k.bits(BitOp::FindLsb, nonzero);
}

/// The slots of \p mine in one loop of subgroup-uniform rounds, each of
/// which picks a slot per invocation and then runs it at the loop's one
/// run_slot (a driver inlines every call of the dispatch function, and
/// each call site would hold a copy of every handler):
///   own = mine;  chunk = 0
///   while chunk < (total = add over the subgroup of popcount(own)):
///     if ballot_count(own != 0) == width:               (uniform)
///       own round: slot = base[lowest bit of own]; clear that bit
///     else:       spread round: own stays, and with it total
///       slot = spreadSlot(chunk); runs = chunk + lane < total
///       chunk += width
///     if runs: run_slot(slot) without its metrics add
/// Own rounds while every invocation has a slot of its own left: each runs
/// its lowest, with no shuffle (a ring of one opcode needs little else);
/// measured on an H200, partly filled own rounds cost the mix more than
/// the shuffles they save. An own round leaves chunk at 0 and total above
/// it (every lane has a slot), so the loop goes on; the first round that
/// is not full starts the spread, which never changes own again.
void MegakernelBuilder::runRounds(const Batch &slots, Val mine, Val lead, Val width) {
  k.set(step.own, mine);
  k.set(step.chunk, c(0));
  Val own = 0, chunk = 0, total = 0;
  k.loop(
      [&] {
        own = k.get(step.own);
        chunk = k.get(step.chunk);
        total = k.group(GroupOp::Add, {k.bits(BitOp::Count, own)});
        return lt(chunk, total);
      },
      [&] {
        Val busy = k.group(GroupOp::BallotCount, {ne(own, c(0))});
        k.ifElse(
            eq(busy, width),
            [&] {
              k.set(step.own, bitAnd(own, sub(own, c(1))));
              k.set(step.runBase, pickEntry(slots.base, lowestBit(own)));
              k.set(step.runs, k.boolean(true));
            },
            [&] {
              syncClaims();
              Val lane = k.builtin(Builtin::SubgroupLane);
              Val i = add(chunk, lane);
              k.set(step.runBase, spreadSlot(slots, own, i, width));
              k.set(step.runs, lt(i, total));
              k.set(step.chunk, add(chunk, width));
            });
        k.ifThen(k.get(step.runs), [&] {
          runSlot(k.get(step.runBase), lead, /*countMetrics=*/false);
        });
      },
      [] {});
}

/// Barrier (0), once per batch, before its first spread round (subgroup-
/// uniform): a spread round's runner reads a slot another invocation
/// claimed, and the barrier passes that claim's acquire on to it. Own
/// rounds run only the runner's own claims, which its claim fence
/// acquired, so a batch without a spread round (a ring of one opcode)
/// runs no barrier (on an NVIDIA GPU a fence is a MEMBAR).
void MegakernelBuilder::syncClaims() {
  if (!step.synced)
    return;
  k.ifThen(lnot(k.get(step.synced)), [&] {
    k.subgroupBarrier();
    k.set(step.synced, k.boolean(true));
  });
}

/// The base of slot number \p i of a spread round: the slots left in
/// \p mine over the subgroup, numbered by an exclusive scan; invocation i
/// of a chunk takes the base of slot number chunk + i from its claimer (the
/// owner) by shuffles. Every invocation takes part (the shuffles read every
/// lane), also those whose i is past the total.
Val MegakernelBuilder::spreadSlot(const Batch &slots, Val mine, Val i, Val width) {
  unsigned batch = plan.claimBatch;
  Val count = k.bits(BitOp::Count, mine);
  Val before = k.group(GroupOp::ExclusiveAdd, {count});
  Val upTo = add(before, count);
  Val owner = ownerOf(i, upTo, width);
  Val ownerMine = k.group(GroupOp::Shuffle, {mine, owner});
  Val ownerFirst = k.group(GroupOp::Shuffle, {before, owner});
  // j = the position of the (i - ownerFirst)-th set bit of ownerMine:
  // bit j is it iff it is set and exactly that many bits lie below.
  Val rank = sub(i, ownerFirst);
  Val j = c(0);
  for (unsigned b = 1; b < batch; ++b) {
    Val lowMask = bitAnd(ownerMine, c((1u << b) - 1));
    Val below = k.bits(BitOp::Count, lowMask);
    Val bit = bitAnd(ownerMine, c(1u << b));
    Val set = ne(bit, c(0));
    Val hit = land(eq(below, rank), set); // the shuffle's side first
    j = select(hit, c(b), j);
  }
  // The owner's base[j]: one shuffle per batch entry.
  std::vector<Val> ownerBase(batch);
  for (unsigned b = 0; b < batch; ++b)
    ownerBase[b] = k.group(GroupOp::Shuffle, {slots.base[b], owner});
  return pickEntry(ownerBase, j);
}

/// The lane whose slot numbers [upTo - count, upTo) hold \p i: the number
/// of lanes whose range ends at or before i (upTo rises with the lane
/// index), found by a binary search over the subgroup, one shuffle per
/// halving, every lane taking part.
Val MegakernelBuilder::ownerOf(Val i, Val upTo, Val width) {
  Val lastLane = sub(width, c(1));
  Val owner = c(0);
  for (uint32_t half = kMaxSubgroupSize / 2; half; half /= 2) {
    Val probe = add(owner, c(half - 1));
    Val inside = lt(probe, width);
    Val at = umin(probe, lastLane);
    Val ends = k.group(GroupOp::Shuffle, {upTo, at});
    // The shuffle's operand first: translators write `land` as a
    // short-circuit && (spirv-cross, into HLSL and GLSL) and may inline
    // the shuffle into it; as the right operand it would run only in the
    // lanes where the left holds, reading lanes that skipped it.
    Val past = land(op(BinaryOp::Le, ends, i), inside);
    Val next = add(owner, c(half));
    owner = select(past, next, owner);
  }
  return umin(owner, lastLane);
}

/// finish_batch, once the subgroup has run every slot of the batch (as the
/// subgroup loop's step ends):
///   n = add over the subgroup of popcount(won)
///   if n > 0:                                     (subgroup-uniform)
///     subgroup_barrier()          // every handler's writes happen before
///     if elect(): DONE_COUNT += n (release)
///     subgroup_barrier()          // ... the add, which happens before
///     fence(release); for i in won: status(base[i]) = DONE   // each DONE
///     [completion mirror: fence(release); for i in won: mirror(base[i])]
///   won = 0
void MegakernelBuilder::finishBatch() {
  Val won = k.get(step.wonBits);
  Val claimed = k.bits(BitOp::Count, won);
  // The subgroup's total, where countDone uses it (a subgroup barrier).
  Val n = k.hasSubgroupBarrier() ? k.group(GroupOp::Add, {claimed}) : 0;
  countDone(n, [&] { return claimed; }, [&](bool released) {
    k.ifThen(ne(won, c(0)), [&] {
      if (!released)
        k.fence(/*acquire=*/false, /*release=*/true);
      storeDone(
          plan.claimBatch,
          [&](unsigned i) { return ne(bitAnd(won, c(1u << i)), c(0)); },
          [&](unsigned i) { return k.get(step.base[i]); },
          MemoryOrder::Relaxed);
    });
  });
  k.set(step.wonBits, c(0));
}
