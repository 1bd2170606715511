//===- Emit.cpp - emitSpirv: build, validate, optimize -------------------===//
//
// The SPIR-V target's entry point. SpirvModule.cpp writes the module shell
// around the megakernel that lib/Kernel builds through SpirvKernelBuilder
// (SpirvBuilder.cpp encodes the words); Validate.cpp wraps SPIRV-Tools;
// Requirements.cpp reads the manifest's facts back from the words;
// ProtocolDoc.cpp renders the protocol table.
//
//===----------------------------------------------------------------------===//
#include "EmitInternal.h"

using namespace vyre;
using namespace vyre::emit;

llvm::Expected<std::vector<uint32_t>>
vyre::emitSpirv(const Module &module, const SemaResult &sema,
                const EmitOptions &opts) {
  std::string optionsError = emitOptionsError(opts);
  if (!optionsError.empty())
    return llvm::createStringError(llvm::inconvertibleErrorCode(), optionsError);
  ModuleContext ctx(module, sema, opts);
  Words words = buildMegakernel(ctx);
  if (!ctx.error.empty())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "SPIR-V backend: " + ctx.error);
  // With validation on, an invalid module is never returned.
  if (opts.validate)
    if (llvm::Error err = validate(words, opts.targetEnv))
      return err;
  if (opts.optLevel == OptLevel::None)
    return words;
  llvm::Expected<Words> optimized = optimize(words, opts.targetEnv, opts.optLevel);
  if (!optimized)
    return optimized.takeError();
  if (opts.validate)
    if (llvm::Error err = validate(*optimized, opts.targetEnv))
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "after optimization: " +
                                         llvm::toString(std::move(err)));
  return std::move(*optimized);
}
