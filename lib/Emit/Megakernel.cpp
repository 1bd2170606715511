//===- Megakernel.cpp - entry point, persistent loop, O(1) dispatch ------===//
//
// The module's shape (docs/protocol.md is the normative description):
//
//   handler_NAME(slot_base, opcode, arg0, arg1, arg2)   one per handler
//   dispatch_op(slot_base, opcode, arg0, arg1, arg2)    OpSwitch (metrics: callers)
//   decode_packed(slot_base)                            PACKED_SLOT decoder
//   claim_by_priority(gid, nthreads, scan)              the priority schedule
//                                                       (Schedule.cpp), if chosen
//   main()                                              the persistent loop
//
// A sharded module (--shards, Sema/Shards.h) has one dispatch_op and one
// persistent loop per shard (the portable skeleton), each loop an entry
// point that claims only the slots whose opcode its shard owns;
// decode_packed belongs to shard 0.
//
// Every handler body is emitted once; the top-level slot and every inner
// op of a packed slot reach it through dispatch_op's OpSwitch (a tree of
// them past SPIR-V's limit of 16,383 targets: Dispatch.cpp), so a slot's
// cost does not grow with the number of handlers.
//
//===----------------------------------------------------------------------===//
#include "EmitInternal.h"

#include "vyre/host/packed_slot.h"

#include <spirv/unified1/GLSL.std.450.h>

using namespace vyre;
using namespace vyre::emit;

uint32_t ModuleContext::protocolValue(PV v) {
  auto it = specConsts.find(static_cast<unsigned>(v));
  if (it != specConsts.end())
    return it->second;
  return c(sema.protocol[v]);
}

namespace {


class MegakernelBuilder {
public:
  explicit MegakernelBuilder(ModuleContext &ctx) : ctx(ctx), b(ctx.b) {}

  Words build() {
    SpirvVersion ver = moduleSpirvVersion(ctx.opts);
    header(ver);
    buffers();
    specConstants();
    builtins();
    if (ver < SpirvVersion{1, 6})
      workgroupSizeBuiltin();
    plan = planShards(ctx.sema, ctx.opts.shards, ctx.opts.entryPoint);
    byOpcode.resize(plan.shards.size());
    handlerFunctions();
    for (unsigned i = 0; i < plan.shards.size(); ++i)
      dispatchFns.push_back(dispatchFunction(i));
    packedFunction();
    // (planShards keeps a module with the priority schedule unsharded.)
    if (L(PV::kernel_SCHEDULE) == L(PV::schedule_PRIORITY))
      claimFn = emitPriorityClaimFunction(ctx);
    for (unsigned i = 0; i < plan.shards.size(); ++i)
      mainFns.push_back(mainFunction(i));
    outOfBoundsFunction();
    for (unsigned i = 0; i < plan.shards.size(); ++i)
      entryPoint(ver, i);
    return b.finish(ver.major, ver.minor);
  }

private:
  ModuleContext &ctx;
  SpirvBuilder &b;
  /// Handlers grouped by opcode value (Sema rejects duplicates; if any
  /// remain, every handler of that opcode runs, in order, as vyre's
  /// dispatch_opcode_body in handlers.rs does).
  using OpcodeMap =
      std::map<uint32_t, std::vector<std::pair<const HandlerDecl *, uint32_t>>>;
  /// Per shard (one for an unsharded module).
  std::vector<OpcodeMap> byOpcode;
  ShardPlan plan;
  std::vector<uint32_t> dispatchFns, mainFns;
  uint32_t packedFn = 0;
  /// The shard whose main() is being built.
  unsigned shard = 0;
  /// claim_by_priority, when kernel.SCHEDULE is schedule.PRIORITY.
  uint32_t claimFn = 0;

  uint32_t P(PV v) { return ctx.protocolValue(v); }
  uint32_t L(PV v) { return ctx.protocolLiteral(v); }
  uint32_t u32() { return ctx.u32(); }
  uint32_t boolT() { return ctx.boolT(); }
  uint32_t c(uint32_t v) { return ctx.c(v); }

  void header(SpirvVersion ver) {
    b.capability(spv::Capability::Shader);
    if (subgroup()) {
      b.capability(spv::Capability::GroupNonUniform);
      b.capability(spv::Capability::GroupNonUniformVote);
      b.capability(spv::Capability::GroupNonUniformBallot);
      if (grouped()) {
        b.capability(spv::Capability::GroupNonUniformArithmetic);
        b.capability(spv::Capability::GroupNonUniformShuffle);
      }
    }
    // The StorageBuffer storage class every buffer uses is core from
    // SPIR-V 1.3; before, an extension (Vulkan 1.0 hosts enable
    // VK_KHR_storage_buffer_storage_class: the manifest's `requires`).
    if (ver < SpirvVersion{1, 3})
      b.extension("SPV_KHR_storage_buffer_storage_class");
    spv::MemoryModel model = spv::MemoryModel::GLSL450;
    if (ctx.mm.vulkan) {
      b.capability(spv::Capability::VulkanMemoryModel);
      b.capability(spv::Capability::VulkanMemoryModelDeviceScope);
      if (ver < SpirvVersion{1, 5})
        b.extension("SPV_KHR_vulkan_memory_model");
      model = spv::MemoryModel::Vulkan;
    }
    SpirvBuilder::emit(b.memoryModel, spv::Op::OpMemoryModel,
                       {uint32_t(spv::AddressingModel::Logical), uint32_t(model)});
    if (ctx.opts.debugInfo && ctx.opts.sm)
      for (const auto &f : ctx.module.files)
        if (f->bufferId)
          ctx.fileString(f->bufferId);
  }

  void buffers() {
    for (const BufferDecl *d : ctx.sema.buffers) {
      uint32_t st = b.typeStruct({b.typeRuntimeArrayU32()});
      b.name(st, d->name + "_block");
      b.memberName(st, 0, "data");
      b.decorate(st, spv::Decoration::Block);
      b.memberDecorate(st, 0, spv::Decoration::Offset, {0});
      if (d->access == Access::Read)
        b.memberDecorate(st, 0, spv::Decoration::NonWritable);
      else if (!ctx.mm.vulkan)
        // GLSL450 model: the host and other invocations read what plain
        // stores write (io_queue requests), so the memory is coherent.
        // (The Vulkan model forbids Coherent: it uses NonPrivatePointer.)
        b.memberDecorate(st, 0, spv::Decoration::Coherent);
      uint32_t ptrT = b.typePointer(spv::StorageClass::StorageBuffer, st);
      uint32_t var = b.globalVariable(ptrT, spv::StorageClass::StorageBuffer);
      b.name(var, d->name);
      b.decorate(var, spv::Decoration::DescriptorSet, {d->setValue});
      b.decorate(var, spv::Decoration::Binding, {d->bindingValue});
      ctx.bufferVars[d] = var;
    }
    for (const BufferDecl *role :
         {ctx.sema.control, ctx.sema.ringBuffer, ctx.sema.debugLog,
          ctx.sema.ioQueue})
      if (!role || !ctx.bufferVars.count(role))
        ctx.fail("a protocol buffer (control, ring_buffer, debug_log, "
                 "io_queue) is missing");
  }

  void specConstants() {
    for (unsigned i = 0; i < kNumProtocolValues; ++i) {
      const ProtocolInfo &info = protocolTable()[i];
      if (info.specId < 0)
        continue;
      uint32_t id = b.specConstU32(static_cast<uint32_t>(info.specId),
                                   ctx.sema.protocol[static_cast<PV>(i)]);
      b.name(id, (info.group + "_" + info.key).str());
      ctx.specConsts[i] = id;
    }
  }

  void builtins() {
    uint32_t ptrT = b.typePointer(spv::StorageClass::Input, b.typeVec3U32());
    ctx.gidVar = b.globalVariable(ptrT, spv::StorageClass::Input);
    b.name(ctx.gidVar, "gl_GlobalInvocationID");
    b.decorate(ctx.gidVar, spv::Decoration::BuiltIn,
               {uint32_t(spv::BuiltIn::GlobalInvocationId)});
    ctx.numWorkgroupsVar = b.globalVariable(ptrT, spv::StorageClass::Input);
    b.name(ctx.numWorkgroupsVar, "gl_NumWorkGroups");
    b.decorate(ctx.numWorkgroupsVar, spv::Decoration::BuiltIn,
               {uint32_t(spv::BuiltIn::NumWorkgroups)});
    if (grouped()) {
      uint32_t u32In = b.typePointer(spv::StorageClass::Input, u32());
      laneVar = b.globalVariable(u32In, spv::StorageClass::Input);
      b.name(laneVar, "gl_SubgroupInvocationID");
      b.decorate(laneVar, spv::Decoration::BuiltIn,
                 {uint32_t(spv::BuiltIn::SubgroupLocalInvocationId)});
    }
  }
  /// The grouped skeleton's SubgroupLocalInvocationId.
  uint32_t laneVar = 0;
  /// main's probe counter and "loop_limit_hit" (probeLoopLimit).
  uint32_t probeVar = 0, limitHitVar = 0;
  /// main's "left": set by the pass loop's leave test (CUT_SHORT_COUNT).
  uint32_t leftVar = 0;

  /// Below SPIR-V 1.6, the workgroup size is specialized through a
  /// WorkgroupSize-decorated spec-constant composite (what glslang emits for
  /// local_size_x_id); it takes precedence over the LocalSize execution
  /// mode, which still names the default. SPIR-V 1.6 deprecates the
  /// built-in: there entryPoint() uses LocalSizeId instead.
  void workgroupSizeBuiltin() {
    uint32_t v3 = b.typeVec3U32();
    uint32_t one = c(1); // defined before the composite that uses it
    uint32_t id = b.newId();
    SpirvBuilder::emit(b.globals, spv::Op::OpSpecConstantComposite,
                       {v3, id, P(PV::kernel_WORKGROUP_SIZE), one, one});
    b.name(id, "gl_WorkGroupSize");
    b.decorate(id, spv::Decoration::BuiltIn,
               {uint32_t(spv::BuiltIn::WorkgroupSize)});
  }

  /// The type of handler_NAME and dispatch_op: one u32 per handler input.
  uint32_t opType5() {
    std::vector<uint32_t> params(kNumHandlerInputs, u32());
    return b.typeFunction(ctx.voidT(), params);
  }

