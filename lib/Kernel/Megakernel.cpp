//===- Megakernel.cpp - the module's functions, main() and the pass loop -===//
//
// Every handler body is built once; the top-level slot and every inner op
// of a packed slot reach it through dispatch_op's switch (a tree of them
// past the target's limit: Dispatch.cpp), so a slot's cost does not grow
// with the number of handlers. A sharded module (KernelPlan::shards) has
// one dispatch_op and one persistent loop per shard, each claiming only the
// slots whose opcode its shard owns; decode_packed belongs to shard 0. A
// subgroup or grouped loop's module also has the portable loop as an entry
// point of its own (KernelPlan::entryPoints), sharing every other function.
//
//===----------------------------------------------------------------------===//
#include "Skeleton.h"

using namespace vyre;
using namespace vyre::kernel;

KernelBuilder::~KernelBuilder() = default;

std::string vyre::kernel::handlerFunctionName(const HandlerDecl &h) {
  return "handler_" + h.name;
}

std::vector<Fn> vyre::kernel::buildMegakernel(const Module &module,
                                              const SemaResult &sema,
                                              const KernelPlan &plan,
                                              KernelBuilder &k,
                                              std::string &error) {
  return MegakernelBuilder(module, sema, plan, k, error).build();
}

std::vector<Fn> MegakernelBuilder::build() {
  byOpcode.resize(plan.shards.shards.size());
  handlerFunctions();
  for (unsigned i = 0; i < plan.shards.shards.size(); ++i)
    dispatchFns.push_back(dispatchFunction(i));
  packedFunction();
  // (planShards keeps a module with the priority schedule unsharded.)
  if (plan.priority())
    claimFn = priorityClaimFunction();
  for (const KernelPlan::EntryPoint &entry : plan.entryPoints)
    mainFns.push_back(mainFunction(entry));
  return mainFns;
}

void MegakernelBuilder::handlerFunctions() {
  for (const HandlerDecl *h : sema.handlers) {
    std::optional<uint32_t> op = h->opcodeValue;
    if (!op && h->opcode)
      op = h->opcode->constValue;
    if (!op) {
      fail("handler '" + h->name + "' has no opcode value");
      continue;
    }
    Fn fn = k.declare();
    byOpcode[plan.shards.owner(*op)][*op].push_back({h, fn});
    lowerHandler(k, sema, *h, fn, error);
  }
}

llvm::SmallVector<llvm::StringRef, kNumHandlerInputs>
vyre::kernel::handlerInputNames() {
  llvm::SmallVector<llvm::StringRef, kNumHandlerInputs> names;
  for (HandlerInput in : kHandlerParameterOrder)
    names.push_back(spelling(in));
  return names;
}

/// dispatch_op(slot_base, opcode, arg0, arg1, arg2): one switch over the
/// opcode whose cases call the handler functions. (Its callers count the
/// metrics: per op in decode_packed and the portable loop, per subgroup and
/// opcode in the subgroup loop.) A sharded module has one per shard, over
/// that shard's handlers.
Fn MegakernelBuilder::dispatchFunction(unsigned shardIndex) {
  Fn dispatchFn = k.declare();
  if (!shardIndex)
    packedFn = k.declare();
  std::string name = shardIndex
                         ? "dispatch_op_shard" + std::to_string(shardIndex)
                         : std::string("dispatch_op");
  // Never inlined: main and decode_packed both call it, and an optimizer's
  // exhaustive inlining would otherwise copy every handler body into both.
  k.define(dispatchFn, name, kNumHandlerInputs, std::nullopt, Inline::Never,
           handlerInputNames(), [&](llvm::ArrayRef<Val> params) {
             std::vector<DispatchCase> cases;
             cases.reserve(byOpcode[shardIndex].size() + 1);
             for (auto &[value, hs] : byOpcode[shardIndex]) {
               cases.push_back({value, {}});
               for (auto &[h, fn] : hs)
                 cases.back().functions.push_back(fn);
             }
             // PACKED_SLOT is not unknown: main decodes it after
             // dispatch_op returns (in shard 0, the only one that claims
             // it).
             uint32_t packed = L(PV::opcode_PACKED_SLOT);
             if (!shardIndex && !byOpcode[0].count(packed))
               cases.push_back({packed, {}});
             emitDispatchSwitch(k, sema, params, cases);
           });
  return dispatchFn;
}

