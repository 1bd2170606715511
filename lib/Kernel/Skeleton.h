//===- Skeleton.h - the state the megakernel's parts share ---------------===//
//
// One Skeleton builds one module's megakernel through a KernelBuilder. Its
// methods live in one file per part:
//
//   Megakernel.cpp    the module's functions, main() and the pass loop
//   Slots.cpp         what every loop does with a slot: claim, run, count
//   PortableScan.cpp  the portable loop, and the sharded claim
//   SubgroupScan.cpp  the subgroup loop
//   GroupedScan.cpp   the grouped loop
//   Priority.cpp      the tenant gate and the priority schedule
//   Packed.cpp        decode_packed, and the decoder runSlotOps shares
//   Dispatch.cpp      dispatch_op's switch over the opcodes
//   Doorbell.cpp      the pass of a module the host announces to
//
// Handler bodies are lowered by LowerHandler.cpp. Every part writes
// operands into locals, in order, where C++ would not fix the order in
// which a call's arguments run: a renderer's output (SPIR-V ids) follows
// the order of the builder calls.
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_LIB_KERNEL_SKELETON_H
#define VYRE_LIB_KERNEL_SKELETON_H

#include "vyre/Kernel/KernelBuilder.h"
#include "vyre/Kernel/KernelPlan.h"
#include "vyre/Kernel/Megakernel.h"

#include "llvm/ADT/SmallVector.h"

#include <array>
#include <map>
#include <string>
#include <vector>

namespace vyre::kernel {

/// The names of a handler's (and dispatch_op's) parameters, in
/// kHandlerParameterOrder.
llvm::SmallVector<llvm::StringRef, kNumHandlerInputs> handlerInputNames();

/// Lowers \p h's body into function \p f (declared, not yet defined):
/// `handler_NAME(slot_base, opcode, arg0, arg1, arg2)`
/// (kHandlerParameterOrder). Internal errors go to \p error.
void lowerHandler(KernelBuilder &k, const SemaResult &sema, const HandlerDecl &h,
                  Fn f, std::string &error);

/// One case of dispatch_op's switch: an opcode and the handler functions it
/// calls, in order (none: the case does nothing, as PACKED_SLOT, which the
/// caller decodes after dispatch_op returns).
struct DispatchCase {
  uint32_t opcode;
  llvm::SmallVector<Fn, 1> functions;
};
/// `switch (opcode) { case OP: handlers(params...) ... default:
/// UNKNOWN_OPCODE_COUNT += 1 }` for \p cases (distinct opcodes, in the
/// order the switch lists them). More than k.maxSwitchCases() cases become
/// a tree of range tests over several switches.
void emitDispatchSwitch(KernelBuilder &k, const SemaResult &sema,
                        llvm::ArrayRef<Val> params,
                        llvm::ArrayRef<DispatchCase> cases);

class MegakernelBuilder {
public:
  MegakernelBuilder(const Module &m, const SemaResult &s, const KernelPlan &p,
           KernelBuilder &k, std::string &error)
      : module(m), sema(s), plan(p), k(k), error(error) {}

  std::vector<Fn> build();

private:
  const Module &module;
  const SemaResult &sema;
  const KernelPlan &plan;
  KernelBuilder &k;
  std::string &error;

  /// Handlers grouped by opcode value (Sema rejects duplicates; if any
  /// remain, every handler of that opcode runs, in order, as vyre's
  /// dispatch_opcode_body in handlers.rs does). One map per shard.
  using OpcodeMap = std::map<uint32_t, std::vector<std::pair<const HandlerDecl *, Fn>>>;
  std::vector<OpcodeMap> byOpcode;
  std::vector<Fn> dispatchFns, mainFns;
  Fn packedFn = 0;
  /// claim_by_priority, under the priority schedule.
  Fn claimFn = 0;
  /// The shard whose main() is being built, and the loop it runs.
  unsigned shard = 0;
  Skeleton loop = Skeleton::Portable;
  bool subgroupLoop() const { return loop != Skeleton::Portable; }

