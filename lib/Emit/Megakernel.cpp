//===- Megakernel.cpp - entry point, persistent loop, O(1) dispatch ------===//
//
// The module's shape (docs/protocol.md is the normative description):
//
//   handler_NAME(slot_base, opcode, arg0, arg1, arg2)   one per handler
//   dispatch_op(slot_base, opcode, arg0, arg1, arg2)    metrics + OpSwitch
//   decode_packed(slot_base)                            PACKED_SLOT decoder
//   claim_by_priority(gid, nthreads, scan)              the priority schedule
//                                                       (Schedule.cpp), if chosen
//   main()                                              the persistent loop
//
// Every handler body is emitted once; the top-level slot and every inner
// op of a packed slot reach it through dispatch_op's OpSwitch (a tree of
// them past SPIR-V's limit of 16,383 targets: Dispatch.cpp), so a slot's
// cost does not grow with the number of handlers.
//
//===----------------------------------------------------------------------===//
#include "EmitInternal.h"

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

constexpr auto kNone = static_cast<uint32_t>(spv::SelectionControlMask::MaskNone);
constexpr auto kLoopNone = static_cast<uint32_t>(spv::LoopControlMask::MaskNone);

class MegakernelBuilder {
public:
  explicit MegakernelBuilder(ModuleContext &ctx) : ctx(ctx), b(ctx.b) {}

  Words build() {
    SpirvVersion ver = spirvVersion(ctx.opts.targetEnv);
    header(ver);
    buffers();
    specConstants();
    builtins();
    handlerFunctions();
    dispatchFunction();
    packedFunction();
    if (L(PV::kernel_SCHEDULE) == L(PV::schedule_PRIORITY))
      claimFn = emitPriorityClaimFunction(ctx);
    mainFunction();
    outOfBoundsFunction();
    entryPoint(ver);
    return b.finish(ver.major, ver.minor);
  }

private:
  ModuleContext &ctx;
  SpirvBuilder &b;
  /// Handlers grouped by opcode value (Sema rejects duplicates; if any
  /// remain, every handler of that opcode runs, in order, as in the seed).
  std::map<uint32_t, std::vector<std::pair<const HandlerDecl *, uint32_t>>>
      byOpcode;
  uint32_t dispatchFn = 0, packedFn = 0, mainFn = 0;
  /// claim_by_priority, when kernel.SCHEDULE is schedule.PRIORITY.
  uint32_t claimFn = 0;

  uint32_t P(PV v) { return ctx.protocolValue(v); }
  uint32_t L(PV v) { return ctx.protocolLiteral(v); }
  uint32_t u32() { return ctx.u32(); }
  uint32_t boolT() { return ctx.boolT(); }
  uint32_t c(uint32_t v) { return ctx.c(v); }

  void header(SpirvVersion ver) {
    b.capability(spv::Capability::Shader);
    spv::MemoryModel model = spv::MemoryModel::GLSL450;
    if (ctx.mm.vulkan) {
      b.capability(spv::Capability::VulkanMemoryModel);
      b.capability(spv::Capability::VulkanMemoryModelDeviceScope);
      if (ver.major == 1 && ver.minor < 5)
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
  }

  uint32_t opType5() {
    uint32_t u = u32();
    return b.typeFunction(ctx.voidT(), {u, u, u, u, u});
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
      byOpcode[*op].push_back({h, fn});
      emitHandlerFunction(ctx, *h, fn);
    }
  }