/// main(): the persistent loop (docs/protocol.md, "The persistent loop").
Fn MegakernelBuilder::mainFunction(const KernelPlan::EntryPoint &entry) {
  shard = entry.shard;
  loop = entry.loop;
  step = StepVars();
  Fn mainFn = k.declare();
  k.define(mainFn, entry.name, 0, std::nullopt,
           Inline::Default, {}, [&](llvm::ArrayRef<Val>) {
    Var passVar = k.local(Ty::U32);
    Var claimedVar = k.local(Ty::Bool);
    Var slotVar = k.local(Ty::U32);
    k.name(passVar, "pass");
    k.name(claimedVar, "claimed_any");
    k.name(slotVar, "slot");
    declareStepVars();
    declareDoorbellVars();
    step.claimed = claimedVar;
    step.busy = 0;
    if (plan.sharded()) {
      step.busy = k.local(Ty::Bool);
      k.name(step.busy, "saw_busy_slot");
    }

    Val gid = k.builtin(Builtin::GlobalIdX);
    Val nwg = k.builtin(Builtin::NumWorkgroupsX);
    // The specialized workgroup size (a host may change it: vyre-run does
    // on llvmpipe, docs/scenario.md).
    Val nthreads = mul(nwg, P(PV::kernel_WORKGROUP_SIZE));
    // The subgroup loop's stride: claimBatch slots per invocation and step.
    Val stride = loop == Skeleton::Subgroup && plan.claimBatch > 1
                     ? mul(nthreads, c(plan.claimBatch))
                     : nthreads;
    // Slots the ring the host bound really holds (slot s occupies words
    // s * WORDS .. s * WORDS + WORDS - 1): the scan stops at
    // min(slot.COUNT, length / slot.WORDS), so every skeleton access to a
    // claimed slot is in range. (slot.WORDS >= 5: Sema keeps the five slot
    // words distinct and inside the slot.)
    Val ringWords = k.arrayLength(sema.ringBuffer);
    Val ringSlots =
        op(BinaryOp::Div, ringWords, c(std::max(L(PV::slot_WORDS), 1u)));
    Val count = P(PV::slot_COUNT);
    Val scanSlots = umin(count, ringSlots);
    completionWords =
        sema.completions ? k.arrayLength(sema.completions) : Val(0);
    k.set(passVar, c(0));
    leftVar = k.local(Ty::Bool);
    k.name(leftVar, "left");
    k.set(leftVar, k.boolean(false));
    probeVar = k.local(Ty::U32);
    limitHitVar = k.local(Ty::Bool);
    k.name(probeVar, "probe");
    k.name(limitHitVar, "loop_limit_hit");
    k.set(limitHitVar, k.boolean(false));

    // for pass in 0..ITERATION_BUDGET
    Val pass = 0;
    k.loop(
        [&] {
          pass = k.get(passVar);
          return lt(pass, P(PV::kernel_ITERATION_BUDGET));
        },
        [&] {
          // Read SHUTDOWN before the scan: a pass that saw the flag and
          // then claimed nothing proves every slot published before the
          // flag is done. Relaxed, with the acquire fence only once the
          // flag is seen: an idle pass runs no barrier (docs/protocol.md,
          // "Memory model"; lavapipe loses a resident kernel that loops
          // over them). A load, never an RMW: the host writes this word,
          // and device atomics are not atomic against the host
          // (docs/gpu-runs.md, 2026-11-29).
          Val shutdown = readShutdown(pass);
          k.acquireIf(ne(shutdown, c(0)));
          if (claimFn) {
            priorityPass(gid, nthreads, scanSlots, shutdown);
            return;
          }
          // kernel.TENANT_GATE: the mask table, once per pass.
          if (plan.tenantGate)
            step.tenantTable = tenantTable();
          k.set(claimedVar, k.boolean(false));
          if (step.busy)
            k.set(step.busy, k.boolean(false));
          if (plan.doorbell)
            doorbellScan(gid, nthreads, stride, scanSlots, slotVar, pass,
                         shutdown);
          else
            scanPass(gid, nthreads, stride, scanSlots, slotVar);
          k.ifThen(k.get(claimedVar), [&] { probeLoopLimit(nthreads); });
          // After the pass: leave if SHUTDOWN was set before it and (where
          // slots can turn PUBLISHED during a pass: singleDrainPass) it
          // claimed nothing (the subgroup loop: once that holds for every
          // invocation of the subgroup).
          Val stop = ne(shutdown, c(0));
          Val leave = stop;
          if (!plan.singleDrainPass) {
            Val claimed = k.get(claimedVar);
            Val idle = lnot(claimed);
            if (step.busy) {
              // Sharded: a pass is idle only if it also saw no slot in
              // flux (claimOwned), or the drain could miss a handed-back
              // slot.
              Val busy = k.get(step.busy);
              idle = land(idle, lnot(busy));
            }
            leave = land(idle, stop);
          }
          if (subgroupLoop())
            leave = k.group(GroupOp::All, {leave});
          k.set(leftVar, leave);
          k.breakIf(leave);
        },
        [&] { k.set(passVar, add(pass, c(1))); });
    // The loop ends by leaving or at the budget; any other way out is a
    // driver cutting it short (llvmpipe's loop limit). Count it if the pass
    // it cut had claimed work (a handler's or the scan's loops cut: results
    // may be incomplete), so a host does not take that for a finished run;
    // an idle invocation cut while it waited lost nothing.
    Val left = k.get(leftVar);
    Val passes = k.get(passVar);
    Val underBudget = lt(passes, P(PV::kernel_ITERATION_BUDGET));
    Val working = k.get(claimedVar);
    Val cut = land(lnot(left), underBudget);
    cut = land(cut, working);
    // Or a pass with claimed work found the limit spent (probeLoopLimit):
    // one of its loops may have been cut, though the pass loop then left.
    cut = lor(cut, k.get(limitHitVar));
    k.ifThen(cut, [&] {
      Ptr counter = control(P(PV::control_CUT_SHORT_COUNT));
      k.atomic(AtomicOp::Add, MemoryOrder::Relaxed, counter, {c(1)});
    });
  });
  return mainFn;
}