  void handlerFunctions() {
    for (const HandlerDecl *h : ctx.sema.handlers) {
      std::optional<uint32_t> op = h->opcodeValue;
      if (!op && h->opcode)
        op = h->opcode->constValue;
      if (!op) {
        ctx.fail("handler '" + h->name + "' has no opcode value");
        continue;
      }
      uint32_t fn = b.newId();
      byOpcode[plan.owner(*op)][*op].push_back({h, fn});
      emitHandlerFunction(ctx, *h, fn);
    }
  }

  /// dispatch_op(slot_base, opcode, arg0, arg1, arg2): one OpSwitch over
  /// the opcode whose cases call the handler functions. (Its callers count
  /// the metrics: per op in decode_packed and the portable loop, per
  /// subgroup and opcode in the subgroup loop.)
  /// A sharded module has one per shard, over that shard's handlers.
  uint32_t dispatchFunction(unsigned shard) {
    uint32_t dispatchFn = b.newId();
    if (!shard)
      packedFn = b.newId();
    // DontInline: main and decode_packed both call it, and -O's exhaustive
    // inlining would otherwise copy every handler body into both.
    FunctionBuilder fb(b, dispatchFn, ctx.voidT(), opType5(),
                       spv::FunctionControlMask::DontInline);
    b.name(dispatchFn, shard ? "dispatch_op_shard" + std::to_string(shard)
                             : std::string("dispatch_op"));
    uint32_t params[kNumHandlerInputs];
    for (unsigned i = 0; i < kNumHandlerInputs; ++i) {
      params[i] = fb.param(u32());
      b.name(params[i], spelling(kHandlerParameterOrder[i]));
    }
    fb.beginBody();

    // switch (opcode) { case OP: handler_OP(...); default: unknown += 1 }
    // (Dispatch.cpp; past SPIR-V's OpSwitch limit, a tree of switches).
    std::vector<DispatchCase> cases;
    cases.reserve(byOpcode[shard].size() + 1);
    for (auto &[value, hs] : byOpcode[shard]) {
      cases.push_back({value, {}});
      for (auto &[h, fn] : hs)
        cases.back().functions.push_back(fn);
    }
    // PACKED_SLOT is not unknown: main decodes it after dispatch_op returns
    // (in shard 0, the only one that claims it).
    uint32_t packed = L(PV::opcode_PACKED_SLOT);
    if (!shard && !byOpcode[0].count(packed))
      cases.push_back({packed, {}});
    emitDispatchSwitch(ctx, fb, params, cases);
    fb.finish();
    return dispatchFn;
  }

  /// if opcode < METRICS_SLOTS: control[METRICS_BASE + opcode] += \p n
  /// (relaxed).
  void countMetric(FunctionBuilder &fb, uint32_t opcode, uint32_t n) {
    uint32_t counted = fb.op(spv::Op::OpULessThan, boolT(),
                             {opcode, P(PV::control_METRICS_SLOTS)});
    fb.ifThen(counted, [&] {
      uint32_t idx = fb.op(spv::Op::OpIAdd, u32(),
                           {P(PV::control_METRICS_BASE), opcode});
      ctx.atomic(fb, AtomicOp::Add, MemoryOrder::Relaxed,
                 ctx.wordPointer(fb, ctx.sema.control, idx), {n});
    });
  }

  /// record_out_of_bounds(): control[OUT_OF_BOUNDS_COUNT] += 1 (relaxed),
  /// called by every bounds guard's out-of-range branch. DontInline: the
  /// path is cold, and -O's exhaustive inlining would otherwise copy the
  /// atomic into every guard.
  void outOfBoundsFunction() {
    if (!ctx.oobUsed)
      return;
    FunctionBuilder fb(b, ctx.oobFn, ctx.voidT(),
                       b.typeFunction(ctx.voidT(), {}),
                       spv::FunctionControlMask::DontInline);
    b.name(ctx.oobFn, "record_out_of_bounds");
    fb.beginBody();
    ctx.countError(fb, PV::control_OUT_OF_BOUNDS_COUNT);
    fb.finish();
  }

  /// Byte \p k of a slot's payload (little-endian in the argument words).
  uint32_t payloadByte(FunctionBuilder &fb, uint32_t argBase, uint32_t k) {
    uint32_t word = fb.op(spv::Op::OpShiftRightLogical, u32(), {k, c(2)});
    uint32_t at = fb.op(spv::Op::OpIAdd, u32(), {argBase, word});
    uint32_t w = ctx.loadWord(fb, ctx.wordPointer(fb, ctx.sema.ringBuffer, at));
    uint32_t inWord = fb.op(spv::Op::OpBitwiseAnd, u32(), {k, c(3)});
    uint32_t shift = fb.op(spv::Op::OpShiftLeftLogical, u32(), {inWord, c(3)});
    uint32_t shifted = fb.op(spv::Op::OpShiftRightLogical, u32(), {w, shift});
    return fb.op(spv::Op::OpBitwiseAnd, u32(),
                 {shifted, c(host::packed::kByteMax)});
  }

  /// Byte \p k (a compile-time byte offset) of a slot's payload.
  uint32_t payloadByteAt(FunctionBuilder &fb, uint32_t argBase, uint32_t k) {
    uint32_t at = k / 4 ? fb.op(spv::Op::OpIAdd, u32(), {argBase, c(k / 4)})
                        : argBase;
    uint32_t w = ctx.loadWord(fb, ctx.wordPointer(fb, ctx.sema.ringBuffer, at));
    if (k % 4)
      w = fb.op(spv::Op::OpShiftRightLogical, u32(), {w, c(8 * (k % 4))});
    return fb.op(spv::Op::OpBitwiseAnd, u32(), {w, c(host::packed::kByteMax)});
  }

  /// decode_packed(slot_base): protocol.md "Packed slot"; the format's
  /// constants and formulas are vyre/host/packed_slot.h's, emitted.
  void packedFunction() {
    FunctionBuilder fb(b, packedFn, ctx.voidT(),
                       b.typeFunction(ctx.voidT(), {u32()}));
    b.name(packedFn, "decode_packed");
    uint32_t slotBase = fb.param(u32());
    b.name(slotBase, "slot_base");
    fb.beginBody();
    uint32_t iVar =
        fb.localVariable(b.typePointer(spv::StorageClass::Function, u32()));
    b.name(iVar, "packed_inner_index");

    uint32_t argBase =
        fb.op(spv::Op::OpIAdd, u32(), {slotBase, P(PV::slot_ARG0_WORD)});
    uint32_t count = packedCount(fb, argBase);
    uint32_t metaWords = packedMetadataWords(fb, count);
    countUp(fb, iVar, count, [&](uint32_t i) {
      packedInnerOp(fb, slotBase, argBase, metaWords, i);
    });
    fb.finish();
  }

  /// for (*\p var = 0; *\p var < \p bound; ++*\p var) body(*\p var)
  void countUp(FunctionBuilder &fb, uint32_t var, uint32_t bound,
               llvm::function_ref<void(uint32_t i)> body) {
    fb.opVoid(spv::Op::OpStore, {var, c(0)});
    uint32_t i = 0;
    fb.loop(
        [&](const FunctionBuilder::Loop &) {
          i = fb.op(spv::Op::OpLoad, u32(), {var});
          return fb.op(spv::Op::OpULessThan, boolT(), {i, bound});
        },
        [&](const FunctionBuilder::Loop &) { body(i); },
        [&](const FunctionBuilder::Loop &) {
          fb.opVoid(spv::Op::OpStore,
                    {var, fb.op(spv::Op::OpIAdd, u32(), {i, c(1)})});
        });
  }

  /// packed::clampedCount(count byte, packed.MAX_OPS); a clamp is counted.
  uint32_t packedCount(FunctionBuilder &fb, uint32_t argBase) {
    uint32_t raw = payloadByteAt(fb, argBase, host::packed::kCountByte);
    uint32_t clamped =
        fb.op(spv::Op::OpUGreaterThan, boolT(), {raw, P(PV::packed_MAX_OPS)});
    fb.ifThen(clamped,
              [&] { ctx.countError(fb, PV::control_PACKED_CLAMPED_COUNT); });
    return glsl(fb, GLSLstd450UMin, raw, P(PV::packed_MAX_OPS));
  }

  /// packed::metadataWords(count), for a run-time count.
  uint32_t packedMetadataWords(FunctionBuilder &fb, uint32_t count) {
    namespace packed = host::packed;
    uint32_t pairs =
        fb.op(spv::Op::OpIMul, u32(), {c(packed::kPairBytes), count});
    uint32_t bytes =
        fb.op(spv::Op::OpIAdd, u32(), {c(packed::kHeaderBytes), pairs});
    uint32_t rounded =
        fb.op(spv::Op::OpIAdd, u32(), {bytes, c(packed::kBytesPerWord - 1)});
    return fb.op(spv::Op::OpUDiv, u32(), {rounded, c(packed::kBytesPerWord)});
  }

  /// Inner op \p i of a packed slot: its pair, the arity check
  /// (packed::argumentsFit), then its arguments and dispatch_op.
  void packedInnerOp(FunctionBuilder &fb, uint32_t slotBase, uint32_t argBase,
                     uint32_t metaWords, uint32_t i) {
    namespace packed = host::packed;
    // packed::opcodeByte(i), then packed::argOffsetByte(i)
    uint32_t pairOffset =
        fb.op(spv::Op::OpIMul, u32(), {c(packed::kPairBytes), i});
    uint32_t pairByte =
        fb.op(spv::Op::OpIAdd, u32(), {c(packed::kHeaderBytes), pairOffset});
    uint32_t innerOp = payloadByte(fb, argBase, pairByte);
    uint32_t offByte = fb.op(spv::Op::OpIAdd, u32(), {pairByte, c(1)});
    uint32_t argOffset = payloadByte(fb, argBase, offByte);
    uint32_t base = fb.op(spv::Op::OpIAdd, u32(), {metaWords, argOffset});
    uint32_t end = fb.op(spv::Op::OpIAdd, u32(), {base, c(packed::kArgsPerOp)});
    uint32_t fits =
        fb.op(spv::Op::OpULessThanEqual, boolT(), {end, P(PV::slot_ARGS)});
    fb.ifElse(
        fits,
        [&] {
          uint32_t first = fb.op(spv::Op::OpIAdd, u32(), {argBase, base});
          uint32_t args[packed::kArgsPerOp];
          for (uint32_t k = 0; k < packed::kArgsPerOp; ++k) {
            uint32_t at =
                k ? fb.op(spv::Op::OpIAdd, u32(), {first, c(k)}) : first;
            args[k] =
                ctx.loadWord(fb, ctx.wordPointer(fb, ctx.sema.ringBuffer, at));
          }
          countMetric(fb, innerOp, c(1));
          fb.op(spv::Op::OpFunctionCall, ctx.voidT(),
                {dispatchFns[0], slotBase, innerOp, args[0], args[1], args[2]});
        },
        // The arity check failed: skip the op and count it.
        [&] { ctx.countError(fb, PV::control_PACKED_ARITY_COUNT); });
  }

