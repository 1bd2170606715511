//===- TargetEnv.cpp - Vulkan target environments and SPIR-V versions ----===//
#include "EmitInternal.h"

using namespace vyre;
using namespace vyre::emit;

std::optional<TargetEnv> vyre::parseTargetEnv(llvm::StringRef s) {
  if (s == "vulkan1.1") return TargetEnv::Vulkan1_1;
  if (s == "vulkan1.2") return TargetEnv::Vulkan1_2;
  if (s == "vulkan1.3") return TargetEnv::Vulkan1_3;
  return std::nullopt;
}

llvm::StringRef vyre::spelling(TargetEnv env) {
  switch (env) {
  case TargetEnv::Vulkan1_1: return "vulkan1.1";
  case TargetEnv::Vulkan1_2: return "vulkan1.2";
  case TargetEnv::Vulkan1_3: return "vulkan1.3";
  }
  return "?";
}

// The newest SPIR-V each Vulkan version accepts without extensions.
SpirvVersion vyre::emit::spirvVersion(TargetEnv env) {
  switch (env) {
  case TargetEnv::Vulkan1_1: return {1, 3};
  case TargetEnv::Vulkan1_2: return {1, 5};
  case TargetEnv::Vulkan1_3: return {1, 6};
  }
  return {1, 3};
}

std::string vyre::emit::spirvVersionString(TargetEnv env) {
  SpirvVersion v = spirvVersion(env);
  return std::to_string(v.major) + "." + std::to_string(v.minor);
}

spv_target_env vyre::emit::spvEnv(TargetEnv env) {
  switch (env) {
  case TargetEnv::Vulkan1_1: return SPV_ENV_VULKAN_1_1;
  case TargetEnv::Vulkan1_2: return SPV_ENV_VULKAN_1_2;
  case TargetEnv::Vulkan1_3: return SPV_ENV_VULKAN_1_3;
  }
  return SPV_ENV_VULKAN_1_1;
}

ApiVersion vyre::emit::vulkanApiVersion(TargetEnv env) {
  switch (env) {
  case TargetEnv::Vulkan1_1: return {1, 1};
  case TargetEnv::Vulkan1_2: return {1, 2};
  case TargetEnv::Vulkan1_3: return {1, 3};
  }
  return {1, 1};
}
