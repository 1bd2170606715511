//===- WgslMegakernelStandIn.cpp - buildMegakernel until lib/Kernel's ----===//
//
// A weak stand-in for kernel::buildMegakernel (include/vyre/Kernel/
// Megakernel.h), so WgslTest can drive emitWgsl before lib/Kernel's
// megakernel lands: one persistent loop per shard that counts passes up to
// kernel.ITERATION_BUDGET, leaves on control.SHUTDOWN, and (subgroup
// loops) counts the lanes of its subgroup. Once lib/Kernel/Megakernel.cpp
// exists, test/unit/CMakeLists.txt leaves this file out (a weak definition
// linked first would win over the library's); delete it then. Likewise the
// weak KernelBuilder destructor (its key function, whose home is
// lib/Kernel).
//
//===----------------------------------------------------------------------===//
#include "vyre/Kernel/Megakernel.h"

using namespace vyre;
using namespace vyre::kernel;

__attribute__((weak)) KernelBuilder::~KernelBuilder() = default;

__attribute__((weak)) std::vector<Fn>
kernel::buildMegakernel(const Module &, const SemaResult &sema,
                        const KernelPlan &plan, KernelBuilder &k,
                        std::string &) {
  std::vector<Fn> loops;
  for (size_t i = 0; i < plan.shards.shards.size(); ++i) {
    Fn f = k.declare();
    k.define(f, plan.shards.shards[i].entryPoint, 0, std::nullopt,
             Inline::Default, {}, [&](llvm::ArrayRef<Val>) {
      Var pass = k.local(Ty::U32);
      k.name(pass, "pass");
      k.loop(
          [&] {
            return k.binary(BinaryOp::Lt, k.get(pass),
                            k.protocol(PV::kernel_ITERATION_BUDGET));
          },
          [&] {
            Val down = k.load(k.element(
                sema.control, k.protocol(PV::control_SHUTDOWN)));
            if (plan.subgroupLoop())
              k.atomic(AtomicOp::Add, MemoryOrder::Relaxed,
                       k.element(sema.control, k.builtin(Builtin::GlobalIdX)),
                       {k.group(GroupOp::BallotCount, {k.boolean(true)})});
            k.breakIf(k.binary(BinaryOp::Ne, down, k.u32(0)));
          },
          [&] { k.set(pass, k.binary(BinaryOp::Add, k.get(pass), k.u32(1))); });
    });
    loops.push_back(f);
  }
  return loops;
}