  /// main(): the persistent loop (docs/protocol.md, "The persistent loop").
  uint32_t mainFunction(unsigned shardIndex) {
    shard = shardIndex;
    uint32_t mainFn = b.newId();
    FunctionBuilder fb(b, mainFn, ctx.voidT(), b.typeFunction(ctx.voidT(), {}));
    b.name(mainFn, plan.shards[shard].entryPoint);
    fb.beginBody();
    uint32_t fnPtrU32 = b.typePointer(spv::StorageClass::Function, u32());
    uint32_t fnPtrBool = b.typePointer(spv::StorageClass::Function, boolT());
    uint32_t passVar = fb.localVariable(fnPtrU32);
    uint32_t claimedVar = fb.localVariable(fnPtrBool);
    uint32_t slotVar = fb.localVariable(fnPtrU32);
    b.name(passVar, "pass");
    b.name(claimedVar, "claimed_any");
    b.name(slotVar, "slot");
    declareStepVars(fb);
    step.claimed = claimedVar;
    step.busy = 0;
    if (plan.sharded()) {
      step.busy = fb.localVariable(fnPtrBool);
      b.name(step.busy, "saw_busy_slot");
    }

    uint32_t v3 = b.typeVec3U32();
    uint32_t gidV = fb.op(spv::Op::OpLoad, v3, {ctx.gidVar});
    uint32_t gid = fb.op(spv::Op::OpCompositeExtract, u32(), {gidV, 0});
    uint32_t nwgV = fb.op(spv::Op::OpLoad, v3, {ctx.numWorkgroupsVar});
    uint32_t nwg = fb.op(spv::Op::OpCompositeExtract, u32(), {nwgV, 0});
    // The specialized workgroup size (a host may change it: vyre-run does
    // on llvmpipe, docs/scenario.md).
    uint32_t nthreads =
        fb.op(spv::Op::OpIMul, u32(), {nwg, P(PV::kernel_WORKGROUP_SIZE)});
    // The subgroup loop's stride: claimBatch() slots per invocation and step.
    uint32_t stride =
        subgroup() && !grouped() && claimBatch() > 1
            ? fb.op(spv::Op::OpIMul, u32(), {nthreads, c(claimBatch())})
            : nthreads;
    // Slots the ring the host bound really holds (slot s occupies words
    // s * WORDS .. s * WORDS + WORDS - 1): the scan stops at
    // min(slot.COUNT, length / slot.WORDS), so every skeleton access to a
    // claimed slot is in range. (slot.WORDS >= 5: Sema keeps the five slot
    // words distinct and inside the slot.)
    uint32_t ringWords = ctx.arrayLength(fb, ctx.sema.ringBuffer);
    uint32_t ringSlots = fb.op(spv::Op::OpUDiv, u32(),
                               {ringWords, c(std::max(L(PV::slot_WORDS), 1u))});
    uint32_t scanSlots = glsl(fb, GLSLstd450UMin, P(PV::slot_COUNT), ringSlots);
    fb.opVoid(spv::Op::OpStore, {passVar, c(0)});
    leftVar = fb.localVariable(fnPtrBool);
    b.name(leftVar, "left");
    fb.opVoid(spv::Op::OpStore, {leftVar, b.constBool(false)});
    probeVar = fb.localVariable(fnPtrU32);
    limitHitVar = fb.localVariable(fnPtrBool);
    b.name(probeVar, "probe");
    b.name(limitHitVar, "loop_limit_hit");
    fb.opVoid(spv::Op::OpStore, {limitHitVar, b.constBool(false)});

    // for pass in 0..ITERATION_BUDGET
    uint32_t pass = 0;
    fb.loop(
        [&](const FunctionBuilder::Loop &) {
          pass = fb.op(spv::Op::OpLoad, u32(), {passVar});
          return fb.op(spv::Op::OpULessThan, boolT(),
                       {pass, P(PV::kernel_ITERATION_BUDGET)});
        },
        [&](const FunctionBuilder::Loop &passLoop) {
          // Read SHUTDOWN before the scan: a pass that saw the flag and
          // then claimed nothing proves every slot published before the
          // flag is done.
          // Relaxed, with the acquire fence only once the flag is seen: an
          // idle pass runs no barrier (docs/protocol.md, "Memory model";
          // lavapipe loses a resident kernel that loops over them). A load,
          // never an RMW: the host writes this word, and device atomics are
          // not atomic against the host (docs/gpu-runs.md, 2026-11-29).
          uint32_t shutdown = ctx.atomic(
              fb, AtomicOp::Load, MemoryOrder::Relaxed,
              ctx.wordPointer(fb, ctx.sema.control, P(PV::control_SHUTDOWN)),
              {});
          ctx.acquireIf(fb,
                        fb.op(spv::Op::OpINotEqual, boolT(), {shutdown, c(0)}));
          if (claimFn) {
            priorityPass(fb, gid, nthreads, scanSlots, shutdown, passLoop);
            return;
          }
          // kernel.TENANT_GATE: the mask table, once per pass.
          if (L(PV::kernel_TENANT_GATE) != 0)
            step.tenantTable = emitTenantTable(ctx, fb);
          fb.opVoid(spv::Op::OpStore, {claimedVar, b.constBool(false)});
          if (step.busy)
            fb.opVoid(spv::Op::OpStore, {step.busy, b.constBool(false)});
          scanPass(fb, gid, nthreads, stride, scanSlots, slotVar);
          fb.ifThen(fb.op(spv::Op::OpLoad, boolT(), {claimedVar}),
                    [&] { probeLoopLimit(fb, nthreads); });
          // After the pass: leave if SHUTDOWN was set before it and (where
          // slots can turn PUBLISHED during a pass: singleDrainPass) it
          // claimed nothing (the subgroup loop: once that holds for every
          // invocation of the subgroup).
          uint32_t stop = fb.op(spv::Op::OpINotEqual, boolT(), {shutdown, c(0)});
          uint32_t leave = stop;
          if (!singleDrainPass()) {
            uint32_t claimed = fb.op(spv::Op::OpLoad, boolT(), {claimedVar});
            uint32_t idle = fb.op(spv::Op::OpLogicalNot, boolT(), {claimed});
            if (step.busy) {
              // Sharded: a pass is idle only if it also saw no slot in
              // flux (claimOwned), or the drain could miss a handed-back
              // slot.
              uint32_t busy = fb.op(spv::Op::OpLoad, boolT(), {step.busy});
              idle = fb.op(spv::Op::OpLogicalAnd, boolT(),
                           {idle, fb.op(spv::Op::OpLogicalNot, boolT(), {busy})});
            }
            leave = fb.op(spv::Op::OpLogicalAnd, boolT(), {idle, stop});
          }
          if (subgroup())
            leave = group(spv::Op::OpGroupNonUniformAll, boolT(), fb, {leave});
          fb.opVoid(spv::Op::OpStore, {leftVar, leave});
          fb.terminate(spv::Op::OpBranchConditional,
                       {leave, passLoop.merge, passLoop.cont});
        },
        [&](const FunctionBuilder::Loop &) {
          uint32_t nextPass = fb.op(spv::Op::OpIAdd, u32(), {pass, c(1)});
          fb.opVoid(spv::Op::OpStore, {passVar, nextPass});
        });
    // The loop ends by leaving or at the budget; any other way out is a
    // driver cutting it short (llvmpipe's loop limit). Count it if the pass
    // it cut had claimed work (a handler's or the scan's loops cut: results
    // may be incomplete), so a host does not take that for a finished run;
    // an idle invocation cut while it waited lost nothing.
    uint32_t left = fb.op(spv::Op::OpLoad, boolT(), {leftVar});
    uint32_t underBudget =
        fb.op(spv::Op::OpULessThan, boolT(),
              {fb.op(spv::Op::OpLoad, u32(), {passVar}),
               P(PV::kernel_ITERATION_BUDGET)});
    uint32_t working = fb.op(spv::Op::OpLoad, boolT(), {claimedVar});
    uint32_t cut = fb.op(spv::Op::OpLogicalAnd, boolT(),
                         {fb.op(spv::Op::OpLogicalNot, boolT(), {left}), underBudget});
    cut = fb.op(spv::Op::OpLogicalAnd, boolT(), {cut, working});
    // Or a pass with claimed work found the limit spent (probeLoopLimit):
    // one of its loops may have been cut, though the pass loop then left.
    cut = fb.op(spv::Op::OpLogicalOr, boolT(),
                {cut, fb.op(spv::Op::OpLoad, boolT(), {limitHitVar})});
    fb.ifThen(cut,
              [&] {
                ctx.atomic(fb, AtomicOp::Add, MemoryOrder::Relaxed,
                           ctx.wordPointer(fb, ctx.sema.control,
                                           P(PV::control_CUT_SHORT_COUNT)),
                           {c(1)});
              });
    fb.finish();
    return mainFn;
  }

  /// After a pass with claimed work: whether a driver's loop limit is spent
  /// (llvmpipe: one budget of loop iterations for an invocation's life,
  /// docs/scenario.md "lavapipe"), which may have cut a handler's or the
  /// scan's loop. A loop of min(nthreads, 2) iterations, a trip count no
  /// compiler can fold, then ends after one; loop_limit_hit records it.
  void probeLoopLimit(FunctionBuilder &fb, uint32_t nthreads) {
    uint32_t bound = glsl(fb, GLSLstd450UMin, nthreads, c(2));
    countUp(fb, probeVar, bound, [](uint32_t) {});
    uint32_t ran = fb.op(spv::Op::OpLoad, u32(), {probeVar});
    fb.ifThen(fb.op(spv::Op::OpINotEqual, boolT(), {ran, bound}), [&] {
      fb.opVoid(spv::Op::OpStore, {limitHitVar, b.constBool(true)});
    });
  }

