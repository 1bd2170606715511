//===- Schedule.cpp - the tenant gate and the priority schedule ----------===//
//
// The two choices vyre's megakernel makes about which slots a pass claims
// (docs/protocol.md, "Tenants" and "Schedules"):
//
//   kernel.TENANT_GATE = 1   a slot is claimed only if its tenant's mask
//                            word control[control[TENANT_BASE] + tenant] is
//                            non-zero (emitTenantAllows, inline in the loop)
//   kernel.SCHEDULE = schedule.PRIORITY
//                            each pass claims one slot, scanning the ring's
//                            priority partitions from the most urgent
//                            (claim_by_priority, a function main calls)
//
// The interpreter (lib/Interp) models both statement for statement.
//
//===----------------------------------------------------------------------===//
#include "EmitInternal.h"

#include <spirv/unified1/GLSL.std.450.h>

using namespace vyre;
using namespace vyre::emit;

namespace {
constexpr auto kNone = static_cast<uint32_t>(spv::SelectionControlMask::MaskNone);
constexpr auto kLoopNone = static_cast<uint32_t>(spv::LoopControlMask::MaskNone);
} // namespace

uint32_t vyre::emit::emitTenantTable(ModuleContext &ctx, FunctionBuilder &fb) {
  return ctx.atomic(fb, AtomicOp::Load, MemoryOrder::Relaxed,
                    ctx.wordPointer(fb, ctx.sema.control,
                                    ctx.c(ctx.sema.protocol[PV::control_TENANT_BASE])),
                    {});
}

uint32_t vyre::emit::emitTenantAllows(ModuleContext &ctx, FunctionBuilder &fb,
                                      uint32_t table, uint32_t slotBase) {
  SpirvBuilder &b = ctx.b;
  uint32_t u32 = ctx.u32(), boolT = ctx.boolT();
  const ProtocolValues &P = ctx.sema.protocol;
  uint32_t tenantAt = fb.op(spv::Op::OpIAdd, u32, {slotBase, ctx.c(P[PV::slot_TENANT_WORD])});
  uint32_t tenant = ctx.loadWord(fb, ctx.wordPointer(fb, ctx.sema.ringBuffer, tenantAt));
  // u32 arithmetic, as vyre's; a mask word outside the bound buffer
  // refuses the slot. Branch-free: the load reads a clamped, in-range word
  // and the range test decides.
  uint32_t at = fb.op(spv::Op::OpIAdd, u32, {table, tenant});
  uint32_t len = ctx.arrayLength(fb, ctx.sema.control);
  uint32_t inRange = fb.op(spv::Op::OpULessThan, boolT, {at, len});
  uint32_t last = fb.op(spv::Op::OpISub, u32, {len, ctx.c(1)});
  uint32_t clamped = fb.op(spv::Op::OpExtInst, u32,
                           {b.glslStd450(), uint32_t(GLSLstd450UMin), at, last});
  uint32_t mask = ctx.atomic(fb, AtomicOp::Load, MemoryOrder::Relaxed,
                             ctx.wordPointer(fb, ctx.sema.control, clamped), {});
  uint32_t set = fb.op(spv::Op::OpINotEqual, boolT, {mask, ctx.c(0)});
  return fb.op(spv::Op::OpLogicalAnd, boolT, {inRange, set});
}

