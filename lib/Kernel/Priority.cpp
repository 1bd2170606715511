//===- Priority.cpp - the tenant gate and the priority schedule ----------===//
//
// The two choices vyre's megakernel makes about which slots a pass claims
// (docs/protocol.md, "Tenants" and "Schedules"):
//
//   kernel.TENANT_GATE = 1   a slot is claimed only if its tenant's mask
//                            word control[control[TENANT_BASE] + tenant] is
//                            non-zero (tenantAllows, inline in the loop)
//   kernel.SCHEDULE = schedule.PRIORITY
//                            each pass claims one slot, scanning the ring's
//                            priority partitions from the most urgent
//                            (claim_by_priority, a function main calls)
//
// The interpreter (lib/Interp) models both statement for statement.
//
//===----------------------------------------------------------------------===//
#include "Skeleton.h"

using namespace vyre;
using namespace vyre::kernel;

/// The priority schedule's "no slot": claim_by_priority found none.
static constexpr uint32_t kNoSlot = 0xFFFFFFFFu;

/// control[TENANT_BASE], the tenant-mask table's first word.
Val MegakernelBuilder::tenantTable() {
  return k.atomic(AtomicOp::Load, MemoryOrder::Relaxed,
                  control(c(L(PV::control_TENANT_BASE))), {});
}

/// The tenant gate: true if the slot at \p slotBase may be claimed: its
/// tenant's mask word control[\p table + tenant] is inside the bound control
/// buffer and non-zero. u32 arithmetic, as vyre's; a mask word outside the
/// bound buffer refuses the slot. Branch-free: the load reads a clamped,
/// in-range word and the range test decides.
Val MegakernelBuilder::tenantAllows(Val table, Val slotBase) {
  Val tenantAt = add(slotBase, c(L(PV::slot_TENANT_WORD)));
  Val tenant = k.load(k.element(sema.ringBuffer, tenantAt));
  Val at = add(table, tenant);
  Val len = k.arrayLength(sema.control);
  Val inRange = lt(at, len);
  Val last = sub(len, c(1));
  Val clamped = umin(at, last);
  Val mask = k.atomic(AtomicOp::Load, MemoryOrder::Relaxed, control(clamped), {});
  Val set = ne(mask, c(0));
  return land(inRange, set);
}

/// One pass of the priority schedule: claim_by_priority picks at most one
/// slot; main runs it (metrics, dispatch, DONE_COUNT, DONE per slot, as the
/// portable step). Ends the pass body with the leave test.
void MegakernelBuilder::priorityPass(Val gid, Val nthreads, Val scanSlots,
                            Val shutdown) {
  Val s = k.call(claimFn, Ty::U32, {gid, nthreads, scanSlots});
  Val got = ne(s, c(kNoSlot));
  k.ifThen(got, [&] {
    Val slotBase = mul(s, P(PV::slot_WORDS));
    runClaimedSlot(slotBase, statusPointer(slotBase));
    probeLoopLimit(nthreads);
  });
  Val idle = lnot(got);
  Val stop = ne(shutdown, c(0));
  Val leave = land(idle, stop);
  k.set(leftVar, leave);
  k.breakIf(leave);
}

