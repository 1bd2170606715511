//===- Megakernel.h - the megakernel, written once for every target ------===//
//
// docs/protocol.md is the normative description of what this builds:
//
//   handler_NAME(slot_base, opcode, arg0, arg1, arg2)   one per handler
//   dispatch_op(slot_base, opcode, arg0, arg1, arg2)    switch over the opcodes
//   decode_packed(slot_base)                            PACKED_SLOT decoder
//   claim_by_priority(gid, nthreads, scan)              the priority schedule
//   main()                                              the persistent loop
//
// (one dispatch_op and one persistent loop per shard of a sharded module).
// A target renders it through its KernelBuilder, around its own module
// shell (buffers, specializable constants, built-ins, entry points).
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_KERNEL_MEGAKERNEL_H
#define VYRE_KERNEL_MEGAKERNEL_H

#include "vyre/IR/IR.h"
#include "vyre/Kernel/KernelBuilder.h"
#include "vyre/Kernel/KernelPlan.h"
#include "vyre/Sema/Sema.h"

#include <string>
#include <vector>

namespace vyre::kernel {

/// Builds every function of the megakernel into \p k. Returns the
/// persistent loops, one per shard (KernelPlan::shards order): the target
/// makes each an entry point named plan.shards.shards[i].entryPoint. An
/// internal error (Sema should have rejected the input) is reported in
/// \p error.
std::vector<Fn> buildMegakernel(const Module &module, const SemaResult &sema,
                                const KernelPlan &plan, KernelBuilder &k,
                                std::string &error);

/// A friendly name for a handler's function: handler_NAME.
std::string handlerFunctionName(const HandlerDecl &h);

} // namespace vyre::kernel

#endif