  /// The scan of one pass. A module of the subgroup or grouped skeleton
  /// chooses its loop by kernel.PORTABLE_LOOP (a spec constant, which the
  /// driver folds at pipeline creation; docs/protocol.md, "The portable
  /// loop switch"):
  ///   if kernel.PORTABLE_LOOP != 0: the portable scan (CPU drivers)
  ///   else:                         the skeleton's scan
  /// Both set claimed_any; the loop-limit probe and the leave test follow
  /// the merge, in uniform control flow, unchanged.
  void scanPass(FunctionBuilder &fb, uint32_t gid, uint32_t nthreads,
                uint32_t stride, uint32_t scanSlots, uint32_t slotVar) {
    if (!subgroup())
      return stepLoop(fb, gid, nthreads, stride, scanSlots, slotVar,
                      /*portable=*/true);
    uint32_t portable = fb.op(spv::Op::OpINotEqual, boolT(),
                              {P(PV::kernel_PORTABLE_LOOP), c(0)});
    fb.ifElse(
        portable,
        [&] {
          stepLoop(fb, gid, nthreads, nthreads, scanSlots, slotVar,
                   /*portable=*/true);
        },
        [&] {
          if (grouped())
            groupedScan(fb, gid, nthreads, scanSlots, slotVar);
          else
            stepLoop(fb, gid, nthreads, stride, scanSlots, slotVar,
                     /*portable=*/false);
        });
  }

  /// The scan of one pass by the portable step (\p portable) or the
  /// subgroup skeleton's.
  void stepLoop(FunctionBuilder &fb, uint32_t gid, uint32_t nthreads,
                uint32_t stride, uint32_t scanSlots, uint32_t slotVar,
                bool portable) {
    fb.opVoid(spv::Op::OpStore, {slotVar, gid});
    // for s = gid; s < scan; s += nthreads (the subgroup loop runs
    // while any invocation of the subgroup has a slot left, so every
    // subgroup operation in a step sees the whole subgroup)
    uint32_t s = 0, inRing = 0;
    fb.loop(
        [&](const FunctionBuilder::Loop &) {
          s = fb.op(spv::Op::OpLoad, u32(), {slotVar});
          inRing = fb.op(spv::Op::OpULessThan, boolT(), {s, scanSlots});
          return portable ? inRing
                          : group(spv::Op::OpGroupNonUniformAny, boolT(), fb,
                                  {inRing});
        },
        [&](const FunctionBuilder::Loop &) {
          if (portable)
            portableStep(fb, s);
          else
            subgroupStep(fb, s, nthreads, scanSlots);
        },
        [&](const FunctionBuilder::Loop &) {
          uint32_t nextS = fb.op(spv::Op::OpIAdd, u32(), {s, stride});
          fb.opVoid(spv::Op::OpStore, {slotVar, nextS});
        });
  }

  /// The function variables of the subgroup and grouped skeletons' batches
  /// (StepVars).
  void declareStepVars(FunctionBuilder &fb) {
    uint32_t fnPtrU32 = b.typePointer(spv::StorageClass::Function, u32());
    uint32_t fnPtrBool = b.typePointer(spv::StorageClass::Function, boolT());
    if (subgroup()) {
      for (unsigned k = 0; k < claimBatch(); ++k) {
        step.opcode.push_back(fb.localVariable(fnPtrU32));
        b.name(step.opcode[k], "claimed_opcode");
      }
    }
    if (subgroup() && !grouped()) {
      for (unsigned k = 0; k < claimBatch(); ++k) {
        step.won.push_back(fb.localVariable(fnPtrBool));
        b.name(step.won[k], "won");
      }
      step.pending = fb.localVariable(fnPtrBool);
      b.name(step.pending, "metric_pending");
    }
    if (grouped()) {
      for (unsigned k = 0; k < claimBatch(); ++k) {
        step.base.push_back(fb.localVariable(fnPtrU32));
        b.name(step.base[k], "claimed_slot_base");
      }
      step.unrun = fb.localVariable(fnPtrU32);
      step.wonBits = fb.localVariable(fnPtrU32);
      step.chunk = fb.localVariable(fnPtrU32);
      step.own = fb.localVariable(fnPtrU32);
      b.name(step.own, "own_unrun");
      b.name(step.unrun, "unrun");
      b.name(step.wonBits, "won_bits");
      b.name(step.chunk, "chunk");
    }
  }

  /// Whether one complete pass that began after the invocation saw SHUTDOWN
  /// drains its slots: only the host publishes (no handler writes the ring,
  /// no shard hands a slot back), and every slot it published before the
  /// flag is seen PUBLISHED or later by that pass (docs/protocol.md, "The
  /// persistent loop"). Otherwise the pass must also have claimed nothing.
  bool singleDrainPass() const {
    return !plan.sharded() && !ctx.sema.handlersWriteRing;
  }

  /// The subgroup skeleton, unless the priority schedule (one claim per
  /// invocation and pass, Schedule.cpp) replaces the scan.
  bool subgroup() const { return usesSubgroupSkeleton(ctx.opts, ctx.sema); }
  /// The grouped skeleton (a subgroup skeleton that runs a batch's slots by
  /// opcode: groupedScan).
  bool grouped() const {
    return subgroup() && ctx.opts.skeleton == Skeleton::Grouped;
  }

  /// One pass of the priority schedule: claim_by_priority picks at most one
  /// slot; main runs it (metrics, dispatch, DONE_COUNT, DONE per slot, as
  /// the portable step). Ends the pass body with the leave test.
  void priorityPass(FunctionBuilder &fb, uint32_t gid, uint32_t nthreads,
                    uint32_t scanSlots, uint32_t shutdown,
                    const FunctionBuilder::Loop &passLoop) {
    uint32_t s = fb.op(spv::Op::OpFunctionCall, u32(),
                       {claimFn, gid, nthreads, scanSlots});
    uint32_t got = fb.op(spv::Op::OpINotEqual, boolT(), {s, c(0xFFFFFFFFu)});
    fb.ifThen(got, [&] {
      uint32_t slotBase = fb.op(spv::Op::OpIMul, u32(), {s, P(PV::slot_WORDS)});
      runClaimedSlot(fb, slotBase, statusPointer(fb, slotBase));
      probeLoopLimit(fb, nthreads);
    });
    uint32_t idle = fb.op(spv::Op::OpLogicalNot, boolT(), {got});
    uint32_t stop = fb.op(spv::Op::OpINotEqual, boolT(), {shutdown, c(0)});
    uint32_t leave = fb.op(spv::Op::OpLogicalAnd, boolT(), {idle, stop});
    fb.opVoid(spv::Op::OpStore, {leftVar, leave});
    fb.terminate(spv::Op::OpBranchConditional,
                 {leave, passLoop.merge, passLoop.cont});
  }

  /// A claimed slot, per invocation: run_slot (metrics += 1), then
  /// DONE_COUNT += 1 and status = DONE, both release (the handler's writes
  /// happen before).
  void runClaimedSlot(FunctionBuilder &fb, uint32_t slotBase,
                      uint32_t statusPtr) {
    runSlot(fb, slotBase, /*opcode=*/0, /*countMetrics=*/true);
    ctx.atomic(fb, AtomicOp::Add, MemoryOrder::Release,
               ctx.wordPointer(fb, ctx.sema.control, P(PV::control_DONE_COUNT)),
               {c(1)});
    ctx.atomic(fb, AtomicOp::Store, MemoryOrder::Release, statusPtr,
               {P(PV::status_DONE)});
  }

  /// The tenant gate (kernel.TENANT_GATE, Schedule.cpp): true if the slot's
  /// tenant may be claimed this pass; always true without the gate.
  void ifTenantAllows(FunctionBuilder &fb, uint32_t slotBase,
                      llvm::function_ref<void()> then) {
    if (!step.tenantTable)
      return then();
    fb.ifThen(emitTenantAllows(ctx, fb, step.tenantTable, slotBase), then);
  }

  /// Function variables of the subgroup step.
  struct StepVars {
    uint32_t claimed = 0, pending = 0;
    uint32_t tenantTable = 0; // kernel.TENANT_GATE: the pass's mask table
    uint32_t busy = 0;        // sharded: saw a slot in flux (claimOwned)
    std::vector<uint32_t> won, opcode; // one per slot of the batch
    // The grouped skeleton's batch: slot bases, bit k set for slot k
    // claimed (wonBits) and not yet run (unrun); run_group's slots of the
    // lead opcode not yet run (own) and its chunk.
    std::vector<uint32_t> base;
    uint32_t wonBits = 0, unrun = 0, own = 0, chunk = 0;
  } step;

  /// Slots each invocation claims per subgroup step: their status reads
  /// and claims overlap, and they share one pair of barriers and one
  /// DONE_COUNT add.
  unsigned claimBatch() const {
    return claimBatchOf(ctx.opts, ctx.sema);
  }

  /// A subgroup operation at Subgroup scope: op(type, scope, operands...).
  uint32_t group(spv::Op op, uint32_t type, FunctionBuilder &fb,
                 llvm::ArrayRef<uint32_t> operands) {
    Words ops{c(uint32_t(spv::Scope::Subgroup))};
    ops.insert(ops.end(), operands.begin(), operands.end());
    return fb.op(op, type, ops);
  }
  /// The number of invocations of the subgroup for which \p pred holds.
  uint32_t ballotCount(FunctionBuilder &fb, uint32_t pred) {
    uint32_t ballot =
        group(spv::Op::OpGroupNonUniformBallot, b.typeVec4U32(), fb, {pred});
    return group(spv::Op::OpGroupNonUniformBallotBitCount, u32(), fb,
                 {uint32_t(spv::GroupOperation::Reduce), ballot});
  }
  /// OpControlBarrier(Subgroup, Device, AcquireRelease | UniformMemory):
  /// every invocation's memory accesses before it happen before every
  /// invocation's accesses after it, at device scope.
  void subgroupBarrier(FunctionBuilder &fb) {
    fb.opVoid(spv::Op::OpControlBarrier,
              {c(uint32_t(spv::Scope::Subgroup)), c(ctx.mm.scope()),
               c(ctx.mm.barrierSemantics(/*acquire=*/true, /*release=*/true))});
  }

  /// The status word of the slot at \p slotBase.
  uint32_t statusPointer(FunctionBuilder &fb, uint32_t slotBase) {
    uint32_t statusIndex =
        fb.op(spv::Op::OpIAdd, u32(), {slotBase, P(PV::slot_STATUS_WORD)});
    return ctx.wordPointer(fb, ctx.sema.ringBuffer, statusIndex);
  }

