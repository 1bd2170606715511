// Placeholder until the SPIR-V backend lands.
#include "vyre/Emit/Emit.h"
using namespace vyre;
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
llvm::Expected<std::vector<uint32_t>> vyre::emitSpirv(const Module &, const SemaResult &, const EmitOptions &) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), "SPIR-V backend not built yet");
}
llvm::Expected<std::string> vyre::disassemble(llvm::ArrayRef<uint32_t>, TargetEnv) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), "disassembler not built yet");
}
llvm::json::Value vyre::buildManifest(const Module &, const SemaResult &, const EmitOptions &, llvm::SourceMgr &) {
  return llvm::json::Object{{"schema", "vyre-manifest/1"}};
}
