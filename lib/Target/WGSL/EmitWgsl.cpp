//===- EmitWgsl.cpp - the WGSL megakernel: plan, build, entry points -----===//
#include "WgslKernelBuilder.h"

#include "vyre/Kernel/Megakernel.h"

using namespace vyre;

llvm::Expected<WgslModule> vyre::emitWgsl(const Module &module,
                                          const SemaResult &sema,
                                          const KernelOptions &opts) {
  KernelPlan plan = KernelPlan::make(sema, opts);
  wgsl::WgslKernelBuilder k(sema, plan);
  std::string error;
  std::vector<kernel::Fn> loops =
      kernel::buildMegakernel(module, sema, plan, k, error);
  if (error.empty() && loops.size() != plan.entryPoints.size())
    error = "WGSL: the megakernel has " + std::to_string(loops.size()) +
            " persistent loops for " +
            std::to_string(plan.entryPoints.size()) + " entry points";
  if (!error.empty())
    return llvm::createStringError(llvm::inconvertibleErrorCode(), error);
  for (unsigned i = 0; i < loops.size(); ++i)
    k.entryPoint(loops[i], i);
  return k.finish();
}