  /// dispatch_op(slot_base, opcode, arg0, arg1, arg2): metrics, then one
  /// OpSwitch over the opcode whose cases call the handler functions.
  void dispatchFunction() {
    dispatchFn = b.newId();
    packedFn = b.newId();
    // DontInline: main and decode_packed both call it, and -O's exhaustive
    // inlining would otherwise copy every handler body into both.
    FunctionBuilder fb(b, dispatchFn, ctx.voidT(), opType5(),
                       spv::FunctionControlMask::DontInline);
    b.name(dispatchFn, "dispatch_op");
    uint32_t params[5];
    static const char *names[] = {"slot_base", "opcode", "arg0", "arg1", "arg2"};
    for (unsigned i = 0; i < 5; ++i) {
      params[i] = fb.param(u32());
      b.name(params[i], names[i]);
    }
    uint32_t opcode = params[1];
    fb.beginBody();

    // if opcode < METRICS_SLOTS: control[METRICS_BASE + opcode] += 1
    uint32_t metricsL = b.newId(), afterMetricsL = b.newId();
    uint32_t counted = fb.op(spv::Op::OpULessThan, boolT(),
                             {opcode, P(PV::control_METRICS_SLOTS)});
    fb.merge(spv::Op::OpSelectionMerge, {afterMetricsL, kNone});
    fb.terminate(spv::Op::OpBranchConditional, {counted, metricsL, afterMetricsL});
    fb.block(metricsL);
    uint32_t idx = fb.op(spv::Op::OpIAdd, u32(),
                         {P(PV::control_METRICS_BASE), opcode});
    ctx.atomic(fb, AtomicOp::Add, MemoryOrder::Relaxed,
               ctx.wordPointer(fb, ctx.sema.control, idx), {c(1)});
    fb.terminate(spv::Op::OpBranch, {afterMetricsL});
    fb.block(afterMetricsL);

    // switch (opcode) { case OP: handler_OP(...); default: unknown += 1 }
    // (Dispatch.cpp; past SPIR-V's OpSwitch limit, a tree of switches).
    std::vector<DispatchCase> cases;
    cases.reserve(byOpcode.size() + 1);
    for (auto &[value, hs] : byOpcode) {
      cases.push_back({value, {}});
      for (auto &[h, fn] : hs)
        cases.back().functions.push_back(fn);
    }
    // PACKED_SLOT is not unknown: main decodes it after dispatch_op returns.
    uint32_t packed = L(PV::opcode_PACKED_SLOT);
    if (!byOpcode.count(packed))
      cases.push_back({packed, {}});
    emitDispatchSwitch(ctx, fb, params, cases);
    fb.finish();
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
    return fb.op(spv::Op::OpBitwiseAnd, u32(), {shifted, c(0xFF)});
  }

  /// Byte \p k (a compile-time byte offset) of a slot's payload.
  uint32_t payloadByteAt(FunctionBuilder &fb, uint32_t argBase, uint32_t k) {
    uint32_t at = k / 4 ? fb.op(spv::Op::OpIAdd, u32(), {argBase, c(k / 4)})
                        : argBase;
    uint32_t w = ctx.loadWord(fb, ctx.wordPointer(fb, ctx.sema.ringBuffer, at));
    if (k % 4)
      w = fb.op(spv::Op::OpShiftRightLogical, u32(), {w, c(8 * (k % 4))});
    return fb.op(spv::Op::OpBitwiseAnd, u32(), {w, c(0xFF)});
  }

  /// decode_packed(slot_base): protocol.md "Packed slot".
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
    // count = min(byte 0, MAX_OPS); a clamp is counted.
    uint32_t raw = payloadByteAt(fb, argBase, 0);
    uint32_t clamped = fb.op(spv::Op::OpUGreaterThan, boolT(),
                             {raw, P(PV::packed_MAX_OPS)});
    uint32_t clampL = b.newId(), clampMerge = b.newId();
    fb.merge(spv::Op::OpSelectionMerge, {clampMerge, kNone});
    fb.terminate(spv::Op::OpBranchConditional, {clamped, clampL, clampMerge});
    fb.block(clampL);
    ctx.countError(fb, PV::control_PACKED_CLAMPED_COUNT);
    fb.terminate(spv::Op::OpBranch, {clampMerge});
    fb.block(clampMerge);
    uint32_t count = fb.op(spv::Op::OpExtInst, u32(),
                           {b.glslStd450(), uint32_t(GLSLstd450UMin), raw,
                            P(PV::packed_MAX_OPS)});
    // metadata_words = (2 + 2*count + 3) / 4
    uint32_t twice = fb.op(spv::Op::OpIMul, u32(), {c(2), count});
    uint32_t bytes = fb.op(spv::Op::OpIAdd, u32(), {c(2), twice});
    uint32_t rounded = fb.op(spv::Op::OpIAdd, u32(), {bytes, c(3)});
    uint32_t metaWords = fb.op(spv::Op::OpUDiv, u32(), {rounded, c(4)});
    fb.opVoid(spv::Op::OpStore, {iVar, c(0)});

