//===- Slots.cpp - what every loop does with a slot: claim, run, count ---===//
#include "Skeleton.h"

using namespace vyre;
using namespace vyre::kernel;

/// if opcode < METRICS_SLOTS: control[METRICS_BASE + opcode] += \p n
/// (relaxed).
void MegakernelBuilder::countMetric(Val opcode, Val n) {
  Val counted = lt(opcode, P(PV::control_METRICS_SLOTS));
  k.ifThen(counted, [&] {
    Val idx = add(P(PV::control_METRICS_BASE), opcode);
    k.atomic(AtomicOp::Add, MemoryOrder::Relaxed, control(idx), {n});
  });
}

/// control[\p counter] += 1 (relaxed): one of the error counters.
void MegakernelBuilder::countError(PV counter) {
  Ptr word = control(c(L(counter)));
  k.atomic(AtomicOp::Add, MemoryOrder::Relaxed, word, {c(1)});
}

/// for (*\p var = 0; *\p var < \p bound; ++*\p var) body(*\p var)
void MegakernelBuilder::countUp(Var var, Val bound,
                       llvm::function_ref<void(Val i)> body) {
  k.set(var, c(0));
  Val i = 0;
  k.loop(
      [&] {
        i = k.get(var);
        return lt(i, bound);
      },
      [&] { body(i); }, [&] { k.set(var, add(i, c(1))); });
}

/// The status word of the slot at \p slotBase.
Ptr MegakernelBuilder::statusPointer(Val slotBase) {
  Val statusIndex = add(slotBase, P(PV::slot_STATUS_WORD));
  return k.element(sema.ringBuffer, statusIndex);
}

/// Claim: CAS PUBLISHED -> CLAIMED with acquire semantics (or relaxed,
/// where the caller fences after it); true if won.
Val MegakernelBuilder::claim(Ptr statusPtr, MemoryOrder order) {
  Val published = P(PV::status_PUBLISHED);
  Val claimed = P(PV::status_CLAIMED);
  Val old = k.atomic(AtomicOp::CompareExchange, order, statusPtr,
                     {published, claimed});
  return eq(old, P(PV::status_PUBLISHED));
}

/// ring_buffer[slot_base + offset]
Val MegakernelBuilder::slotWord(Val slotBase, Val offset) {
  Val at = add(slotBase, offset);
  return k.load(k.element(sema.ringBuffer, at));
}

/// ring_buffer[slot_base + slot.ARG0_WORD + 0 .. 2]: a plain slot's
/// arguments.
MegakernelBuilder::SlotArgs MegakernelBuilder::slotArgs(Val slotBase) {
  SlotArgs args;
  for (uint32_t j = 0; j < args.size(); ++j)
    args[j] = slotWord(slotBase, j ? c(L(PV::slot_ARG0_WORD) + j)
                                   : P(PV::slot_ARG0_WORD));
  return args;
}

/// run_slot: reads the arguments (and the opcode, unless \p opcode is
/// given), counts the metric if \p countMetrics, calls dispatch_op and
/// decodes a packed slot; in the grouped loop's shard 0, runSlotOps.
void MegakernelBuilder::runSlot(Val slotBase, Val opcode, bool countMetrics) {
  if (!opcode)
    opcode = slotWord(slotBase, P(PV::slot_OPCODE_WORD));
  if (!step.opArgs.empty()) { // the grouped loop's main: one call for every op
    if (countMetrics) // its doorbell window (runClaimedSlot)
      countMetric(opcode, c(1));
    return runSlotOps(slotBase, opcode);
  }
  SlotArgs args = slotArgs(slotBase);
  if (countMetrics)
    countMetric(opcode, c(1));
  k.call(dispatchFns[shard], std::nullopt,
         {slotBase, opcode, args[0], args[1], args[2]});
  if (shard) // only shard 0 claims PACKED_SLOT
    return;
  Val isPacked = eq(opcode, P(PV::opcode_PACKED_SLOT));
  k.ifThen(isPacked, [&] { k.call(packedFn, std::nullopt, {slotBase}); });
}

