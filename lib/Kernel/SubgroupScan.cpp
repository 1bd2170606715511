//===- SubgroupScan.cpp - the subgroup loop's step -----------------------===//
#include "Skeleton.h"

using namespace vyre;
using namespace vyre::kernel;

/// claimBatch slots per invocation, aggregated over the subgroup
/// (docs/protocol.md, "The subgroup skeleton"); slot i of the batch is
/// s + i * nthreads:
///   status_i = in ring ? atomic_load(status, relaxed) : 0   (all i first)
///   won_i = status_i == PUBLISHED && CAS(PUBLISHED -> CLAIMED, acquire) won
///   metrics: one add per distinct opcode among the winners, per i
///   n = winners in the subgroup, over every i
///   if won_i: claimed_any = true; run_slot (without its metrics add)
///   if n > 0:
///     barrier; one invocation: DONE_COUNT += n (release); barrier
///     if won_i: status = DONE (release)
/// The subgroup operations come before the handlers, whose branches split
/// the subgroup; the first barrier joins it again.
void MegakernelBuilder::subgroupStep(Val s, Val nthreads, Val scanSlots) {
  unsigned batch = plan.claimBatch;
  BatchReads r = readBatch(s, nthreads, scanSlots);
  const std::vector<Val> &slotBase = r.slotBase;
  std::vector<Val> won(batch), opcode(batch);
  for (unsigned i = 0; i < batch; ++i) {
    k.set(step.won[i], k.boolean(false));
    k.set(step.opcode[i], c(0));
    tryClaim(r, i, [&](Val w) {
      k.set(step.won[i], w);
      k.ifThen(w, [&] {
        k.set(step.opcode[i], slotWord(slotBase[i], P(PV::slot_OPCODE_WORD)));
      });
    });
  }
  Val n = 0;
  for (unsigned i = 0; i < batch; ++i) {
    won[i] = k.get(step.won[i]);
    opcode[i] = k.get(step.opcode[i]);
    subgroupMetrics(won[i], opcode[i]);
    if (!k.hasSubgroupBarrier())
      continue; // countDone adds per invocation: no subgroup total
    Val ni = k.group(GroupOp::BallotCount, {won[i]});
    n = i ? add(n, ni) : ni;
  }
  for (unsigned i = 0; i < batch; ++i)
    k.ifThen(won[i], [&] {
      k.set(step.claimed, k.boolean(true));
      runSlot(slotBase[i], opcode[i], /*countMetrics=*/false);
    });
  auto own = [&] { // this invocation's winners
    Val count = c(0);
    for (unsigned i = 0; i < batch; ++i)
      count = add(count, select(won[i], c(1), c(0)));
    return count;
  };
  countDone(n, own, [&](bool released) {
    storeDone(
        batch, [&](unsigned i) { return won[i]; },
        [&](unsigned i) { return slotBase[i]; },
        released ? MemoryOrder::Relaxed : MemoryOrder::Release);
  });
}

/// metrics[op] += (winners whose opcode is op), one relaxed add per
/// distinct counted opcode among the subgroup's winners:
///   pending = won && opcode < METRICS_SLOTS
///   while any(pending):
///     if pending:
///       lead = broadcast_first(opcode)     // the first pending opcode
///       mine = opcode == lead
///       if elect(): metrics[lead] += ballot_count(mine)
///       if mine: pending = false
void MegakernelBuilder::subgroupMetrics(Val won, Val opcode) {
  Val counted = lt(opcode, P(PV::control_METRICS_SLOTS));
  k.set(step.pending, land(won, counted));
  k.loop(
      [&] {
        Val pending = k.get(step.pending);
        return k.group(GroupOp::Any, {pending});
      },
      [&] {
        Val pending = k.get(step.pending);
        k.ifThen(pending, [&] {
          Val lead = k.group(GroupOp::BroadcastFirst, {opcode});
          Val mine = eq(opcode, lead);
          Val n = k.group(GroupOp::BallotCount, {mine});
          Val elected = k.group(GroupOp::Elect, {});
          k.ifThen(elected, [&] {
            Val idx = add(P(PV::control_METRICS_BASE), lead);
            k.atomic(AtomicOp::Add, MemoryOrder::Relaxed, control(idx), {n});
          });
          k.ifThen(mine, [&] { k.set(step.pending, k.boolean(false)); });
        });
      },
      [] {});
}