    uint32_t headerL = b.newId(), bodyL = b.newId(), runL = b.newId(),
             skipL = b.newId(), contL = b.newId(), mergeL = b.newId();
    fb.terminate(spv::Op::OpBranch, {headerL});
    fb.block(headerL);
    uint32_t i = fb.op(spv::Op::OpLoad, u32(), {iVar});
    uint32_t more = fb.op(spv::Op::OpULessThan, boolT(), {i, count});
    fb.merge(spv::Op::OpLoopMerge, {mergeL, contL, kLoopNone});
    fb.terminate(spv::Op::OpBranchConditional, {more, bodyL, mergeL});

    fb.block(bodyL);
    uint32_t twoI = fb.op(spv::Op::OpIMul, u32(), {c(2), i});
    uint32_t pairByte = fb.op(spv::Op::OpIAdd, u32(), {c(2), twoI});
    uint32_t innerOp = payloadByte(fb, argBase, pairByte);
    uint32_t offByte = fb.op(spv::Op::OpIAdd, u32(), {pairByte, c(1)});
    uint32_t argOffset = payloadByte(fb, argBase, offByte);
    uint32_t base = fb.op(spv::Op::OpIAdd, u32(), {metaWords, argOffset});
    // arity check: metadata_words + arg_offset + 3 <= slot.ARGS
    uint32_t end = fb.op(spv::Op::OpIAdd, u32(), {base, c(3)});
    uint32_t fits = fb.op(spv::Op::OpULessThanEqual, boolT(),
                          {end, P(PV::slot_ARGS)});
    uint32_t arityL = b.newId();
    fb.merge(spv::Op::OpSelectionMerge, {skipL, kNone});
    fb.terminate(spv::Op::OpBranchConditional, {fits, runL, arityL});

    fb.block(runL);
    uint32_t first = fb.op(spv::Op::OpIAdd, u32(), {argBase, base});
    uint32_t args[3];
    for (uint32_t k = 0; k < 3; ++k) {
      uint32_t at = k ? fb.op(spv::Op::OpIAdd, u32(), {first, c(k)}) : first;
      args[k] = ctx.loadWord(fb, ctx.wordPointer(fb, ctx.sema.ringBuffer, at));
    }
    fb.op(spv::Op::OpFunctionCall, ctx.voidT(),
          {dispatchFn, slotBase, innerOp, args[0], args[1], args[2]});
    fb.terminate(spv::Op::OpBranch, {skipL});
    // The arity check failed: skip the op and count it.
    fb.block(arityL);
    ctx.countError(fb, PV::control_PACKED_ARITY_COUNT);
    fb.terminate(spv::Op::OpBranch, {skipL});

