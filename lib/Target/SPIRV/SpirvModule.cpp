//===- SpirvModule.cpp - the SPIR-V module around the megakernel ---------===//
//
// The module's shell: capabilities, extensions and memory model, one
// StorageBuffer block per buffer, the protocol's specialization constants,
// the built-in inputs, then the megakernel's functions (lib/Kernel, rendered
// by SpirvKernelBuilder), record_out_of_bounds if a bounds guard called it,
// and one GLCompute entry point per persistent loop
// (KernelPlan::entryPoints). Every choice of shape comes from the
// KernelPlan.
//
//===----------------------------------------------------------------------===//
#include "SpirvKernelBuilder.h"

#include "vyre/Kernel/Megakernel.h"

using namespace vyre;
using namespace vyre::emit;

uint32_t ModuleContext::protocolValue(PV v) {
  auto it = specConsts.find(static_cast<unsigned>(v));
  if (it != specConsts.end())
    return it->second;
  return c(sema.protocol[v]);
}

namespace {

class SpirvModuleBuilder {
public:
  explicit SpirvModuleBuilder(ModuleContext &ctx)
      : ctx(ctx), b(ctx.b), plan(KernelPlan::make(ctx.sema, ctx.opts)) {}

  Words build() {
    SpirvVersion ver = moduleSpirvVersion(ctx.opts);
    header(ver);
    buffers();
    specConstants();
    builtins();
    if (ver < SpirvVersion{1, 6})
      workgroupSizeBuiltin();
    SpirvKernelBuilder k(ctx);
    std::string error;
    mainFns = kernel::buildMegakernel(ctx.module, ctx.sema, plan, k, error);
    if (!error.empty())
      ctx.fail(error);
    outOfBoundsFunction(k);
    for (unsigned i = 0; i < mainFns.size(); ++i)
      entryPoint(ver, i);
    return b.finish(ver.major, ver.minor);
  }

private:
  ModuleContext &ctx;
  SpirvBuilder &b;
  KernelPlan plan;
  std::vector<kernel::Fn> mainFns;

  uint32_t P(PV v) { return ctx.protocolValue(v); }
  uint32_t L(PV v) { return ctx.protocolLiteral(v); }
  uint32_t u32() { return ctx.u32(); }
  uint32_t c(uint32_t v) { return ctx.c(v); }
  bool subgroup() const { return plan.subgroupLoop(); }
  bool grouped() const { return plan.grouped(); }

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
      ctx.laneVar = b.globalVariable(u32In, spv::StorageClass::Input);
      b.name(ctx.laneVar, "gl_SubgroupInvocationID");
      b.decorate(ctx.laneVar, spv::Decoration::BuiltIn,
                 {uint32_t(spv::BuiltIn::SubgroupLocalInvocationId)});
    }
  }
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
    ctx.workgroupSize = id;
  }

  /// record_out_of_bounds(): control[OUT_OF_BOUNDS_COUNT] += 1 (relaxed),
  /// called by every bounds guard's out-of-range branch. DontInline: the
  /// path is cold, and -O's exhaustive inlining would otherwise copy the
  /// atomic into every guard.
  void outOfBoundsFunction(SpirvKernelBuilder &k) {
    if (!ctx.oobUsed)
      return;
    k.define(ctx.oobFn, "record_out_of_bounds", 0, std::nullopt,
             kernel::Inline::Never, {}, [&](llvm::ArrayRef<kernel::Val>) {
               kernel::Ptr word = k.element(ctx.sema.control,
                                    c(L(PV::control_OUT_OF_BOUNDS_COUNT)));
               k.atomic(AtomicOp::Add, MemoryOrder::Relaxed, word, {c(1)});
             });
  }

  void entryPoint(SpirvVersion ver, unsigned index) {
    const KernelPlan::EntryPoint &entry = plan.entryPoints[index];
    uint32_t mainFn = mainFns[index];
    Words ep{uint32_t(spv::ExecutionModel::GLCompute), mainFn};
    SpirvBuilder::appendString(ep, entry.name);
    ep.push_back(ctx.gidVar);
    ep.push_back(ctx.numWorkgroupsVar);
    if (entry.readsLane())
      ep.push_back(ctx.laneVar);
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

Words vyre::emit::buildMegakernel(ModuleContext &ctx) {
  return SpirvModuleBuilder(ctx).build();
}