  /// The completion mirror's bound length in words (main reads it once;
  /// 0 where the module has no completions buffer).
  Val completionWords = 0;

  /// main's variables: the probe counter and "loop_limit_hit"
  /// (probeLoopLimit); "left", set by the pass loop's leave test.
  Var probeVar = 0, limitHitVar = 0, leftVar = 0;

  /// Function variables of the loops' steps and batches.
  struct StepVars {
    Var claimed = 0, pending = 0;
    Val tenantTable = 0; // kernel.TENANT_GATE: the pass's mask table
    Var busy = 0;        // sharded: saw a slot in flux (claimOwned)
    std::vector<Var> won, opcode; // one per slot of the batch
    // The grouped loop's batch: slot bases, bit k set for slot k claimed
    // (wonBits) and not yet run (unrun); run_group's slots of the lead
    // opcode not yet run (own), its chunk, and the slot a round runs
    // (runBase, if runs).
    std::vector<Var> base;
    Var wonBits = 0, unrun = 0, own = 0, chunk = 0, runBase = 0, runs = 0;
    // Whether the batch's claims have passed the claim barrier, which only
    // a spread round needs (SPIR-V; 0 where there is no subgroup barrier).
    Var synced = 0;
    // Its run_slot's ops (runSlotOps): how many, the index and metadata
    // words of a packed slot's, and the op to dispatch (if opRuns).
    Var ops = 0, opIndex = 0, metaWords = 0, op = 0, opRuns = 0;
    std::vector<Var> opArgs;
    // kernel.PUBLISH = publish.DOORBELL: the doorbell at the last scan, and
    // the index into the slots it announced since.
    Var seenBell = 0, windowIndex = 0;
  } step;

  //===-- Shorthands ---------------------------------------------------===//
  Val P(PV v) { return k.protocol(v); }
  uint32_t L(PV v) const { return sema.protocol[v]; }
  Val c(uint32_t v) { return k.u32(v); }
  Val op(BinaryOp o, Val a, Val b) { return k.binary(o, a, b); }
  Val add(Val a, Val b) { return op(BinaryOp::Add, a, b); }
  Val sub(Val a, Val b) { return op(BinaryOp::Sub, a, b); }
  Val mul(Val a, Val b) { return op(BinaryOp::Mul, a, b); }
  Val eq(Val a, Val b) { return op(BinaryOp::Eq, a, b); }
  Val ne(Val a, Val b) { return op(BinaryOp::Ne, a, b); }
  Val lt(Val a, Val b) { return op(BinaryOp::Lt, a, b); }
  Val bitAnd(Val a, Val b) { return op(BinaryOp::BitAnd, a, b); }
  Val bitOr(Val a, Val b) { return op(BinaryOp::BitOr, a, b); }
  Val umin(Val a, Val b) { return op(BinaryOp::Min, a, b); }
  Val umax(Val a, Val b) { return op(BinaryOp::Max, a, b); }
  Val land(Val a, Val b) { return k.binary(BinaryOp::LogicalAnd, a, b, Ty::Bool); }
  Val lor(Val a, Val b) { return k.binary(BinaryOp::LogicalOr, a, b, Ty::Bool); }
  Val lnot(Val a) { return k.unary(UnaryOp::LogicalNot, a); }
  Val select(Val cond, Val t, Val f) { return k.select(Ty::U32, cond, t, f); }
  Ptr control(Val index) { return k.element(sema.control, index); }
  void fail(const std::string &msg) {
    if (error.empty())
      error = msg;
  }

  //===-- Megakernel.cpp -----------------------------------------------===//
  void handlerFunctions();
  Fn dispatchFunction(unsigned shard);
  Fn mainFunction(const KernelPlan::EntryPoint &entry);
  void declareStepVars();
  Var namedLocal(Ty t, const char *name);
  Val readShutdown(Val pass);
  void probeLoopLimit(Val nthreads);
  void scanPass(Val gid, Val nthreads, Val stride, Val scanSlots, Var slotVar);
  void stepLoop(Val gid, Val nthreads, Val stride, Val scanSlots, Var slotVar,
                bool portable);