  /// Claim: CAS PUBLISHED -> CLAIMED with acquire semantics; true if won.
  uint32_t claim(FunctionBuilder &fb, uint32_t statusPtr) {
    uint32_t old = ctx.atomic(fb, AtomicOp::CompareExchange, MemoryOrder::Acquire,
                              statusPtr,
                              {P(PV::status_PUBLISHED), P(PV::status_CLAIMED)});
    return fb.op(spv::Op::OpIEqual, boolT(), {old, P(PV::status_PUBLISHED)});
  }

  /// ring_buffer[slot_base + offset]
  uint32_t slotWord(FunctionBuilder &fb, uint32_t slotBase, uint32_t offset) {
    uint32_t at = fb.op(spv::Op::OpIAdd, u32(), {slotBase, offset});
    return ctx.loadWord(fb, ctx.wordPointer(fb, ctx.sema.ringBuffer, at));
  }

  /// run_slot: reads the arguments (and the opcode, unless \p opcode is
  /// given), counts the metric if \p countMetrics, calls dispatch_op and
  /// decodes a packed slot.
  void runSlot(FunctionBuilder &fb, uint32_t slotBase, uint32_t opcode,
               bool countMetrics) {
    if (!opcode)
      opcode = slotWord(fb, slotBase, P(PV::slot_OPCODE_WORD));
    uint32_t arg0 = slotWord(fb, slotBase, P(PV::slot_ARG0_WORD));
    uint32_t arg1 = slotWord(fb, slotBase, c(L(PV::slot_ARG0_WORD) + 1));
    uint32_t arg2 = slotWord(fb, slotBase, c(L(PV::slot_ARG0_WORD) + 2));
    if (countMetrics)
      countMetric(fb, opcode, c(1));
    fb.op(spv::Op::OpFunctionCall, ctx.voidT(),
          {dispatchFns[shard], slotBase, opcode, arg0, arg1, arg2});
    if (shard) // only shard 0 claims PACKED_SLOT
      return;
    uint32_t isPacked =
        fb.op(spv::Op::OpIEqual, boolT(), {opcode, P(PV::opcode_PACKED_SLOT)});
    fb.ifThen(isPacked, [&] {
      fb.op(spv::Op::OpFunctionCall, ctx.voidT(), {packedFn, slotBase});
    });
  }

  /// One slot, per invocation (the portable skeleton, and the others'
  /// kernel.PORTABLE_LOOP arm):
  ///   [the tenant gate: status PUBLISHED (acquire) and the tenant allowed]
  ///   if CAS(status, PUBLISHED -> CLAIMED, acquire) won:
  ///     claimed_any = true; run_slot (metrics += 1)
  ///     DONE_COUNT += 1 (release); status = DONE (release)
  void portableStep(FunctionBuilder &fb, uint32_t s) {
    uint32_t slotBase = fb.op(spv::Op::OpIMul, u32(), {s, P(PV::slot_WORDS)});
    uint32_t statusPtr = statusPointer(fb, slotBase);
    if (plan.sharded()) {
      uint32_t held = claimOwned(fb, shard, statusPtr, slotBase, step.busy,
                                 step.tenantTable);
      fb.ifThen(held, [&] {
        fb.opVoid(spv::Op::OpStore, {step.claimed, b.constBool(true)});
        runClaimedSlot(fb, slotBase, statusPtr);
      });
      return;
    }
    auto claimAndRun = [&] {
      fb.ifThen(claim(fb, statusPtr), [&] {
        fb.opVoid(spv::Op::OpStore, {step.claimed, b.constBool(true)});
        runClaimedSlot(fb, slotBase, statusPtr);
      });
    };
    if (!step.tenantTable)
      return claimAndRun();
    // Only a PUBLISHED slot whose tenant's mask is set reaches the claim (a
    // refused slot stays PUBLISHED).
    uint32_t st =
        ctx.atomic(fb, AtomicOp::Load, MemoryOrder::Acquire, statusPtr, {});
    fb.ifThen(fb.op(spv::Op::OpIEqual, boolT(), {st, P(PV::status_PUBLISHED)}),
              [&] { ifTenantAllows(fb, slotBase, claimAndRun); });
  }

  /// The status reads that begin a batch, slot k of which is s + k *
  /// nthreads: slot_base_k, s_k < scan, and status_k = atomic_load(status,
  /// relaxed; acquire under the tenant gate, which then reads the slot's
  /// tenant word). A plain read first: no CAS on slots that are not
  /// PUBLISHED. Every invocation reads every k (a slot past the scan reads
  /// slot min(s_k, scan - 1), or 0 for an empty scan, and ignores it), so
  /// the batch's reads overlap.
  struct BatchReads {
    std::vector<uint32_t> slotBase, inRing, status;
  };
  BatchReads readBatch(FunctionBuilder &fb, uint32_t s, uint32_t nthreads,
                       uint32_t scanSlots) {
    return readBatch(fb, s, nthreads, scanSlots, 0, claimBatch());
  }
  /// Slots \p from .. \p to - 1 of the batch only (the rest of \p r's
  /// entries stay 0).
  BatchReads readBatch(FunctionBuilder &fb, uint32_t s, uint32_t nthreads,
                       uint32_t scanSlots, unsigned from, unsigned to) {
    unsigned batch = claimBatch();
    BatchReads r{std::vector<uint32_t>(batch), std::vector<uint32_t>(batch),
                 std::vector<uint32_t>(batch)};
    uint32_t lastSlot = fb.op(
        spv::Op::OpISub, u32(),
        {glsl(fb, GLSLstd450UMax, scanSlots, c(1)),
         c(1)});
    for (unsigned k = from; k < to; ++k) {
      uint32_t sk = k ? fb.op(spv::Op::OpIAdd, u32(),
                              {s, k == 1 ? nthreads
                                         : fb.op(spv::Op::OpIMul, u32(),
                                                 {nthreads, c(k)})})
                      : s;
      r.inRing[k] = fb.op(spv::Op::OpULessThan, boolT(), {sk, scanSlots});
      r.slotBase[k] = fb.op(spv::Op::OpIMul, u32(), {sk, P(PV::slot_WORDS)});
      uint32_t clampedBase = fb.op(
          spv::Op::OpIMul, u32(),
          {glsl(fb, GLSLstd450UMin, sk, lastSlot),
           P(PV::slot_WORDS)});
      r.status[k] = ctx.atomic(fb, AtomicOp::Load,
                               step.tenantTable ? MemoryOrder::Acquire
                                                : MemoryOrder::Relaxed,
                               statusPointer(fb, clampedBase), {});
    }
    return r;
  }

  /// Slot k of a batch: if s_k < scan, status_k == PUBLISHED and the
  /// tenant gate allows it, CAS(PUBLISHED -> CLAIMED, acquire), and \p then
  /// with whether it was won.
  void tryClaim(FunctionBuilder &fb, const BatchReads &r, unsigned k,
                llvm::function_ref<void(uint32_t won)> then) {
    uint32_t published = fb.op(
        spv::Op::OpLogicalAnd, boolT(),
        {r.inRing[k], fb.op(spv::Op::OpIEqual, boolT(),
                            {r.status[k], P(PV::status_PUBLISHED)})});
    fb.ifThen(published, [&] {
      ifTenantAllows(fb, r.slotBase[k], [&] {
        then(claim(fb, statusPointer(fb, r.slotBase[k])));
      });
    });
  }

  /// claimBatch() slots per invocation, aggregated over the subgroup
  /// (docs/protocol.md, "The subgroup skeleton"); slot k of the batch is
  /// s + k * nthreads:
  ///   status_k = in ring ? atomic_load(status, relaxed) : 0   (all k first)
  ///   won_k = status_k == PUBLISHED && CAS(PUBLISHED -> CLAIMED, acquire) won
  ///   metrics: one add per distinct opcode among the winners, per k
  ///   n = winners in the subgroup, over every k
  ///   if won_k: claimed_any = true; run_slot (without its metrics add)
  ///   if n > 0:
  ///     barrier; one invocation: DONE_COUNT += n (release); barrier
  ///     if won_k: status = DONE (release)
  /// The subgroup operations come before the handlers, whose branches
  /// split the subgroup; the first barrier joins it again.
  void subgroupStep(FunctionBuilder &fb, uint32_t s, uint32_t nthreads,
                    uint32_t scanSlots) {
    unsigned batch = claimBatch();
    BatchReads r = readBatch(fb, s, nthreads, scanSlots);
    const std::vector<uint32_t> &slotBase = r.slotBase;
    std::vector<uint32_t> won(batch), opcode(batch);
    for (unsigned k = 0; k < batch; ++k) {
      fb.opVoid(spv::Op::OpStore, {step.won[k], b.constBool(false)});
      fb.opVoid(spv::Op::OpStore, {step.opcode[k], c(0)});
      tryClaim(fb, r, k, [&](uint32_t w) {
        fb.opVoid(spv::Op::OpStore, {step.won[k], w});
        fb.ifThen(w, [&] {
          fb.opVoid(spv::Op::OpStore,
                    {step.opcode[k],
                     slotWord(fb, slotBase[k], P(PV::slot_OPCODE_WORD))});
        });
      });
    }
    uint32_t n = 0;
    for (unsigned k = 0; k < batch; ++k) {
      won[k] = fb.op(spv::Op::OpLoad, boolT(), {step.won[k]});
      opcode[k] = fb.op(spv::Op::OpLoad, u32(), {step.opcode[k]});
      subgroupMetrics(fb, won[k], opcode[k]);
      uint32_t nk = ballotCount(fb, won[k]);
      n = k ? fb.op(spv::Op::OpIAdd, u32(), {n, nk}) : nk;
    }
    for (unsigned k = 0; k < batch; ++k)
      fb.ifThen(won[k], [&] {
        fb.opVoid(spv::Op::OpStore, {step.claimed, b.constBool(true)});
        runSlot(fb, slotBase[k], opcode[k], /*countMetrics=*/false);
      });
    countDone(fb, n, [&] {
      for (unsigned k = 0; k < batch; ++k)
        fb.ifThen(won[k], [&] {
          ctx.atomic(fb, AtomicOp::Store, MemoryOrder::Release,
                     statusPointer(fb, slotBase[k]), {P(PV::status_DONE)});
        });
    });
  }