    fb.block(skipL);
    fb.terminate(spv::Op::OpBranch, {contL});
    fb.block(contL);
    uint32_t next = fb.op(spv::Op::OpIAdd, u32(), {i, c(1)});
    fb.opVoid(spv::Op::OpStore, {iVar, next});
    fb.terminate(spv::Op::OpBranch, {headerL});
    fb.block(mergeL);
    fb.finish();
  }

  /// Runs the claimed slot at \p slotBase (status word at \p statusPtr):
  /// dispatch, packed decoding, DONE_COUNT, then DONE. Ends in a new block.
  void emitRunClaimedSlot(FunctionBuilder &fb, uint32_t slotBase,
                          uint32_t statusPtr) {
    auto slotWord = [&](uint32_t offset) {
      uint32_t at = fb.op(spv::Op::OpIAdd, u32(), {slotBase, offset});
      return ctx.loadWord(fb, ctx.wordPointer(fb, ctx.sema.ringBuffer, at));
    };
    uint32_t opcode = slotWord(P(PV::slot_OPCODE_WORD));
    uint32_t arg0 = slotWord(P(PV::slot_ARG0_WORD));
    uint32_t arg1 = slotWord(c(L(PV::slot_ARG0_WORD) + 1));
    uint32_t arg2 = slotWord(c(L(PV::slot_ARG0_WORD) + 2));
    fb.op(spv::Op::OpFunctionCall, ctx.voidT(),
          {dispatchFn, slotBase, opcode, arg0, arg1, arg2});
    uint32_t isPacked =
        fb.op(spv::Op::OpIEqual, boolT(), {opcode, P(PV::opcode_PACKED_SLOT)});
    uint32_t packedL = b.newId(), packedMerge = b.newId();
    fb.merge(spv::Op::OpSelectionMerge, {packedMerge, kNone});
    fb.terminate(spv::Op::OpBranchConditional, {isPacked, packedL, packedMerge});
    fb.block(packedL);
    fb.op(spv::Op::OpFunctionCall, ctx.voidT(), {packedFn, slotBase});
    fb.terminate(spv::Op::OpBranch, {packedMerge});
    fb.block(packedMerge);
    // Progress, then DONE (release: the handler's writes happen before).
    ctx.atomic(fb, AtomicOp::Add, MemoryOrder::Release,
               ctx.wordPointer(fb, ctx.sema.control, P(PV::control_DONE_COUNT)),
               {c(1)});
    ctx.atomic(fb, AtomicOp::Store, MemoryOrder::Release, statusPtr,
               {P(PV::status_DONE)});
  }

  /// One pass of the priority schedule: claim_by_priority picks at most one
  /// slot; main runs it. Ends the pass body with the leave test.
  void priorityPass(FunctionBuilder &fb, uint32_t gid, uint32_t nthreads,
                    uint32_t scanSlots, uint32_t shutdown, uint32_t passMerge,
                    uint32_t passCont) {
    uint32_t s = fb.op(spv::Op::OpFunctionCall, u32(),
                       {claimFn, gid, nthreads, scanSlots});
    uint32_t got = fb.op(spv::Op::OpINotEqual, boolT(), {s, c(0xFFFFFFFFu)});
    uint32_t runL = b.newId(), runMerge = b.newId();
    fb.merge(spv::Op::OpSelectionMerge, {runMerge, kNone});
    fb.terminate(spv::Op::OpBranchConditional, {got, runL, runMerge});
    fb.block(runL);
    uint32_t slotBase = fb.op(spv::Op::OpIMul, u32(), {s, P(PV::slot_WORDS)});
    uint32_t statusIndex =
        fb.op(spv::Op::OpIAdd, u32(), {slotBase, P(PV::slot_STATUS_WORD)});
    emitRunClaimedSlot(fb, slotBase,
                       ctx.wordPointer(fb, ctx.sema.ringBuffer, statusIndex));
    fb.terminate(spv::Op::OpBranch, {runMerge});
    fb.block(runMerge);
    uint32_t idle = fb.op(spv::Op::OpLogicalNot, boolT(), {got});
    uint32_t stop = fb.op(spv::Op::OpINotEqual, boolT(), {shutdown, c(0)});
    uint32_t leave = fb.op(spv::Op::OpLogicalAnd, boolT(), {idle, stop});
    fb.terminate(spv::Op::OpBranchConditional, {leave, passMerge, passCont});
  }

  /// main(): the persistent loop (docs/protocol.md, "The persistent loop").
  void mainFunction() {
    mainFn = b.newId();
    FunctionBuilder fb(b, mainFn, ctx.voidT(), b.typeFunction(ctx.voidT(), {}));
    b.name(mainFn, ctx.opts.entryPoint);
    fb.beginBody();
    uint32_t fnPtrU32 = b.typePointer(spv::StorageClass::Function, u32());
    uint32_t passVar = fb.localVariable(fnPtrU32);
    uint32_t claimedVar =
        fb.localVariable(b.typePointer(spv::StorageClass::Function, boolT()));
    uint32_t slotVar = fb.localVariable(fnPtrU32);
    b.name(passVar, "pass");
    b.name(claimedVar, "claimed_any");
    b.name(slotVar, "slot");

    uint32_t v3 = b.typeVec3U32();
    uint32_t gidV = fb.op(spv::Op::OpLoad, v3, {ctx.gidVar});
    uint32_t gid = fb.op(spv::Op::OpCompositeExtract, u32(), {gidV, 0});
    uint32_t nwgV = fb.op(spv::Op::OpLoad, v3, {ctx.numWorkgroupsVar});
    uint32_t nwg = fb.op(spv::Op::OpCompositeExtract, u32(), {nwgV, 0});
    uint32_t nthreads =
        fb.op(spv::Op::OpIMul, u32(), {nwg, c(L(PV::kernel_WORKGROUP_SIZE))});
    // Slots the ring the host bound really holds (slot s occupies words
    // s * WORDS .. s * WORDS + WORDS - 1): the scan stops at
    // min(slot.COUNT, length / slot.WORDS), so every skeleton access to a
    // claimed slot is in range. (slot.WORDS >= 5: Sema keeps the five slot
    // words distinct and inside the slot.)
    uint32_t ringWords = ctx.arrayLength(fb, ctx.sema.ringBuffer);
    uint32_t ringSlots = fb.op(spv::Op::OpUDiv, u32(),
                               {ringWords, c(std::max(L(PV::slot_WORDS), 1u))});
    uint32_t scanSlots = fb.op(spv::Op::OpExtInst, u32(),
                               {b.glslStd450(), uint32_t(GLSLstd450UMin),
                                P(PV::slot_COUNT), ringSlots});
    fb.opVoid(spv::Op::OpStore, {passVar, c(0)});

    uint32_t passHeader = b.newId(), passBody = b.newId(),
             passCont = b.newId(), passMerge = b.newId();
    uint32_t slotHeader = b.newId(), slotBody = b.newId(),
             slotCont = b.newId(), slotMerge = b.newId();
    uint32_t claimL = b.newId(), claimMerge = b.newId();

    // for pass in 0..ITERATION_BUDGET
    fb.terminate(spv::Op::OpBranch, {passHeader});
    fb.block(passHeader);
    uint32_t pass = fb.op(spv::Op::OpLoad, u32(), {passVar});
    uint32_t inBudget = fb.op(spv::Op::OpULessThan, boolT(),
                              {pass, P(PV::kernel_ITERATION_BUDGET)});
    fb.merge(spv::Op::OpLoopMerge, {passMerge, passCont, kLoopNone});
    fb.terminate(spv::Op::OpBranchConditional, {inBudget, passBody, passMerge});

    fb.block(passBody);
    // Read SHUTDOWN before the scan: a pass that saw the flag and then
    // claimed nothing proves every slot published before the flag is done.
    uint32_t shutdown = ctx.atomic(
        fb, AtomicOp::Load, MemoryOrder::Acquire,
        ctx.wordPointer(fb, ctx.sema.control, P(PV::control_SHUTDOWN)), {});
    if (claimFn) {
      priorityPass(fb, gid, nthreads, scanSlots, shutdown, passMerge, passCont);
      fb.block(passCont);
      uint32_t nextPass = fb.op(spv::Op::OpIAdd, u32(), {pass, c(1)});
      fb.opVoid(spv::Op::OpStore, {passVar, nextPass});
      fb.terminate(spv::Op::OpBranch, {passHeader});
      fb.block(passMerge);
      fb.finish();
      return;
    }
    // kernel.TENANT_GATE: the mask table, once per pass.
    const bool gate = L(PV::kernel_TENANT_GATE) != 0;
    uint32_t table = gate ? emitTenantTable(ctx, fb) : 0;
    fb.opVoid(spv::Op::OpStore, {claimedVar, b.constBool(false)});
    fb.opVoid(spv::Op::OpStore, {slotVar, gid});
    fb.terminate(spv::Op::OpBranch, {slotHeader});

    // for s = gid; s < min(slot.COUNT, ring words / slot.WORDS); s += nthreads
    fb.block(slotHeader);
    uint32_t s = fb.op(spv::Op::OpLoad, u32(), {slotVar});
    uint32_t inRing = fb.op(spv::Op::OpULessThan, boolT(), {s, scanSlots});
    fb.merge(spv::Op::OpLoopMerge, {slotMerge, slotCont, kLoopNone});
    fb.terminate(spv::Op::OpBranchConditional, {inRing, slotBody, slotMerge});

    fb.block(slotBody);
    uint32_t slotBase = fb.op(spv::Op::OpIMul, u32(), {s, P(PV::slot_WORDS)});
    uint32_t statusIndex =
        fb.op(spv::Op::OpIAdd, u32(), {slotBase, P(PV::slot_STATUS_WORD)});
    uint32_t statusPtr = ctx.wordPointer(fb, ctx.sema.ringBuffer, statusIndex);
    // The tenant gate, when chosen: only a PUBLISHED slot whose tenant's
    // mask is set reaches the claim (a refused slot stays PUBLISHED).
    uint32_t gateMerge = 0, casMerge = 0;
    if (gate) {
      uint32_t st = ctx.atomic(fb, AtomicOp::Load, MemoryOrder::Acquire,
                               statusPtr, {});
      uint32_t pub = fb.op(spv::Op::OpIEqual, boolT(), {st, P(PV::status_PUBLISHED)});
      uint32_t gateL = b.newId(), casL = b.newId();
      gateMerge = b.newId();
      casMerge = b.newId();
      fb.merge(spv::Op::OpSelectionMerge, {claimMerge, kNone});
      fb.terminate(spv::Op::OpBranchConditional, {pub, gateL, claimMerge});
      fb.block(gateL);
      uint32_t allowed = emitTenantAllows(ctx, fb, table, slotBase);
      fb.merge(spv::Op::OpSelectionMerge, {gateMerge, kNone});
      fb.terminate(spv::Op::OpBranchConditional, {allowed, casL, gateMerge});
      fb.block(casL);
    }
    // Claim: CAS PUBLISHED -> CLAIMED with acquire semantics.
    uint32_t old = ctx.atomic(fb, AtomicOp::CompareExchange, MemoryOrder::Acquire,
                              statusPtr,
                              {P(PV::status_PUBLISHED), P(PV::status_CLAIMED)});
    uint32_t won =
        fb.op(spv::Op::OpIEqual, boolT(), {old, P(PV::status_PUBLISHED)});
    uint32_t wonMerge = gate ? casMerge : claimMerge;
    fb.merge(spv::Op::OpSelectionMerge, {wonMerge, kNone});
    fb.terminate(spv::Op::OpBranchConditional, {won, claimL, wonMerge});

    fb.block(claimL);
    fb.opVoid(spv::Op::OpStore, {claimedVar, b.constBool(true)});
    emitRunClaimedSlot(fb, slotBase, statusPtr);
    fb.terminate(spv::Op::OpBranch, {wonMerge});
    if (gate) {
      fb.block(casMerge);
      fb.terminate(spv::Op::OpBranch, {gateMerge});
      fb.block(gateMerge);
      fb.terminate(spv::Op::OpBranch, {claimMerge});
    }

    fb.block(claimMerge);
    fb.terminate(spv::Op::OpBranch, {slotCont});
    fb.block(slotCont);
    uint32_t nextS = fb.op(spv::Op::OpIAdd, u32(), {s, nthreads});
    fb.opVoid(spv::Op::OpStore, {slotVar, nextS});
    fb.terminate(spv::Op::OpBranch, {slotHeader});

    // After the pass: leave if it claimed nothing and SHUTDOWN was set.
    fb.block(slotMerge);
    uint32_t claimed = fb.op(spv::Op::OpLoad, boolT(), {claimedVar});
    uint32_t idle = fb.op(spv::Op::OpLogicalNot, boolT(), {claimed});
    uint32_t stop = fb.op(spv::Op::OpINotEqual, boolT(), {shutdown, c(0)});
    uint32_t leave = fb.op(spv::Op::OpLogicalAnd, boolT(), {idle, stop});
    fb.terminate(spv::Op::OpBranchConditional, {leave, passMerge, passCont});

    fb.block(passCont);
    uint32_t nextPass = fb.op(spv::Op::OpIAdd, u32(), {pass, c(1)});
    fb.opVoid(spv::Op::OpStore, {passVar, nextPass});
    fb.terminate(spv::Op::OpBranch, {passHeader});

    fb.block(passMerge);
    fb.finish();
  }

  void entryPoint(SpirvVersion ver) {
    Words ep{uint32_t(spv::ExecutionModel::GLCompute), mainFn};
    SpirvBuilder::appendString(ep, ctx.opts.entryPoint);
    ep.push_back(ctx.gidVar);
    ep.push_back(ctx.numWorkgroupsVar);
    // From SPIR-V 1.4 on the interface lists every global variable used.
    if (ver.major > 1 || ver.minor >= 4)
      for (const BufferDecl *d : ctx.sema.buffers)
        ep.push_back(ctx.bufferVars[d]);
    SpirvBuilder::emit(b.entryPoints, spv::Op::OpEntryPoint, ep);
    SpirvBuilder::emit(b.executionModes, spv::Op::OpExecutionMode,
                       {mainFn, uint32_t(spv::ExecutionMode::LocalSize),
                        L(PV::kernel_WORKGROUP_SIZE), 1, 1});
  }
};

} // namespace

Words vyre::emit::buildMegakernel(ModuleContext &ctx) {
  return MegakernelBuilder(ctx).build();
}