/// claim_by_priority(gid, nthreads, scan) -> the claimed slot index, or
/// 0xFFFFFFFF: docs/protocol.md, "Schedules".
uint32_t vyre::emit::emitPriorityClaimFunction(ModuleContext &ctx) {
  SpirvBuilder &b = ctx.b;
  uint32_t u32 = ctx.u32(), boolT = ctx.boolT();
  const ProtocolValues &P = ctx.sema.protocol;
  auto c = [&](uint32_t v) { return ctx.c(v); };
  auto controlWord = [&](FunctionBuilder &fb, uint32_t index) {
    return ctx.wordPointer(fb, ctx.sema.control, index);
  };
  const uint32_t none = 0xFFFFFFFFu;
  const uint32_t levels = P[PV::priority_LEVELS];
  const uint32_t high = P[PV::priority_HIGH];

  uint32_t fnId = b.newId();
  FunctionBuilder fb(b, fnId, u32, b.typeFunction(u32, {u32, u32, u32}));
  b.name(fnId, "claim_by_priority");
  uint32_t gid = fb.param(u32), nthreads = fb.param(u32), scan = fb.param(u32);
  b.name(gid, "gid");
  b.name(nthreads, "nthreads");
  b.name(scan, "scan");
  fb.beginBody();
  uint32_t ptrU32 = b.typePointer(spv::StorageClass::Function, u32);
  uint32_t foundVar = fb.localVariable(ptrU32), foundPVar = fb.localVariable(ptrU32),
           qVar = fb.localVariable(ptrU32), sVar = fb.localVariable(ptrU32);
  b.name(foundVar, "found");
  b.name(foundPVar, "found_priority");
  b.name(qVar, "q");
  b.name(sVar, "s");
  fb.opVoid(spv::Op::OpStore, {foundVar, c(none)});
  fb.opVoid(spv::Op::OpStore, {foundPVar, c(0)});
  fb.opVoid(spv::Op::OpStore, {qVar, c(0)});
  uint32_t table = P[PV::kernel_TENANT_GATE] ? emitTenantTable(ctx, fb) : 0;

  // The starvation guard: after STARVATION_THRESHOLD urgent claims in a
  // row, start at the first less urgent partition (and wrap round to the
  // urgent ones, so they never stall).
  uint32_t streak = ctx.atomic(fb, AtomicOp::Load, MemoryOrder::Relaxed,
                               controlWord(fb, c(P[PV::control_PRIORITY_STARVATION_COUNTER])), {});
  uint32_t starving = fb.op(spv::Op::OpUGreaterThanEqual, boolT,
                            {streak, c(P[PV::priority_STARVATION_THRESHOLD])});
  uint32_t first = fb.op(spv::Op::OpSelect, u32,
                         {starving, c((high + 1) % levels), c(0)});

  uint32_t qHeader = b.newId(), qBody = b.newId(), qCont = b.newId(), qMerge = b.newId();
  uint32_t sHeader = b.newId(), sBody = b.newId(), sCont = b.newId(), sMerge = b.newId();
  uint32_t gateL = b.newId(), casL = b.newId(), winL = b.newId();
  uint32_t m1 = b.newId(), m2 = b.newId(), m3 = b.newId();

  // for q in 0..LEVELS while nothing found
  fb.terminate(spv::Op::OpBranch, {qHeader});
  fb.block(qHeader);
  uint32_t q = fb.op(spv::Op::OpLoad, u32, {qVar});
  uint32_t notFound = fb.op(spv::Op::OpIEqual, boolT,
                            {fb.op(spv::Op::OpLoad, u32, {foundVar}), c(none)});
  uint32_t qMore = fb.op(spv::Op::OpLogicalAnd, boolT,
                         {fb.op(spv::Op::OpULessThan, boolT, {q, c(levels)}), notFound});
  fb.merge(spv::Op::OpLoopMerge, {qMerge, qCont, kLoopNone});
  fb.terminate(spv::Op::OpBranchConditional, {qMore, qBody, qMerge});

  fb.block(qBody);
  uint32_t p = fb.op(spv::Op::OpUMod, u32, {fb.op(spv::Op::OpIAdd, u32, {first, q}), c(levels)});
  uint32_t offAt = fb.op(spv::Op::OpIAdd, u32, {c(P[PV::control_PRIORITY_OFFSETS_BASE]), p});
  uint32_t lo = ctx.atomic(fb, AtomicOp::Load, MemoryOrder::Relaxed, controlWord(fb, offAt), {});
  uint32_t hi = ctx.atomic(fb, AtomicOp::Load, MemoryOrder::Relaxed,
                           controlWord(fb, fb.op(spv::Op::OpIAdd, u32, {offAt, c(1)})), {});
  auto umin = [&](uint32_t x, uint32_t y) {
    return fb.op(spv::Op::OpExtInst, u32, {b.glslStd450(), uint32_t(GLSLstd450UMin), x, y});
  };
  lo = umin(lo, scan);
  hi = umin(hi, scan);
  fb.opVoid(spv::Op::OpStore, {sVar, fb.op(spv::Op::OpIAdd, u32, {lo, gid})});
  fb.terminate(spv::Op::OpBranch, {sHeader});

  // for s = lo + gid; s < hi while nothing found; s += nthreads
  fb.block(sHeader);
  uint32_t s = fb.op(spv::Op::OpLoad, u32, {sVar});
  uint32_t sNotFound = fb.op(spv::Op::OpIEqual, boolT,
                             {fb.op(spv::Op::OpLoad, u32, {foundVar}), c(none)});
  uint32_t sMore = fb.op(spv::Op::OpLogicalAnd, boolT,
                         {fb.op(spv::Op::OpULessThan, boolT, {s, hi}), sNotFound});
  fb.merge(spv::Op::OpLoopMerge, {sMerge, sCont, kLoopNone});
  fb.terminate(spv::Op::OpBranchConditional, {sMore, sBody, sMerge});

  fb.block(sBody);
  uint32_t slotBase = fb.op(spv::Op::OpIMul, u32, {s, c(P[PV::slot_WORDS])});
  uint32_t statusPtr = ctx.wordPointer(
      fb, ctx.sema.ringBuffer, fb.op(spv::Op::OpIAdd, u32, {slotBase, c(P[PV::slot_STATUS_WORD])}));
  uint32_t st = ctx.atomic(fb, AtomicOp::Load, MemoryOrder::Acquire, statusPtr, {});
  // PUBLISHED, YIELD and REQUEUE slots are schedulable (scheduler.rs).
  auto is = [&](PV v) { return fb.op(spv::Op::OpIEqual, boolT, {st, c(P[v])}); };
  uint32_t schedulable = fb.op(
      spv::Op::OpLogicalOr, boolT,
      {is(PV::status_PUBLISHED),
       fb.op(spv::Op::OpLogicalOr, boolT, {is(PV::status_YIELD), is(PV::status_REQUEUE)})});
  fb.merge(spv::Op::OpSelectionMerge, {m1, kNone});
  fb.terminate(spv::Op::OpBranchConditional, {schedulable, gateL, m1});

  fb.block(gateL);
  uint32_t allowed = P[PV::kernel_TENANT_GATE] ? emitTenantAllows(ctx, fb, table, slotBase)
                                               : b.constBool(true);
  fb.merge(spv::Op::OpSelectionMerge, {m2, kNone});
  fb.terminate(spv::Op::OpBranchConditional, {allowed, casL, m2});

  fb.block(casL);
  uint32_t old = ctx.atomic(fb, AtomicOp::CompareExchange, MemoryOrder::Acquire, statusPtr,
                            {st, c(P[PV::status_CLAIMED])});
  uint32_t won = fb.op(spv::Op::OpIEqual, boolT, {old, st});
  fb.merge(spv::Op::OpSelectionMerge, {m3, kNone});
  fb.terminate(spv::Op::OpBranchConditional, {won, winL, m3});
  fb.block(winL);
  fb.opVoid(spv::Op::OpStore, {foundVar, s});
  fb.opVoid(spv::Op::OpStore, {foundPVar, p});
  fb.terminate(spv::Op::OpBranch, {m3});
  fb.block(m3);
  fb.terminate(spv::Op::OpBranch, {m2});
  fb.block(m2);
  fb.terminate(spv::Op::OpBranch, {m1});
  fb.block(m1);
  fb.terminate(spv::Op::OpBranch, {sCont});

  fb.block(sCont);
  fb.opVoid(spv::Op::OpStore, {sVar, fb.op(spv::Op::OpIAdd, u32, {s, nthreads})});
  fb.terminate(spv::Op::OpBranch, {sHeader});
  fb.block(sMerge);
  fb.terminate(spv::Op::OpBranch, {qCont});

  fb.block(qCont);
  fb.opVoid(spv::Op::OpStore, {qVar, fb.op(spv::Op::OpIAdd, u32, {q, c(1)})});
  fb.terminate(spv::Op::OpBranch, {qHeader});

  // The accounting (scheduler.rs), before the slot runs: the starvation
  // streak, the tenant's and the priority's claim counters (relaxed).
  fb.block(qMerge);
  uint32_t found = fb.op(spv::Op::OpLoad, u32, {foundVar});
  uint32_t got = fb.op(spv::Op::OpINotEqual, boolT, {found, c(none)});
  uint32_t acctL = b.newId(), urgentL = b.newId(), calmL = b.newId(), streakMerge = b.newId(),
           acctMerge = b.newId();
  fb.merge(spv::Op::OpSelectionMerge, {acctMerge, kNone});
  fb.terminate(spv::Op::OpBranchConditional, {got, acctL, acctMerge});
  fb.block(acctL);
  uint32_t fp = fb.op(spv::Op::OpLoad, u32, {foundPVar});
  uint32_t streakPtr = controlWord(fb, c(P[PV::control_PRIORITY_STARVATION_COUNTER]));
  uint32_t urgent = fb.op(spv::Op::OpULessThanEqual, boolT, {fp, c(high)});
  fb.merge(spv::Op::OpSelectionMerge, {streakMerge, kNone});
  fb.terminate(spv::Op::OpBranchConditional, {urgent, urgentL, calmL});
  fb.block(urgentL);
  ctx.atomic(fb, AtomicOp::Add, MemoryOrder::Relaxed, streakPtr, {c(1)});
  fb.terminate(spv::Op::OpBranch, {streakMerge});
  fb.block(calmL);
  ctx.atomic(fb, AtomicOp::Store, MemoryOrder::Relaxed, streakPtr, {c(0)});
  fb.terminate(spv::Op::OpBranch, {streakMerge});
  fb.block(streakMerge);
  uint32_t foundBase = fb.op(spv::Op::OpIMul, u32, {found, c(P[PV::slot_WORDS])});
  uint32_t tenant = ctx.loadWord(
      fb, ctx.wordPointer(fb, ctx.sema.ringBuffer,
                          fb.op(spv::Op::OpIAdd, u32, {foundBase, c(P[PV::slot_TENANT_WORD])})));
  uint32_t tenantCounter = fb.op(
      spv::Op::OpIAdd, u32,
      {c(P[PV::control_TENANT_FAIRNESS_BASE]),
       fb.op(spv::Op::OpUMod, u32, {tenant, c(P[PV::control_TENANT_FAIRNESS_SLOTS])})});
  ctx.atomic(fb, AtomicOp::Add, MemoryOrder::Relaxed, controlWord(fb, tenantCounter), {c(1)});
  ctx.atomic(fb, AtomicOp::Add, MemoryOrder::Relaxed,
             controlWord(fb, fb.op(spv::Op::OpIAdd, u32, {c(P[PV::control_PRIORITY_FAIRNESS_BASE]), fp})),
             {c(1)});
  fb.terminate(spv::Op::OpBranch, {acctMerge});
  fb.block(acctMerge);
  fb.terminate(spv::Op::OpReturnValue, {found});
  fb.finish();
  return fnId;
}