  /// The end of a subgroup's step or batch, once its \p n slots have run
  /// (subgroup-uniform):
  ///   if n > 0:
  ///     subgroup_barrier()   // every handler's writes happen before ...
  ///     if elect(): DONE_COUNT += n (release)
  ///     subgroup_barrier()   // ... the add, which happens before ...
  ///     markDone()           // ... every DONE store (release)
  void countDone(FunctionBuilder &fb, uint32_t n,
                 llvm::function_ref<void()> markDone) {
    fb.ifThen(fb.op(spv::Op::OpINotEqual, boolT(), {n, c(0)}), [&] {
      subgroupBarrier(fb);
      fb.ifThen(group(spv::Op::OpGroupNonUniformElect, boolT(), fb, {}), [&] {
        ctx.atomic(fb, AtomicOp::Add, MemoryOrder::Release,
                   ctx.wordPointer(fb, ctx.sema.control,
                                   P(PV::control_DONE_COUNT)),
                   {n});
      });
      subgroupBarrier(fb);
      markDone();
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
  void subgroupMetrics(FunctionBuilder &fb, uint32_t won, uint32_t opcode) {
    uint32_t counted = fb.op(spv::Op::OpULessThan, boolT(),
                             {opcode, P(PV::control_METRICS_SLOTS)});
    fb.opVoid(spv::Op::OpStore,
              {step.pending,
               fb.op(spv::Op::OpLogicalAnd, boolT(), {won, counted})});
    fb.loop(
        [&](const FunctionBuilder::Loop &) {
          uint32_t pending = fb.op(spv::Op::OpLoad, boolT(), {step.pending});
          return group(spv::Op::OpGroupNonUniformAny, boolT(), fb, {pending});
        },
        [&](const FunctionBuilder::Loop &) {
          uint32_t pending = fb.op(spv::Op::OpLoad, boolT(), {step.pending});
          fb.ifThen(pending, [&] {
            uint32_t lead = group(spv::Op::OpGroupNonUniformBroadcastFirst,
                                  u32(), fb, {opcode});
            uint32_t mine = fb.op(spv::Op::OpIEqual, boolT(), {opcode, lead});
            uint32_t n = ballotCount(fb, mine);
            uint32_t elected =
                group(spv::Op::OpGroupNonUniformElect, boolT(), fb, {});
            fb.ifThen(elected, [&] {
              uint32_t idx = fb.op(spv::Op::OpIAdd, u32(),
                                   {P(PV::control_METRICS_BASE), lead});
              ctx.atomic(fb, AtomicOp::Add, MemoryOrder::Relaxed,
                         ctx.wordPointer(fb, ctx.sema.control, idx), {n});
            });
            fb.ifThen(mine, [&] {
              fb.opVoid(spv::Op::OpStore, {step.pending, b.constBool(false)});
            });
          });
        },
        [&](const FunctionBuilder::Loop &) {});
  }

  /// The grouped skeleton's scan of one pass (docs/protocol.md, "The
  /// grouped skeleton"): a loop of subgroup-uniform rounds, each of which
  /// either runs every claimed slot of one opcode or, once the subgroup has
  /// run its whole batch, finishes that batch and claims the next one:
  ///   s = gid; won = unrun = 0
  ///   while any(s < scan or won != 0):
  ///     if any(unrun != 0): run_group()
  ///     else: finish_batch(); claim_batch(s); s += claimBatch() * nthreads
  void groupedScan(FunctionBuilder &fb, uint32_t gid, uint32_t nthreads,
                   uint32_t scanSlots, uint32_t slotVar) {
    fb.opVoid(spv::Op::OpStore, {slotVar, gid});
    fb.opVoid(spv::Op::OpStore, {step.unrun, c(0)});
    fb.opVoid(spv::Op::OpStore, {step.wonBits, c(0)});
    uint32_t s = 0;
    fb.loop(
        [&](const FunctionBuilder::Loop &) {
          s = fb.op(spv::Op::OpLoad, u32(), {slotVar});
          uint32_t won = fb.op(spv::Op::OpLoad, u32(), {step.wonBits});
          uint32_t more = fb.op(
              spv::Op::OpLogicalOr, boolT(),
              {fb.op(spv::Op::OpULessThan, boolT(), {s, scanSlots}),
               fb.op(spv::Op::OpINotEqual, boolT(), {won, c(0)})});
          return group(spv::Op::OpGroupNonUniformAny, boolT(), fb, {more});
        },
        [&](const FunctionBuilder::Loop &) {
          uint32_t unrun = fb.op(spv::Op::OpLoad, u32(), {step.unrun});
          uint32_t running = group(
              spv::Op::OpGroupNonUniformAny, boolT(), fb,
              {fb.op(spv::Op::OpINotEqual, boolT(), {unrun, c(0)})});
          fb.ifElse(
              running, [&] { runGroup(fb, unrun); },
              [&] {
                finishBatch(fb);
                claimBatchAt(fb, s, nthreads, scanSlots, slotVar);
              });
        },
        [&](const FunctionBuilder::Loop &) {});
  }

  /// claim_batch: up to claimBatch() slots per invocation; slot k of the
  /// batch is s + k * nthreads. The first kFirstClaim slots are claimed
  /// first; a subgroup whose claimed slots then share one opcode runs them
  /// at once (every round is already full, and on an H200 a ring of one
  /// opcode runs fastest in batches of 4: docs/gpu-runs.md), any other
  /// claims the rest of the batch, so that the grouped rounds fill:
  ///   claim(0 .. first)
  ///   if min and max over the subgroup of the claimed opcodes differ (or
  ///      it claimed nothing): claim(first .. batch); s += batch * nthreads
  ///   else: s += first * nthreads
  ///   unrun = won; if won != 0: claimed_any = true
  ///   if any(won != 0): subgroup_barrier()
  /// where claim(k0 .. k1) is, for each k (the status reads first, they
  /// overlap):
  ///   status_k = atomic_load(status, relaxed)
  ///   if s_k < scan and status_k == PUBLISHED
  ///      and CAS(status, PUBLISHED -> CLAIMED, acquire) won:
  ///     won |= 1 << k; opcode[k] = the slot's opcode; base[k] = slot_base
  /// Every invocation of the subgroup advances s by the same amount, so
  /// invocation gid still scans exactly the slots s == gid mod nthreads, in
  /// order. The barrier passes each claim's acquire on to the invocation of
  /// the subgroup that will run the slot and read its arguments.
  static constexpr unsigned kFirstClaim = 4;
  void claimBatchAt(FunctionBuilder &fb, uint32_t s, uint32_t nthreads,
                    uint32_t scanSlots, uint32_t slotVar) {
    unsigned batch = claimBatch();
    unsigned first = std::min(batch, kFirstClaim);
    auto advance = [&](unsigned slots) {
      uint32_t next = fb.op(spv::Op::OpIAdd, u32(),
                            {s, fb.op(spv::Op::OpIMul, u32(), {nthreads, c(slots)})});
      fb.opVoid(spv::Op::OpStore, {slotVar, next});
    };
    claimRange(fb, s, nthreads, scanSlots, 0, first);
    if (first < batch) {
      fb.ifElse(
          claimedOpcodesDiffer(fb, first),
          [&] {
            claimRange(fb, s, nthreads, scanSlots, first, batch);
            advance(batch);
          },
          [&] { advance(first); });
    } else {
      advance(batch);
    }
    uint32_t won = fb.op(spv::Op::OpLoad, u32(), {step.unrun});
    fb.opVoid(spv::Op::OpStore, {step.wonBits, won});
    uint32_t any = fb.op(spv::Op::OpINotEqual, boolT(), {won, c(0)});
    fb.ifThen(any, [&] {
      fb.opVoid(spv::Op::OpStore, {step.claimed, b.constBool(true)});
    });
    fb.ifThen(group(spv::Op::OpGroupNonUniformAny, boolT(), fb, {any}),
              [&] { subgroupBarrier(fb); });
  }

  /// claim(from .. to) of claimBatchAt.
  void claimRange(FunctionBuilder &fb, uint32_t s, uint32_t nthreads,
                  uint32_t scanSlots, unsigned from, unsigned to) {
    BatchReads r = readBatch(fb, s, nthreads, scanSlots, from, to);
    for (unsigned k = from; k < to; ++k) {
      tryClaim(fb, r, k, [&](uint32_t w) {
        fb.ifThen(w, [&] {
          uint32_t unrun = fb.op(spv::Op::OpLoad, u32(), {step.unrun});
          fb.opVoid(spv::Op::OpStore,
                    {step.unrun, fb.op(spv::Op::OpBitwiseOr, u32(),
                                       {unrun, c(1u << k)})});
          fb.opVoid(spv::Op::OpStore,
                    {step.opcode[k],
                     slotWord(fb, r.slotBase[k], P(PV::slot_OPCODE_WORD))});
          fb.opVoid(spv::Op::OpStore, {step.base[k], r.slotBase[k]});
        });
      });
    }
  }

  /// Subgroup-uniform: whether the slots the subgroup claimed among the
  /// batch's first \p count do not all have one opcode (true also when it
  /// claimed none): the UMin over the subgroup of each invocation's lowest
  /// claimed opcode differs from the UMax of its highest.
  uint32_t claimedOpcodesDiffer(FunctionBuilder &fb, unsigned count) {
    uint32_t won = fb.op(spv::Op::OpLoad, u32(), {step.unrun});
    uint32_t lo = c(0xFFFFFFFFu), hi = c(0);
    for (unsigned k = 0; k < count; ++k) {
      uint32_t has = fb.op(spv::Op::OpINotEqual, boolT(),
                           {fb.op(spv::Op::OpBitwiseAnd, u32(), {won, c(1u << k)}),
                            c(0)});
      uint32_t op = fb.op(spv::Op::OpLoad, u32(), {step.opcode[k]});
      lo = fb.op(spv::Op::OpSelect, u32(),
                 {has, glsl(fb, GLSLstd450UMin, lo, op), lo});
      hi = fb.op(spv::Op::OpSelect, u32(),
                 {has, glsl(fb, GLSLstd450UMax, hi, op), hi});
    }
    uint32_t groupLo = groupArith(fb, spv::Op::OpGroupNonUniformUMin,
                                  spv::GroupOperation::Reduce, lo);
    uint32_t groupHi = groupArith(fb, spv::Op::OpGroupNonUniformUMax,
                                  spv::GroupOperation::Reduce, hi);
    return fb.op(spv::Op::OpINotEqual, boolT(), {groupLo, groupHi});
  }

  /// GLSL.std.450 \p inst(a, b) on u32 (UMin, UMax).
  uint32_t glsl(FunctionBuilder &fb, GLSLstd450 inst, uint32_t a, uint32_t b2) {
    return fb.op(spv::Op::OpExtInst, u32(), {b.glslStd450(), uint32_t(inst), a, b2});
  }

  /// run_group: every unrun slot of the subgroup's smallest pending opcode,
  /// spread over the subgroup so that each pass through the handler runs a
  /// whole subgroup of slots:
  ///   lead  = min over the subgroup of (unrun != 0 ? opcode[lowest bit of
  ///                                     unrun] : ~0u)
  ///   mine  = bits k of unrun with opcode[k] == lead;  unrun &= ~mine
  ///   if lead < METRICS_SLOTS and elect():
  ///     metrics[lead] += add over the subgroup of popcount(mine)
  ///   while ballot_count(mine != 0) == subgroup_size:      (uniform)
  ///     if mine != 0: run_slot(base[lowest bit of mine]); clear that bit
  ///   first = exclusive_add(popcount(mine));  total = add(popcount(mine))
  ///   for chunk = 0; chunk < total; chunk += subgroup_size:  (uniform)
  ///     i = chunk + lane; owner = the lane whose [first, first + count)
  ///     holds i; k = its (i - first)-th bit of mine
  ///     if i < total: run_slot(base[k] of owner) without its metrics add
  /// Run apart, a subgroup's slots of one opcode would each pay for the
  /// whole subgroup's pass through the handler, and the built-in handlers'
  /// atomics on shared control words would go out one slot at a time; on
  /// an H200 that was most of a mixed ring's time (bench/RESULTS-gpu.md).
  void runGroup(FunctionBuilder &fb, uint32_t unrun) {
    unsigned batch = claimBatch();
    Batch slots{std::vector<uint32_t>(batch), std::vector<uint32_t>(batch)};
    for (unsigned k = 0; k < batch; ++k) {
      slots.opcode[k] = fb.op(spv::Op::OpLoad, u32(), {step.opcode[k]});
      slots.base[k] = fb.op(spv::Op::OpLoad, u32(), {step.base[k]});
    }
    uint32_t pending = fb.op(spv::Op::OpINotEqual, boolT(), {unrun, c(0)});
    uint32_t first = fb.op(
        spv::Op::OpSelect, u32(),
        {pending, pickEntry(fb, slots.opcode, lowestBit(fb, unrun)), c(~0u)});
    uint32_t lead = groupArith(fb, spv::Op::OpGroupNonUniformUMin,
                               spv::GroupOperation::Reduce, first);
    uint32_t mine = c(0);
    for (unsigned k = 0; k < batch; ++k)
      mine = fb.op(spv::Op::OpBitwiseOr, u32(),
                   {mine, fb.op(spv::Op::OpSelect, u32(),
                                {fb.op(spv::Op::OpIEqual, boolT(),
                                       {slots.opcode[k], lead}),
                                 c(1u << k), c(0)})});
    mine = fb.op(spv::Op::OpBitwiseAnd, u32(), {mine, unrun});
    fb.opVoid(spv::Op::OpStore,
              {step.unrun, fb.op(spv::Op::OpBitwiseAnd, u32(),
                                 {unrun, fb.op(spv::Op::OpNot, u32(), {mine})})});
    uint32_t all = groupArith(fb, spv::Op::OpGroupNonUniformIAdd,
                              spv::GroupOperation::Reduce,
                              fb.op(spv::Op::OpBitCount, u32(), {mine}));
    fb.ifThen(fb.op(spv::Op::OpULessThan, boolT(),
                    {lead, P(PV::control_METRICS_SLOTS)}),
              [&] {
                fb.ifThen(group(spv::Op::OpGroupNonUniformElect, boolT(), fb, {}),
                          [&] {
                            uint32_t idx = fb.op(spv::Op::OpIAdd, u32(),
                                                 {P(PV::control_METRICS_BASE), lead});
                            ctx.atomic(fb, AtomicOp::Add, MemoryOrder::Relaxed,
                                       ctx.wordPointer(fb, ctx.sema.control, idx),
                                       {all});
                          });
              });
    // The subgroup's invocations, all active here (the scan's rounds are
    // subgroup-uniform): lanes 0 .. width - 1, fewer than SubgroupSize in
    // a workgroup smaller than a subgroup.
    uint32_t width = ballotCount(fb, b.constBool(true));
    mine = ownRounds(fb, slots, mine, lead, width);
    spreadRest(fb, slots, mine, lead, width);
  }

  /// A batch's claimed opcodes and slot bases, loaded for run_group.
  struct Batch {
    std::vector<uint32_t> opcode, base;
  };

  /// values[bit] (a select chain: the batch is a handful of registers, not
  /// an indexable array).
  uint32_t pickEntry(FunctionBuilder &fb, llvm::ArrayRef<uint32_t> values,
                     uint32_t bit) {
    uint32_t v = values[0];
    for (unsigned k = 1; k < values.size(); ++k)
      v = fb.op(spv::Op::OpSelect, u32(),
                {fb.op(spv::Op::OpIEqual, boolT(), {bit, c(k)}), values[k], v});
    return v;
  }

  /// FindILsb of bits | 1 << 31: never of 0, which drivers may treat as
  /// undefined; a batch has at most 32 slots, so the extra bit never hides
  /// a real one.
  uint32_t lowestBit(FunctionBuilder &fb, uint32_t bits) {
    uint32_t nonzero = fb.op(spv::Op::OpBitwiseOr, u32(), {bits, c(0x80000000u)});
    return fb.op(spv::Op::OpExtInst, u32(),
                 {b.glslStd450(), uint32_t(GLSLstd450FindILsb), nonzero});
  }

  /// A subgroup arithmetic operation: op(u32, Subgroup, how, v).
  uint32_t groupArith(FunctionBuilder &fb, spv::Op op, spv::GroupOperation how,
                      uint32_t v) {
    return group(op, u32(), fb, {uint32_t(how), v});
  }

  /// Own rounds while every invocation has a slot of its own left in
  /// \p mine: each runs its lowest, with no shuffle (a ring of one opcode
  /// needs little else). Measured on an H200, partly filled own rounds cost
  /// the mix more than the shuffles they save. Returns what is left.
  uint32_t ownRounds(FunctionBuilder &fb, const Batch &slots, uint32_t mine,
                     uint32_t lead, uint32_t width) {
    fb.opVoid(spv::Op::OpStore, {step.own, mine});
    fb.loop(
        [&](const FunctionBuilder::Loop &) {
          uint32_t left = fb.op(spv::Op::OpLoad, u32(), {step.own});
          uint32_t busy = ballotCount(
              fb, fb.op(spv::Op::OpINotEqual, boolT(), {left, c(0)}));
          return fb.op(spv::Op::OpIEqual, boolT(), {busy, width});
        },
        [&](const FunctionBuilder::Loop &) {
          uint32_t left = fb.op(spv::Op::OpLoad, u32(), {step.own});
          fb.ifThen(fb.op(spv::Op::OpINotEqual, boolT(), {left, c(0)}), [&] {
            fb.opVoid(spv::Op::OpStore,
                      {step.own,
                       fb.op(spv::Op::OpBitwiseAnd, u32(),
                             {left, fb.op(spv::Op::OpISub, u32(), {left, c(1)})})});
            runSlot(fb, pickEntry(fb, slots.base, lowestBit(fb, left)), lead,
                    /*countMetrics=*/false);
          });
        },
        [&](const FunctionBuilder::Loop &) {});
    return fb.op(spv::Op::OpLoad, u32(), {step.own});
  }

  /// The slots left in \p mine, spread over the subgroup: numbered by an
  /// exclusive scan, run in chunks of the subgroup's width, invocation i of
  /// a chunk running slot number chunk + i, whose base it takes from its
  /// claimer (the owner) by shuffles.
  void spreadRest(FunctionBuilder &fb, const Batch &slots, uint32_t mine,
                  uint32_t lead, uint32_t width) {
    unsigned batch = claimBatch();
    uint32_t count = fb.op(spv::Op::OpBitCount, u32(), {mine});
    uint32_t before = groupArith(fb, spv::Op::OpGroupNonUniformIAdd,
                                 spv::GroupOperation::ExclusiveScan, count);
    uint32_t total = groupArith(fb, spv::Op::OpGroupNonUniformIAdd,
                                spv::GroupOperation::Reduce, count);
    uint32_t upTo = fb.op(spv::Op::OpIAdd, u32(), {before, count});
    uint32_t lane = fb.op(spv::Op::OpLoad, u32(), {laneVar});
    fb.opVoid(spv::Op::OpStore, {step.chunk, c(0)});
    fb.loop(
        [&](const FunctionBuilder::Loop &) {
          uint32_t chunk = fb.op(spv::Op::OpLoad, u32(), {step.chunk});
          return fb.op(spv::Op::OpULessThan, boolT(), {chunk, total});
        },
        [&](const FunctionBuilder::Loop &) {
          uint32_t chunk = fb.op(spv::Op::OpLoad, u32(), {step.chunk});
          uint32_t i = fb.op(spv::Op::OpIAdd, u32(), {chunk, lane});
          uint32_t owner = ownerOf(fb, i, upTo, width);
          uint32_t ownerMine =
              group(spv::Op::OpGroupNonUniformShuffle, u32(), fb, {mine, owner});
          uint32_t ownerFirst =
              group(spv::Op::OpGroupNonUniformShuffle, u32(), fb, {before, owner});
          // k = the position of the (i - ownerFirst)-th set bit of ownerMine:
          // bit j is it iff it is set and exactly that many bits lie below.
          uint32_t rank = fb.op(spv::Op::OpISub, u32(), {i, ownerFirst});
          uint32_t k = c(0);
          for (unsigned j = 1; j < batch; ++j) {
            uint32_t below = fb.op(
                spv::Op::OpBitCount, u32(),
                {fb.op(spv::Op::OpBitwiseAnd, u32(), {ownerMine, c((1u << j) - 1)})});
            uint32_t set = fb.op(spv::Op::OpINotEqual, boolT(),
                                 {fb.op(spv::Op::OpBitwiseAnd, u32(),
                                        {ownerMine, c(1u << j)}),
                                  c(0)});
            uint32_t hit = fb.op(spv::Op::OpLogicalAnd, boolT(),
                                 {set, fb.op(spv::Op::OpIEqual, boolT(), {below, rank})});
            k = fb.op(spv::Op::OpSelect, u32(), {hit, c(j), k});
          }
          // The owner's base[k]: one shuffle per batch entry.
          std::vector<uint32_t> ownerBase(batch);
          for (unsigned j = 0; j < batch; ++j)
            ownerBase[j] = group(spv::Op::OpGroupNonUniformShuffle, u32(), fb,
                                 {slots.base[j], owner});
          uint32_t slotBase = pickEntry(fb, ownerBase, k);
          fb.ifThen(fb.op(spv::Op::OpULessThan, boolT(), {i, total}),
                    [&] { runSlot(fb, slotBase, lead, /*countMetrics=*/false); });
        },
        [&](const FunctionBuilder::Loop &) {
          uint32_t chunk = fb.op(spv::Op::OpLoad, u32(), {step.chunk});
          fb.opVoid(spv::Op::OpStore,
                    {step.chunk, fb.op(spv::Op::OpIAdd, u32(), {chunk, width})});
        });
  }

  /// The lane whose slot numbers [upTo - count, upTo) hold \p i: the number
  /// of lanes whose range ends at or before i (upTo rises with the lane
  /// index), found by a binary search over the subgroup, one shuffle per
  /// halving, every lane taking part.
  uint32_t ownerOf(FunctionBuilder &fb, uint32_t i, uint32_t upTo,
                   uint32_t width) {
    uint32_t lastLane = fb.op(spv::Op::OpISub, u32(), {width, c(1)});
    uint32_t owner = c(0);
    for (uint32_t half = kMaxSubgroupSize / 2; half; half /= 2) {
      uint32_t probe = fb.op(spv::Op::OpIAdd, u32(), {owner, c(half - 1)});
      uint32_t inside = fb.op(spv::Op::OpULessThan, boolT(), {probe, width});
      uint32_t at = glsl(fb, GLSLstd450UMin, probe, lastLane);
      uint32_t ends =
          group(spv::Op::OpGroupNonUniformShuffle, u32(), fb, {upTo, at});
      uint32_t past = fb.op(spv::Op::OpLogicalAnd, boolT(),
                            {inside, fb.op(spv::Op::OpULessThanEqual, boolT(), {ends, i})});
      owner = fb.op(spv::Op::OpSelect, u32(),
                    {past, fb.op(spv::Op::OpIAdd, u32(), {owner, c(half)}), owner});
    }
    return glsl(fb, GLSLstd450UMin, owner, lastLane);
  }

  /// finish_batch, once the subgroup has run every slot of the batch (as
  /// the subgroup skeleton's step ends):
  ///   n = add over the subgroup of popcount(won)
  ///   if n > 0:                                     (subgroup-uniform)
  ///     subgroup_barrier()          // every handler's writes happen before
  ///     if elect(): DONE_COUNT += n (release)
  ///     subgroup_barrier()          // ... the add, which happens before
  ///     fence(release); for k in won: status(base[k]) = DONE   // each DONE
  ///   won = 0
  void finishBatch(FunctionBuilder &fb) {
    uint32_t won = fb.op(spv::Op::OpLoad, u32(), {step.wonBits});
    uint32_t n = group(spv::Op::OpGroupNonUniformIAdd, u32(), fb,
                       {uint32_t(spv::GroupOperation::Reduce),
                        fb.op(spv::Op::OpBitCount, u32(), {won})});
    countDone(fb, n, [&] {
      fb.ifThen(fb.op(spv::Op::OpINotEqual, boolT(), {won, c(0)}), [&] {
        fb.opVoid(spv::Op::OpMemoryBarrier,
                  {c(ctx.mm.scope()),
                   c(ctx.mm.barrierSemantics(/*acquire=*/false,
                                             /*release=*/true))});
        for (unsigned k = 0; k < claimBatch(); ++k) {
          uint32_t bit = fb.op(
              spv::Op::OpINotEqual, boolT(),
              {fb.op(spv::Op::OpBitwiseAnd, u32(), {won, c(1u << k)}), c(0)});
          fb.ifThen(bit, [&] {
            uint32_t base = fb.op(spv::Op::OpLoad, u32(), {step.base[k]});
            ctx.atomic(fb, AtomicOp::Store, MemoryOrder::Relaxed,
                       statusPointer(fb, base), {P(PV::status_DONE)});
          });
        }
      });
    });
    fb.opVoid(spv::Op::OpStore, {step.wonBits, c(0)});
  }

  /// Whether opcode \p op is claimed by shard \p shard (ShardPlan::owner).
  uint32_t ownsOpcode(FunctionBuilder &fb, unsigned shard, uint32_t op) {
    auto inside = [&](uint32_t first, uint32_t last,
                      const std::vector<uint32_t> &excluded) {
      uint32_t r = fb.op(spv::Op::OpLogicalAnd, boolT(),
                         {fb.op(spv::Op::OpUGreaterThanEqual, boolT(), {op, c(first)}),
                          fb.op(spv::Op::OpULessThanEqual, boolT(), {op, c(last)})});
      for (uint32_t e : excluded)
        r = fb.op(spv::Op::OpLogicalAnd, boolT(),
                  {r, fb.op(spv::Op::OpINotEqual, boolT(), {op, c(e)})});
      return r;
    };
    const auto &S = plan.shards;
    if (shard)
      return inside(S[shard].first, S[shard].last, S[shard].excluded);
    // The ranges of shards 1.. are contiguous: shard 0 owns what lies
    // outside their union, and the built-ins excluded from them.
    std::vector<uint32_t> excluded;
    for (unsigned i = 1; i < S.size(); ++i)
      excluded.insert(excluded.end(), S[i].excluded.begin(), S[i].excluded.end());
    return fb.op(spv::Op::OpLogicalNot, boolT(),
                 {inside(S[1].first, S.back().last, excluded)});
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
  /// refused tenant); the CAS then claims that publication, and the slot
  /// goes back untouched.
  /// `busy` keeps the invocation from leaving after a pass in which a slot
  /// of its shard may have been CLAIMED by such a hand-back.
  uint32_t claimOwned(FunctionBuilder &fb, unsigned shard, uint32_t statusPtr,
                      uint32_t slotBase, uint32_t busyVar, uint32_t table) {
    // owns(opcode), and with the tenant gate (\p table != 0) the tenant's
    // mask too: a refused slot stays PUBLISHED and does not keep us busy.
    auto wanted = [&](uint32_t op) {
      uint32_t r = ownsOpcode(fb, shard, op);
      if (table)
        r = fb.op(spv::Op::OpLogicalAnd, boolT(),
                  {r, emitTenantAllows(ctx, fb, table, slotBase)});
      return r;
    };
    uint32_t heldVar =
        fb.localVariable(b.typePointer(spv::StorageClass::Function, boolT()));
    b.name(heldVar, "held");
    fb.opVoid(spv::Op::OpStore, {heldVar, b.constBool(false)});
    auto setBusyIf = [&](uint32_t cond) {
      uint32_t was = fb.op(spv::Op::OpLoad, boolT(), {busyVar});
      fb.opVoid(spv::Op::OpStore,
                {busyVar, fb.op(spv::Op::OpLogicalOr, boolT(), {was, cond})});
    };
    auto opcodeWord = [&] {
      return slotWord(fb, slotBase, P(PV::slot_OPCODE_WORD));
    };
    uint32_t st = ctx.atomic(fb, AtomicOp::Load, MemoryOrder::Acquire,
                             statusPtr, {});
    setBusyIf(fb.op(spv::Op::OpIEqual, boolT(), {st, P(PV::status_CLAIMED)}));
    fb.ifThen(fb.op(spv::Op::OpIEqual, boolT(), {st, P(PV::status_PUBLISHED)}),
              [&] {
      uint32_t mine = wanted(opcodeWord());
      setBusyIf(mine);
      fb.ifThen(mine, [&] {
        fb.ifThen(claim(fb, statusPtr), [&] {
          uint32_t still = wanted(opcodeWord()); // read again: see above
          fb.opVoid(spv::Op::OpStore, {heldVar, still});
          fb.ifThen(fb.op(spv::Op::OpLogicalNot, boolT(), {still}), [&] {
            ctx.atomic(fb, AtomicOp::Store, MemoryOrder::Release, statusPtr,
                       {P(PV::status_PUBLISHED)});
          });
        });
      });
    });
    return fb.op(spv::Op::OpLoad, boolT(), {heldVar});
  }

  void entryPoint(SpirvVersion ver, unsigned shard) {
    uint32_t mainFn = mainFns[shard];
    Words ep{uint32_t(spv::ExecutionModel::GLCompute), mainFn};
    SpirvBuilder::appendString(ep, plan.shards[shard].entryPoint);
    ep.push_back(ctx.gidVar);
    ep.push_back(ctx.numWorkgroupsVar);
    if (grouped()) {
      ep.push_back(laneVar);
    }
    // From SPIR-V 1.4 on the interface lists every global variable used.
    if (ver.major > 1 || ver.minor >= 4)
      for (const BufferDecl *d : ctx.sema.buffers)
        ep.push_back(ctx.bufferVars[d]);
    SpirvBuilder::emit(b.entryPoints, spv::Op::OpEntryPoint, ep);
    // From SPIR-V 1.6 the workgroup size is LocalSizeId of the spec
    // constant (Vulkan: the maintenance4 feature, in the manifest's
    // `requires`); below, workgroupSizeBuiltin() specializes LocalSize.
    if (ver < SpirvVersion{1, 6})
      SpirvBuilder::emit(b.executionModes, spv::Op::OpExecutionMode,
                         {mainFn, uint32_t(spv::ExecutionMode::LocalSize),
                          L(PV::kernel_WORKGROUP_SIZE), 1, 1});
    else
      SpirvBuilder::emit(b.executionModes, spv::Op::OpExecutionModeId,
                         {mainFn, uint32_t(spv::ExecutionMode::LocalSizeId),
                          P(PV::kernel_WORKGROUP_SIZE), c(1), c(1)});
  }
};

} // namespace

bool vyre::emit::usesSubgroupSkeleton(const EmitOptions &opts,
                                      const SemaResult &sema) {
  // A sharded module uses the portable skeleton with the sharded claim.
  return opts.skeleton != Skeleton::Portable &&
         sema.protocol[PV::kernel_SCHEDULE] != sema.protocol[PV::schedule_PRIORITY] &&
         !planShards(sema, opts.shards, opts.entryPoint).sharded();
}

unsigned vyre::emit::claimBatchOf(const EmitOptions &opts,
                                  const SemaResult &sema) {
  if (!usesSubgroupSkeleton(opts, sema))
    return 1;
  return opts.skeleton == Skeleton::Grouped ? opts.claimBatch
                                            : kSubgroupClaimBatch;
}

Words vyre::emit::buildMegakernel(ModuleContext &ctx) {
  return MegakernelBuilder(ctx).build();
}
