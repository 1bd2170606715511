//===- KernelPlan.cpp - the megakernel's shape, decided once -------------===//
#include "vyre/Kernel/KernelPlan.h"

using namespace vyre;

llvm::StringRef vyre::spelling(Skeleton s) {
  switch (s) {
  case Skeleton::Subgroup: return "subgroup";
  case Skeleton::Portable: return "portable";
  case Skeleton::Grouped: return "grouped";
  }
  return "portable";
}

std::optional<Skeleton> vyre::parseSkeleton(llvm::StringRef s) {
  for (Skeleton k : {Skeleton::Subgroup, Skeleton::Portable, Skeleton::Grouped})
    if (s == spelling(k))
      return k;
  return std::nullopt;
}

KernelPlan KernelPlan::make(const SemaResult &sema, const KernelOptions &opts) {
  KernelPlan p;
  p.shards = planShards(sema, opts.shards, opts.entryPoint);
  if (sema.protocol[PV::kernel_SCHEDULE] == sema.protocol[PV::schedule_PRIORITY])
    p.schedule = Schedule::Priority;
  // The priority schedule claims one slot per invocation and pass, and a
  // sharded module claims by shard: both run the portable loop.
  p.loop = p.priority() || p.sharded() ? Skeleton::Portable : opts.skeleton;
  p.claimBatch = p.loop == Skeleton::Grouped    ? opts.claimBatch
                 : p.loop == Skeleton::Subgroup ? kSubgroupClaimBatch
                                                : 1;
  p.tenantGate = sema.protocol[PV::kernel_TENANT_GATE] != 0;
  p.singleDrainPass = !p.sharded() && !sema.handlersWriteRing;
  p.doorbell = sema.protocol[PV::kernel_PUBLISH] ==
                   sema.protocol[PV::publish_DOORBELL] &&
               p.singleDrainPass && !p.priority();
  for (unsigned i = 0; i < p.shards.shards.size(); ++i)
    p.entryPoints.push_back({p.shards.shards[i].entryPoint, i, p.loop});
  // The portable loop for CPU devices, where subgroup operations only cost
  // (docs/embedding.md, "CPU devices"): its own entry point, so that a GPU's
  // pipeline compiles none of it and a CPU's none of the skeleton's loop.
  if (p.subgroupLoop())
    p.entryPoints.push_back(
        {p.shards.shards[0].entryPoint + kPortableEntrySuffix.str(), 0,
         Skeleton::Portable});
  return p;
}
