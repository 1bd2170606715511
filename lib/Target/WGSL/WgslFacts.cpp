//===- WgslFacts.cpp - what the manifest says about a WGSL module --------===//
//
// A WebGPU host creates its device from these: the GPUFeatureNames in
// requires.webgpu_features, and requires.limits, each a GPUSupportedLimits
// member the default protocol values need above WebGPU's defaults or not
// (docs/manifest.md, "requires"; a host that overrides kernel.WORKGROUP_SIZE
// or sizes the ring for another slot.COUNT checks those itself).
//
//===----------------------------------------------------------------------===//
#include "vyre/Target/WGSL.h"

using namespace vyre;
using llvm::json::Array;
using llvm::json::Object;

TargetFacts vyre::webgpuTargetFacts(const WgslModule &m,
                                    const SemaResult &sema) {
  TargetFacts facts;
  facts.targetEnv = kWebGpuTarget;
  facts.memoryModel = "wgsl";
  facts.moduleSha256 = sha256Hex(m.text);
  uint64_t largest = 0;
  for (const WgslModule::Binding &b : m.bindings) {
    facts.bindings.insert({b.set, b.binding});
    if (std::optional<uint64_t> words = bufferWords(sema, *b.decl))
      largest = std::max(largest, *words * 4);
  }
  Array features;
  for (const std::string &f : m.features)
    features.push_back(f);
  uint32_t workgroup = sema.protocol[PV::kernel_WORKGROUP_SIZE];
  Object limits{
      {"maxStorageBuffersPerShaderStage", m.storageBuffersPerStage},
      {"maxComputeWorkgroupSizeX", workgroup},
      {"maxComputeInvocationsPerWorkgroup", workgroup},
      {"maxStorageBufferBindingSize", largest},
      {"maxBufferSize", largest}};
  facts.requirements = Object{{"webgpu_features", std::move(features)},
                              {"limits", std::move(limits)}};
  for (const std::string &op : m.subgroupOperations)
    facts.subgroupOperations.push_back(op);
  return facts;
}