  //===-- Doorbell.cpp -------------------------------------------------===//
  void declareDoorbellVars();
  void doorbellScan(Val gid, Val nthreads, Val stride, Val scanSlots,
                    Var slotVar, Val pass, Val shutdown);

  //===-- Slots.cpp ----------------------------------------------------===//
  void countMetric(Val opcode, Val n);
  void countError(PV counter);
  void countUp(Var var, Val bound, llvm::function_ref<void(Val i)> body);
  Ptr statusPointer(Val slotBase);
  Val claim(Ptr statusPtr, MemoryOrder order = MemoryOrder::Acquire);
  Val slotWord(Val slotBase, Val offset);
  void runSlot(Val slotBase, Val opcode, bool countMetrics);
  using SlotArgs = std::array<Val, 3>;
  SlotArgs slotArgs(Val slotBase);
  void runSlotOps(Val slotBase, Val opcode);
  void runClaimedSlot(Val slotBase, Ptr statusPtr);
  void ifTenantAllows(Val slotBase, llvm::function_ref<void()> then);
  struct BatchReads {
    std::vector<Val> slotBase, inRing, status;
  };
  BatchReads readBatch(Val s, Val nthreads, Val scanSlots);
  BatchReads readBatch(Val s, Val nthreads, Val scanSlots, unsigned from,
                       unsigned to);
  void tryClaim(const BatchReads &r, unsigned k,
                llvm::function_ref<void(Val won)> then,
                MemoryOrder order = MemoryOrder::Acquire);
  void countDone(Val n, llvm::function_ref<Val()> own,
                 llvm::function_ref<void(bool released)> markDone);
  void storeDone(unsigned n, llvm::function_ref<Val(unsigned)> won,
                 llvm::function_ref<Val(unsigned)> slotBase, MemoryOrder order);
  void mirrorDone(Val slotBase);

  //===-- PortableScan.cpp ---------------------------------------------===//
  void portableStep(Val s);
  Val ownsOpcode(unsigned shard, Val op);
  Val claimOwned(unsigned shard, Ptr statusPtr, Val slotBase, Var busyVar,
                 Val table);

  //===-- SubgroupScan.cpp ---------------------------------------------===//
  void subgroupStep(Val s, Val nthreads, Val scanSlots);
  void subgroupMetrics(Val won, Val opcode);

  //===-- GroupedScan.cpp ----------------------------------------------===//
  /// A batch's claimed opcodes and slot bases, loaded for run_group.
  struct Batch {
    std::vector<Val> opcode, base;
  };
  static constexpr unsigned kFirstClaim = 4;
  void groupedScan(Val gid, Val nthreads, Val scanSlots, Var slotVar);
  void claimBatchAt(Val s, Val nthreads, Val scanSlots, Var slotVar);
  void claimRange(Val s, Val nthreads, Val scanSlots, unsigned from,
                  unsigned to);
  Val claimedOpcodesDiffer(unsigned count);
  void runGroup(Val unrun);
  Val pickEntry(llvm::ArrayRef<Val> values, Val bit);
  Val lowestBit(Val bits);
  void runRounds(const Batch &slots, Val mine, Val lead, Val width);
  void syncClaims();
  Val spreadSlot(const Batch &slots, Val mine, Val i, Val width);
  Val ownerOf(Val i, Val upTo, Val width);
  void finishBatch();

  //===-- Priority.cpp -------------------------------------------------===//
  void priorityPass(Val gid, Val nthreads, Val scanSlots, Val shutdown);
  Fn priorityClaimFunction();
  Val tenantTable();
  Val tenantAllows(Val table, Val slotBase);

  //===-- Packed.cpp ---------------------------------------------------===//
  void packedFunction();
  Val payloadByte(Val argBase, Val k);
  Val payloadByteAt(Val argBase, uint32_t k);
  Val packedCount(Val argBase);
  Val packedMetadataWords(Val count);
  void packedInnerOp(
      Val argBase, Val metaWords, Val i,
      llvm::function_ref<void(Val op, llvm::ArrayRef<Val> args)> run);
};

} // namespace vyre::kernel

#endif