/// run_slot in the grouped loop's shard 0, with one dispatch_op call for a
/// plain slot's op and every inner op of a packed slot (a driver inlines
/// each call site's copy of every handler). decode_packed's checks and
/// counts, in the same order; a packed slot's own opcode, which no
/// handler takes, is not dispatched:
///   ops = 1;  if opcode == PACKED_SLOT: ops = packed count (clamp counted)
///   for i in 0 .. ops:
///     if opcode == PACKED_SLOT: op, args = inner op i, if it fits
///        (metrics += 1; else PACKED_ARITY_COUNT += 1 and op_runs = false)
///     else: op, args = opcode and the slot's arguments
///     if op_runs: dispatch_op(slot_base, op, args)
void MegakernelBuilder::runSlotOps(Val slotBase, Val opcode) {
  Val argBase = add(slotBase, P(PV::slot_ARG0_WORD));
  Val isPacked = eq(opcode, P(PV::opcode_PACKED_SLOT));
  k.set(step.ops, c(1));
  k.ifThen(isPacked, [&] {
    Val count = packedCount(argBase);
    k.set(step.ops, count);
    k.set(step.metaWords, packedMetadataWords(count));
  });
  countUp(step.opIndex, k.get(step.ops), [&](Val i) {
    auto runs = [&](Val op, llvm::ArrayRef<Val> args) {
      k.set(step.op, op);
      for (unsigned j = 0; j < args.size(); ++j)
        k.set(step.opArgs[j], args[j]);
      k.set(step.opRuns, k.boolean(true));
    };
    k.ifElse(
        isPacked,
        [&] {
          k.set(step.opRuns, k.boolean(false));
          packedInnerOp(argBase, k.get(step.metaWords), i, runs);
        },
        [&] { runs(opcode, slotArgs(slotBase)); });
    k.ifThen(k.get(step.opRuns), [&] {
      k.call(dispatchFns[0], std::nullopt,
             {slotBase, k.get(step.op), k.get(step.opArgs[0]),
              k.get(step.opArgs[1]), k.get(step.opArgs[2])});
    });
  });
}

/// A claimed slot, per invocation: run_slot (metrics += 1), then
/// DONE_COUNT += 1 and status = DONE, both release (the handler's writes
/// happen before), then the completion mirror's word (mirrorDone).
void MegakernelBuilder::runClaimedSlot(Val slotBase, Ptr statusPtr) {
  runSlot(slotBase, /*opcode=*/0, /*countMetrics=*/true);
  Ptr doneCount = control(P(PV::control_DONE_COUNT));
  k.atomic(AtomicOp::Add, MemoryOrder::Release, doneCount, {c(1)});
  k.atomic(AtomicOp::Store, MemoryOrder::Release, statusPtr,
           {P(PV::status_DONE)});
  if (sema.completions) {
    k.fence(/*acquire=*/false, /*release=*/true);
    mirrorDone(slotBase);
  }
}

/// status = DONE (\p order) for each slot i < \p n of a batch that \p won,
/// then, where the module has a completion mirror, one release fence and
/// each such slot's mirror word (mirrorDone): a host that sees the mirror
/// may publish into the slot at once, so the ring's DONE must be in place
/// first, or it could land over the host's next PUBLISHED.
void MegakernelBuilder::storeDone(unsigned n,
                                  llvm::function_ref<Val(unsigned)> won,
                                  llvm::function_ref<Val(unsigned)> slotBase,
                                  MemoryOrder order) {
  for (unsigned i = 0; i < n; ++i)
    k.ifThen(won(i), [&] {
      k.atomic(AtomicOp::Store, order, statusPointer(slotBase(i)),
               {P(PV::status_DONE)});
    });
  if (!sema.completions)
    return;
  k.fence(/*acquire=*/false, /*release=*/true);
  for (unsigned i = 0; i < n; ++i)
    k.ifThen(won(i), [&] { mirrorDone(slotBase(i)); });
}

/// The completion mirror (docs/protocol.md, "The completion mirror"), after
/// the slot's DONE store and a release fence:
///   s = slot_base / slot.WORDS
///   if s < OpArrayLength(completions): completions[s] = DONE (relaxed)
/// The host may bind fewer words than slot.COUNT (or specialize a larger
/// count): a slot past them has no mirror word, and the host sees its DONE
/// in the ring only.
void MegakernelBuilder::mirrorDone(Val slotBase) {
  Val slot = op(BinaryOp::Div, slotBase, c(std::max(L(PV::slot_WORDS), 1u)));
  k.ifThen(lt(slot, completionWords), [&] {
    k.atomic(AtomicOp::Store, MemoryOrder::Relaxed,
             k.element(sema.completions, slot), {P(PV::status_DONE)});
  });
}

/// The tenant gate (kernel.TENANT_GATE, Priority.cpp): true if the slot's
/// tenant may be claimed this pass; always true without the gate.
void MegakernelBuilder::ifTenantAllows(Val slotBase, llvm::function_ref<void()> then) {
  if (!step.tenantTable)
    return then();
  k.ifThen(tenantAllows(step.tenantTable, slotBase), then);
}

