//===- WgslModuleText.cpp - the WGSL module: shell and entry points ------===//
//
// The `enable`, the overrides the code used, every storage buffer, the
// private copies of the built-ins, every function (their markers resolved
// to identifiers), record_out_of_bounds, and one `@compute` wrapper per
// persistent loop (KernelPlan::entryPoints); and the facts a WebGPU host needs (WgslModule).
//
//===----------------------------------------------------------------------===//
#include "WgslKernelBuilder.h"

using namespace vyre;
using namespace vyre::wgsl;

//===-- The module --------------------------------------------------------===//

void WgslKernelBuilder::entryPoint(kernel::Fn loop, unsigned index) {
  if (loop == 0 || loop >= ids.size() || ids[loop].kind != Kind::Fn ||
      index >= entryNames.size())
    return fail("WGSL: an entry point that is not a persistent loop");
  // The kernel's own function of that name gives the name up.
  readable[loop] = names.unique(plan.entryPoints[index].name + "_loop");
  std::string params, copies;
  for (unsigned b = 0; b < 3; ++b) {
    bool lane = b == unsigned(kernel::Builtin::SubgroupLane);
    if (!builtinUsed[b] || (lane && !plan.entryPoints[index].readsLane()))
      continue;
    const BuiltinInput &info = kBuiltinInputs[b];
    params += (params.empty() ? "" : ", ") + std::string("@builtin(") +
              info.attribute + ") " + info.param + ": " + info.type;
    copies += std::string("  ") + info.global + " = " + info.param +
              info.component + ";\n";
  }
  unsigned wg = static_cast<unsigned>(PV::kernel_WORKGROUP_SIZE);
  std::string size = overrideNames[wg];
  if (size.empty())
    size = std::to_string(sema.protocol[PV::kernel_WORKGROUP_SIZE]) + "u";
  entries.push_back("@compute @workgroup_size(" + size + ")\nfn " +
                    entryNames[index] +
                    "(" + params + ") {\n" + copies + "  " + ref(loop) +
                    "();\n}\n");
}

void WgslKernelBuilder::resolve(llvm::StringRef text, std::string &out) const {
  while (!text.empty()) {
    size_t at = text.find(kMarkBegin);
    out += text.take_front(at);
    if (at == llvm::StringRef::npos)
      break;
    text = text.drop_front(at + 1);
    size_t end = text.find(kMarkEnd);
    uint32_t id = 0;
    text.take_front(end).getAsInteger(10, id);
    appendIdentifier(id, out);
    text = text.drop_front(end + 1);
  }
}

llvm::Expected<WgslModule> WgslKernelBuilder::finish() {
  for (size_t id = 1; id < ids.size(); ++id)
    if (ids[id].kind == Kind::Fn && !ids[id].value)
      fail("WGSL: a function declared but never defined");
  if (!stack.empty())
    fail("WGSL: a function still being defined");
  if (entries.size() != entryNames.size())
    fail("WGSL: a persistent loop without an entry point");
  if (!error.empty())
    return llvm::createStringError(llvm::inconvertibleErrorCode(), error);

  WgslModule m;
  std::string out;
  size_t size = 4096;
  for (const std::string &f : functions)
    size += f.size() + 1;
  out.reserve(size);
  if (plan.subgroupLoop()) {
    // The skeletons run subgroup operations where the lanes diverge on
    // purpose (docs/protocol.md): WGSL's uniformity analysis cannot see
    // that, as SPIR-V's non-uniform operations need not.
    out += "enable subgroups;\ndiagnostic(off, subgroup_uniformity);\n\n";
    m.features.push_back("subgroups");
  }
  // Every override by id, as a host's GPUProgrammableStage.constants names
  // them, used or not: the same specialization constants as the SPIR-V
  // module, so one scenario or host sets the same values for both (WebGPU
  // refuses a pipeline constant the module does not declare).
  std::vector<unsigned> rows;
  for (unsigned i = 0; i < kNumProtocolValues; ++i)
    if (!overrideNames[i].empty())
      rows.push_back(i);
  llvm::sort(rows, [](unsigned a, unsigned b) {
    return protocolTable()[a].specId < protocolTable()[b].specId;
  });
  for (unsigned i : rows) {
    WgslModule::Override o;
    o.id = static_cast<uint32_t>(protocolTable()[i].specId);
    o.name = overrideNames[i];
    o.value = static_cast<PV>(i);
    o.defaultValue = sema.protocol[o.value];
    out += "@id(" + std::to_string(o.id) + ") override " + o.name +
           ": u32 = " + std::to_string(o.defaultValue) + "u;\n";
    m.overrides.push_back(std::move(o));
  }
  // Every buffer, used or not: the manifest lists the same bindings for
  // every target, and a host binds them all (-Wunused-buffer says so).
  for (const BufferDecl *d : sema.buffers) {
    WgslModule::Binding b{d->setValue, d->bindingValue, bufferNames[d],
                          d->access == Access::Read, d};
    out += "@group(" + std::to_string(b.set) + ") @binding(" +
           std::to_string(b.binding) + ") var<storage, " +
           (b.readOnly ? "read> " + b.name + ": array<u32>;\n"
                       : "read_write> " + b.name + ": array<atomic<u32>>;\n");
    m.bindings.push_back(std::move(b));
  }
  m.storageBuffersPerStage = static_cast<unsigned>(m.bindings.size());
  for (unsigned b = 0; b < 3; ++b)
    if (builtinUsed[b])
      out +=
          std::string("var<private> ") + kBuiltinInputs[b].global + ": u32;\n";
  for (const std::string &f : functions) {
    out += '\n';
    resolve(f, out);
  }
  if (oobUsed)
    out += "\n// Out of range (docs/protocol.md, \"Robustness\").\nfn " +
           oobName + "() {\n  atomicAdd(&" + bufferNames[sema.control] + "[" +
           std::to_string(sema.protocol[PV::control_OUT_OF_BOUNDS_COUNT]) +
           "u], 1u);\n}\n";
  for (const std::string &e : entries) {
    out += '\n';
    resolve(e, out);
  }
  m.entryPoints = entryNames;
  for (unsigned c = 0; c < std::size(kSubgroupClassNames); ++c)
    if (subgroupClasses & (1u << c))
      m.subgroupOperations.push_back(kSubgroupClassNames[c]);
  m.text = std::move(out);
  return m;
}