/// control.SHUTDOWN at the start of pass \p pass (relaxed). Under the
/// doorbell only every kDoorbellShutdownPasses-th pass reads it (0 in the
/// others), so an idle pass polls the doorbell alone and leaves the line
/// SHUTDOWN shares with DONE_COUNT to the counts: on an H100 at 1024
/// workgroups of 64 a round trip took 0.6 us less at the median
/// (docs/gpu-runs.md, 2026-12-07, "Polling less").
Val MegakernelBuilder::readShutdown(Val pass) {
  auto load = [&] {
    return k.atomic(AtomicOp::Load, MemoryOrder::Relaxed,
                    control(P(PV::control_SHUTDOWN)), {});
  };
  if (!plan.doorbell)
    return load();
  static_assert((kDoorbellShutdownPasses & (kDoorbellShutdownPasses - 1)) == 0,
                "a power of two: the test is a mask");
  Var seen = namedLocal(Ty::U32, "shutdown");
  k.set(seen, c(0));
  Val due = eq(bitAnd(pass, c(kDoorbellShutdownPasses - 1)), c(0));
  k.ifThen(due, [&] { k.set(seen, load()); });
  return k.get(seen);
}

/// The function variables of the subgroup and grouped loops' batches
/// (StepVars).
void MegakernelBuilder::declareStepVars() {
  if (subgroupLoop()) {
    for (unsigned i = 0; i < plan.claimBatch; ++i) {
      step.opcode.push_back(k.local(Ty::U32));
      k.name(step.opcode[i], "claimed_opcode");
    }
  }
  if (loop == Skeleton::Subgroup) {
    for (unsigned i = 0; i < plan.claimBatch; ++i) {
      step.won.push_back(k.local(Ty::Bool));
      k.name(step.won[i], "won");
    }
    step.pending = k.local(Ty::Bool);
    k.name(step.pending, "metric_pending");
  }
  if (loop == Skeleton::Grouped) {
    for (unsigned i = 0; i < plan.claimBatch; ++i) {
      step.base.push_back(k.local(Ty::U32));
      k.name(step.base[i], "claimed_slot_base");
    }
    step.unrun = k.local(Ty::U32);
    step.wonBits = k.local(Ty::U32);
    step.chunk = k.local(Ty::U32);
    step.own = k.local(Ty::U32);
    k.name(step.own, "own_unrun");
    k.name(step.unrun, "unrun");
    k.name(step.wonBits, "won_bits");
    k.name(step.chunk, "chunk");
    step.runBase = namedLocal(Ty::U32, "round_slot_base");
    step.runs = namedLocal(Ty::Bool, "round_runs");
    if (k.hasSubgroupBarrier()) {
      step.synced = namedLocal(Ty::Bool, "claims_synced");
      k.set(step.synced, k.boolean(true));
    }
  }
  // The grouped loop's run_slot (runSlotOps); only shard 0 claims
  // PACKED_SLOT.
  if (loop == Skeleton::Grouped && !shard) {
    step.ops = namedLocal(Ty::U32, "slot_ops");
    step.opIndex = namedLocal(Ty::U32, "slot_op_index");
    step.metaWords = namedLocal(Ty::U32, "packed_metadata_words");
    step.op = namedLocal(Ty::U32, "op");
    step.opRuns = namedLocal(Ty::Bool, "op_runs");
    for (unsigned i = 0; i < 3; ++i)
      step.opArgs.push_back(namedLocal(Ty::U32, "op_arg"));
  }
}