/// claim_by_priority(gid, nthreads, scan) -> the claimed slot index, or
/// kNoSlot: docs/protocol.md, "Schedules".
Fn MegakernelBuilder::priorityClaimFunction() {
  const uint32_t levels = L(PV::priority_LEVELS);
  const uint32_t high = L(PV::priority_HIGH);
  Fn fn = k.declare();
  k.define(fn, "claim_by_priority", 3, Ty::U32, Inline::Default,
           {"gid", "nthreads", "scan"}, [&](llvm::ArrayRef<Val> params) {
    Val gid = params[0], nthreads = params[1], scan = params[2];
    Var foundVar = k.local(Ty::U32), foundPVar = k.local(Ty::U32),
        qVar = k.local(Ty::U32), sVar = k.local(Ty::U32);
    k.name(foundVar, "found");
    k.name(foundPVar, "found_priority");
    k.name(qVar, "q");
    k.name(sVar, "s");
    k.set(foundVar, c(kNoSlot));
    k.set(foundPVar, c(0));
    k.set(qVar, c(0));
    Val table = plan.tenantGate ? tenantTable() : 0;

    // The starvation guard: after STARVATION_THRESHOLD urgent claims in a
    // row, start at the first less urgent partition (and wrap round to the
    // urgent ones, so they never stall).
    Val streak = k.atomic(AtomicOp::Load, MemoryOrder::Relaxed,
                          control(c(L(PV::control_PRIORITY_STARVATION_COUNTER))),
                          {});
    Val starving = op(BinaryOp::Ge, streak,
                      c(L(PV::priority_STARVATION_THRESHOLD)));
    Val calmFirst = c((high + 1) % levels);
    Val first = select(starving, calmFirst, c(0));
    auto notFound = [&] { return eq(k.get(foundVar), c(kNoSlot)); };

    // for q in 0..LEVELS while nothing found
    Val q = 0;
    k.loop(
        [&] {
          q = k.get(qVar);
          Val none = notFound();
          return land(lt(q, c(levels)), none);
        },
        [&] {
          Val p = op(BinaryOp::Rem, add(first, q), c(levels));
          Val offAt = add(c(L(PV::control_PRIORITY_OFFSETS_BASE)), p);
          Val lo = k.atomic(AtomicOp::Load, MemoryOrder::Relaxed, control(offAt), {});
          Val hi = k.atomic(AtomicOp::Load, MemoryOrder::Relaxed,
                            control(add(offAt, c(1))), {});
          lo = umin(lo, scan);
          hi = umin(hi, scan);
          k.set(sVar, add(lo, gid));
          // for s = lo + gid; s < hi while nothing found; s += nthreads
          Val s = 0;
          k.loop(
              [&] {
                s = k.get(sVar);
                Val none = notFound();
                return land(lt(s, hi), none);
              },
              [&] {
                Val slotBase = mul(s, c(L(PV::slot_WORDS)));
                Ptr statusPtr = k.element(
                    sema.ringBuffer, add(slotBase, c(L(PV::slot_STATUS_WORD))));
                Val st = k.atomic(AtomicOp::Load, MemoryOrder::Acquire,
                                  statusPtr, {});
                // PUBLISHED, YIELD and REQUEUE slots are schedulable
                // (scheduler.rs).
                auto is = [&](PV v) { return eq(st, c(L(v))); };
                Val published = is(PV::status_PUBLISHED);
                Val yielded = is(PV::status_YIELD);
                Val schedulable = lor(published, lor(yielded, is(PV::status_REQUEUE)));
                k.ifThen(schedulable, [&] {
                  Val allowed = plan.tenantGate ? tenantAllows(table, slotBase)
                                                : k.boolean(true);
                  k.ifThen(allowed, [&] {
                    Val claimed = c(L(PV::status_CLAIMED));
                    Val old = k.atomic(AtomicOp::CompareExchange,
                                       MemoryOrder::Acquire, statusPtr,
                                       {st, claimed});
                    k.ifThen(eq(old, st), [&] {
                      k.set(foundVar, s);
                      k.set(foundPVar, p);
                    });
                  });
                });
              },
              [&] { k.set(sVar, add(s, nthreads)); });
        },
        [&] { k.set(qVar, add(q, c(1))); });

    // The accounting (scheduler.rs), before the slot runs: the starvation
    // streak, the tenant's and the priority's claim counters (relaxed).
    Val found = k.get(foundVar);
    Val got = ne(found, c(kNoSlot));
    k.ifThen(got, [&] {
      Val fp = k.get(foundPVar);
      Ptr streakPtr = control(c(L(PV::control_PRIORITY_STARVATION_COUNTER)));
      Val urgent = op(BinaryOp::Le, fp, c(high));
      k.ifElse(
          urgent,
          [&] {
            k.atomic(AtomicOp::Add, MemoryOrder::Relaxed, streakPtr, {c(1)});
          },
          [&] {
            k.atomic(AtomicOp::Store, MemoryOrder::Relaxed, streakPtr, {c(0)});
          });
      Val foundBase = mul(found, c(L(PV::slot_WORDS)));
      Val tenantAt = add(foundBase, c(L(PV::slot_TENANT_WORD)));
      Val tenant = k.load(k.element(sema.ringBuffer, tenantAt));
      Val fairnessBase = c(L(PV::control_TENANT_FAIRNESS_BASE));
      Val tenantSlot =
          op(BinaryOp::Rem, tenant, c(L(PV::control_TENANT_FAIRNESS_SLOTS)));
      Val tenantCounter = add(fairnessBase, tenantSlot);
      k.atomic(AtomicOp::Add, MemoryOrder::Relaxed, control(tenantCounter),
               {c(1)});
      Val priorityCounter = add(c(L(PV::control_PRIORITY_FAIRNESS_BASE)), fp);
      k.atomic(AtomicOp::Add, MemoryOrder::Relaxed, control(priorityCounter),
               {c(1)});
    });
    k.returnValue(found);
  });
  return fn;
}
