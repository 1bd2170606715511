//===- TargetEnv.cpp - Vulkan target environments and SPIR-V versions ----===//
#include "EmitInternal.h"

using namespace vyre;
using namespace vyre::emit;

std::optional<TargetEnv> vyre::parseTargetEnv(llvm::StringRef s) {
  if (s == "vulkan1.0") return TargetEnv::Vulkan1_0;
  if (s == "vulkan1.1") return TargetEnv::Vulkan1_1;
  if (s == "vulkan1.2") return TargetEnv::Vulkan1_2;
  if (s == "vulkan1.3") return TargetEnv::Vulkan1_3;
  return std::nullopt;
}

llvm::StringRef vyre::spelling(TargetEnv env) {
  switch (env) {
  case TargetEnv::Vulkan1_0: return "vulkan1.0";
  case TargetEnv::Vulkan1_1: return "vulkan1.1";
  case TargetEnv::Vulkan1_2: return "vulkan1.2";
  case TargetEnv::Vulkan1_3: return "vulkan1.3";
  }
  return "?";
}

std::optional<SpirvVersion> vyre::parseSpirvVersion(llvm::StringRef s) {
  if (s.size() == 3 && s[0] == '1' && s[1] == '.' && s[2] >= '0' && s[2] <= '6')
    return SpirvVersion{1, unsigned(s[2] - '0')};
  return std::nullopt;
}

std::string vyre::spelling(SpirvVersion v) {
  return std::to_string(v.major) + "." + std::to_string(v.minor);
}

// Vulkan 1.1 also takes SPIR-V 1.4 with VK_KHR_spirv_1_4; vyrec does not
// emit that combination (ask for vulkan1.2 instead).
SpirvVersion vyre::newestSpirvVersion(TargetEnv env) {
  switch (env) {
  case TargetEnv::Vulkan1_0: return {1, 0};
  case TargetEnv::Vulkan1_1: return {1, 3};
  case TargetEnv::Vulkan1_2: return {1, 5};
  case TargetEnv::Vulkan1_3: return {1, 6};
  }
  return {1, 3};
}

SpirvVersion vyre::moduleSpirvVersion(const EmitOptions &opts) {
  return opts.spirvVersion.value_or(newestSpirvVersion(opts.targetEnv));
}

std::string vyre::emitOptionsError(const EmitOptions &opts) {
  SpirvVersion ver = moduleSpirvVersion(opts);
  SpirvVersion newest = newestSpirvVersion(opts.targetEnv);
  if (newest < ver)
    return "--spirv-version=" + spelling(ver) + ": --target-env=" +
           spelling(opts.targetEnv).str() + " accepts SPIR-V " +
           (newest.minor ? "1.0 to " + spelling(newest)
                         : spelling(newest) + " only");
  if (opts.skeleton != Skeleton::Portable && ver < kSubgroupSpirvVersion)
    return "--skeleton=" + spelling(opts.skeleton).str() +
           " needs SPIR-V 1.3 (Vulkan 1.1) for its subgroup operations; this "
           "module is SPIR-V " +
           spelling(ver) + ": use --skeleton=portable";
  return "";
}

spv_target_env vyre::emit::spvEnv(TargetEnv env) {
  switch (env) {
  case TargetEnv::Vulkan1_0: return SPV_ENV_VULKAN_1_0;
  case TargetEnv::Vulkan1_1: return SPV_ENV_VULKAN_1_1;
  case TargetEnv::Vulkan1_2: return SPV_ENV_VULKAN_1_2;
  case TargetEnv::Vulkan1_3: return SPV_ENV_VULKAN_1_3;
  }
  return SPV_ENV_VULKAN_1_1;
}

ApiVersion vyre::emit::vulkanApiVersion(TargetEnv env) {
  switch (env) {
  case TargetEnv::Vulkan1_0: return {1, 0};
  case TargetEnv::Vulkan1_1: return {1, 1};
  case TargetEnv::Vulkan1_2: return {1, 2};
  case TargetEnv::Vulkan1_3: return {1, 3};
  }
  return {1, 1};
}