/// A function-local variable with a name for the disassembly.
Var MegakernelBuilder::namedLocal(Ty t, const char *name) {
  Var v = k.local(t);
  k.name(v, name);
  return v;
}

/// After a pass with claimed work: whether a driver's loop limit is spent
/// (llvmpipe: one budget of loop iterations for an invocation's life,
/// docs/scenario.md "lavapipe"), which may have cut a handler's or the
/// scan's loop. A loop of min(nthreads, 2) iterations, a trip count no
/// compiler can fold, then ends after one; loop_limit_hit records it.
void MegakernelBuilder::probeLoopLimit(Val nthreads) {
  Val bound = umin(nthreads, c(2));
  countUp(probeVar, bound, [](Val) {});
  Val ran = k.get(probeVar);
  k.ifThen(ne(ran, bound), [&] { k.set(limitHitVar, k.boolean(true)); });
}

/// The scan of one pass: the entry point's loop.
void MegakernelBuilder::scanPass(Val gid, Val nthreads, Val stride, Val scanSlots,
                        Var slotVar) {
  if (loop == Skeleton::Grouped)
    groupedScan(gid, nthreads, scanSlots, slotVar);
  else
    stepLoop(gid, nthreads, stride, scanSlots, slotVar,
             /*portable=*/loop == Skeleton::Portable);
}

/// The scan of one pass by the portable step (\p portable) or the subgroup
/// loop's.
void MegakernelBuilder::stepLoop(Val gid, Val nthreads, Val stride, Val scanSlots,
                        Var slotVar, bool portable) {
  k.set(slotVar, gid);
  // for s = gid; s < scan; s += nthreads (the subgroup loop runs while any
  // invocation of the subgroup has a slot left, so every subgroup
  // operation in a step sees the whole subgroup)
  Val s = 0;
  k.loop(
      [&] {
        s = k.get(slotVar);
        Val inRing = lt(s, scanSlots);
        return portable ? inRing : k.group(GroupOp::Any, {inRing});
      },
      [&] {
        if (portable)
          portableStep(s);
        else
          subgroupStep(s, nthreads, scanSlots);
      },
      [&] { k.set(slotVar, add(s, stride)); });
}
