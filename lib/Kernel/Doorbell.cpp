//===- Doorbell.cpp - the pass of a module that the host announces to ----===//
//
// kernel.PUBLISH = publish.DOORBELL (docs/protocol.md, "The doorbell"): the
// host publishes in ring order and then stores its count of published
// slots in control.DOORBELL. An idle pass reads that one word; a pass that
// sees it move runs only the announced ring positions it owns; the first
// pass, a pass after SHUTDOWN and one that sees more than
// kDoorbellWindow new slots scan as a module of publish.SCAN does.
//
//===----------------------------------------------------------------------===//
#include "Skeleton.h"

using namespace vyre;
using namespace vyre::kernel;

void MegakernelBuilder::declareDoorbellVars() {
  if (!plan.doorbell)
    return;
  step.seenBell = k.local(Ty::U32);
  step.windowIndex = k.local(Ty::U32);
  k.name(step.seenBell, "seen_doorbell");
  k.name(step.windowIndex, "announced");
  k.set(step.seenBell, c(0));
}

/// One pass's scan:
///   bell  = atomic_load(control[DOORBELL], relaxed)
///   new   = (bell - seen) mod M       // M = COUNT * floor((2^32-1) / COUNT)
///   if new != 0: fence(acquire)       // the announced statuses are PUBLISHED
///   if pass == 0 or SHUTDOWN or new > min(kDoorbellWindow, COUNT):
///       the skeleton's scan            // (subgroup-uniform: any lane)
///   else:
///       for i in 0 .. new: p = (seen + i) mod COUNT
///           if p mod nthreads == gid: the portable step on slot p
///   seen = bell
void MegakernelBuilder::doorbellScan(Val gid, Val nthreads, Val stride,
                                     Val scanSlots, Var slotVar, Val pass,
                                     Val shutdown) {
  Val bell = k.atomic(AtomicOp::Load, MemoryOrder::Relaxed,
                      control(P(PV::control_DOORBELL)), {});
  Val seen = k.get(step.seenBell);
  // The host's count wraps at a multiple of COUNT, so a count's ring
  // position is the count mod COUNT across the wrap too.
  Val count = umax(P(PV::slot_COUNT), c(1));
  Val modulus = mul(count, op(BinaryOp::Div, c(0xFFFFFFFFu), count));
  Val behind = sub(bell, seen);
  Val announced =
      select(op(BinaryOp::Ge, bell, seen), behind, add(behind, modulus));
  k.acquireIf(ne(announced, c(0)));
  Val window = umin(c(kDoorbellWindow), count);
  Val full = lor(eq(pass, c(0)), ne(shutdown, c(0)));
  full = lor(full, op(BinaryOp::Gt, announced, window));
  if (subgroupLoop())
    full = k.group(GroupOp::Any, {full});
  k.set(step.seenBell, bell);
  k.ifElse(
      full, [&] { scanPass(gid, nthreads, stride, scanSlots, slotVar); },
      [&] {
        Val first = op(BinaryOp::Rem, seen, count);
        countUp(step.windowIndex, announced, [&](Val i) {
          Val p = add(first, i);
          p = select(op(BinaryOp::Ge, p, count), sub(p, count), p);
          Val mine = eq(op(BinaryOp::Rem, p, nthreads), gid);
          k.ifThen(land(mine, lt(p, scanSlots)), [&] { portableStep(p); });
        });
      });
}