/// The status reads that begin a batch, slot k of which is s + k *
/// nthreads: slot_base_k, s_k < scan, and status_k = atomic_load(status,
/// relaxed; acquire under the tenant gate, which then reads the slot's
/// tenant word). A plain read first: no CAS on slots that are not
/// PUBLISHED. Every invocation reads every k (a slot past the scan reads
/// slot min(s_k, scan - 1), or 0 for an empty scan, and ignores it), so the
/// batch's reads overlap.
MegakernelBuilder::BatchReads MegakernelBuilder::readBatch(Val s, Val nthreads, Val scanSlots) {
  return readBatch(s, nthreads, scanSlots, 0, plan.claimBatch);
}

/// Slots \p from .. \p to - 1 of the batch only (the rest of the entries
/// stay 0).
MegakernelBuilder::BatchReads MegakernelBuilder::readBatch(Val s, Val nthreads, Val scanSlots,
                                         unsigned from, unsigned to) {
  unsigned batch = plan.claimBatch;
  BatchReads r{std::vector<Val>(batch), std::vector<Val>(batch),
               std::vector<Val>(batch)};
  Val lastSlot = sub(umax(scanSlots, c(1)), c(1));
  for (unsigned i = from; i < to; ++i) {
    Val si = s;
    if (i) {
      Val step = i == 1 ? nthreads : mul(nthreads, c(i));
      si = add(s, step);
    }
    r.inRing[i] = lt(si, scanSlots);
    r.slotBase[i] = mul(si, P(PV::slot_WORDS));
    Val clampedBase = mul(umin(si, lastSlot), P(PV::slot_WORDS));
    r.status[i] = k.atomic(AtomicOp::Load,
                           step.tenantTable ? MemoryOrder::Acquire
                                            : MemoryOrder::Relaxed,
                           statusPointer(clampedBase), {});
  }
  return r;
}

/// Slot \p i of a batch: if s_i < scan, status_i == PUBLISHED and the
/// tenant gate allows it, CAS(PUBLISHED -> CLAIMED, acquire), and \p then
/// with whether it was won.
void MegakernelBuilder::tryClaim(const BatchReads &r, unsigned i,
                        llvm::function_ref<void(Val won)> then,
                        MemoryOrder order) {
  Val published = land(r.inRing[i], eq(r.status[i], P(PV::status_PUBLISHED)));
  k.ifThen(published, [&] {
    ifTenantAllows(r.slotBase[i],
                   [&] { then(claim(statusPointer(r.slotBase[i]), order)); });
  });
}

/// The end of a subgroup's step or batch, once its \p n slots have run
/// (subgroup-uniform):
///   if n > 0:
///     subgroup_barrier(then release)  // every handler's writes happen
///     if elect(): DONE_COUNT += n     // before the add (released by the
///                                     // barrier's last fence) ...
///     subgroup_barrier(then release)  // ... which happens before
///     markDone(released)              // every DONE store (released too)
/// Without a subgroup barrier (WGSL) the lanes, split by the handlers, may
/// not have converged again, and an elect() could then pick one lane per
/// group of them: each invocation adds its \p own slots instead (\p n is
/// then not computed), and markDone(not released) releases its stores.
void MegakernelBuilder::countDone(Val n, llvm::function_ref<Val()> own,
                                  llvm::function_ref<void(bool)> markDone) {
  if (!k.hasSubgroupBarrier()) {
    Val mine = own();
    k.ifThen(ne(mine, c(0)), [&] {
      Ptr doneCount = control(P(PV::control_DONE_COUNT));
      k.atomic(AtomicOp::Add, MemoryOrder::Release, doneCount, {mine});
      markDone(/*released=*/false);
    });
    return;
  }
  // Four fences where a release add and a release store would each add
  // one more: on an NVIDIA GPU each is a MEMBAR, and a NOP slot's path has
  // few other costs (docs/protocol.md, "The subgroup barrier").
  k.ifThen(ne(n, c(0)), [&] {
    k.subgroupBarrier(/*thenRelease=*/true);
    k.ifThen(k.group(GroupOp::Elect, {}), [&] {
      Ptr doneCount = control(P(PV::control_DONE_COUNT));
      k.atomic(AtomicOp::Add, MemoryOrder::Relaxed, doneCount, {n});
    });
    k.subgroupBarrier(/*thenRelease=*/true);
    markDone(/*released=*/true);
  });
}
