//===- Validate.cpp - spvtools validation, optimization, disassembly -----===//
#include "EmitInternal.h"

#include <spirv-tools/libspirv.hpp>
#include <spirv-tools/optimizer.hpp>

using namespace vyre;
using namespace vyre::emit;

namespace {
/// Collects spvtools messages into one string.
struct MessageLog {
  std::string text;
  spvtools::MessageConsumer consumer() {
    return [this](spv_message_level_t, const char *, const spv_position_t &pos,
                  const char *msg) {
      if (!text.empty())
        text += "\n";
      text += msg;
      if (pos.index)
        text += " (word " + std::to_string(pos.index) + ")";
    };
  }
};
} // namespace

llvm::Error vyre::emit::validate(const Words &words, TargetEnv env) {
  spvtools::SpirvTools tools(spvEnv(env));
  MessageLog log;
  tools.SetMessageConsumer(log.consumer());
  // Names only serve error messages: validate without the validator's
  // friendly-name table and, on the (internal-error) failure path only,
  // again with it, unless the module is so large that a second run would
  // keep the user waiting (about 150 benchmark handlers; the first run's
  // message, with numeric ids, stands then).
  spvtools::ValidatorOptions fast;
  fast.SetFriendlyNames(false);
  if (tools.Validate(words.data(), words.size(), fast))
    return llvm::Error::success();
  constexpr size_t kRenameLimitWords = 1 << 20;
  if (words.size() < kRenameLimitWords) {
    log.text.clear();
    spvtools::ValidatorOptions named;
    tools.Validate(words.data(), words.size(), named);
  }
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "generated SPIR-V is invalid: " + log.text);
}

llvm::Expected<Words> vyre::emit::optimize(const Words &words, TargetEnv env,
                                           OptLevel level) {
  spvtools::Optimizer opt(spvEnv(env));
  MessageLog log;
  opt.SetMessageConsumer(log.consumer());
  if (level == OptLevel::Size)
    opt.RegisterSizePasses();
  else
    opt.RegisterPerformancePasses();
  // Keep every declared buffer, used or not: the manifest and the
  // module's interface stay equal under -O, so a host's binding code does
  // not depend on the optimization level (Sema warns about an unused one).
  // emitSpirv validates the result itself.
  spvtools::OptimizerOptions options;
  options.set_run_validator(false);
  options.set_preserve_bindings(true);
  Words out;
  if (!opt.Run(words.data(), words.size(), &out, options))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "spirv-opt failed: " + log.text);
  return out;
}

llvm::Expected<std::string> vyre::disassemble(llvm::ArrayRef<uint32_t> words,
                                              TargetEnv env) {
  spvtools::SpirvTools tools(spvEnv(env));
  MessageLog log;
  tools.SetMessageConsumer(log.consumer());
  std::string text;
  if (!tools.Disassemble(words.data(), words.size(), &text,
                         SPV_BINARY_TO_TEXT_OPTION_FRIENDLY_NAMES))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "cannot disassemble: " + log.text);
  return text;
}
