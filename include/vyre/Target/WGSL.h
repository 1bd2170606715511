//===- WGSL.h - the megakernel as WGSL, for WebGPU hosts -----------------===//
//
// vyrec --target-env=webgpu: lib/Kernel's megakernel rendered as WGSL text
// (WgslKernelBuilder), around a module shell of storage buffers, `override`
// declarations where SPIR-V has spec constants, and one
// `@compute` entry point per shard. What WGSL cannot say is refused first,
// by checkWgslSupport, with a located diagnostic naming the target.
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_TARGET_WGSL_H
#define VYRE_TARGET_WGSL_H

#include "vyre/Basic/Diagnostics.h"
#include "vyre/IR/IR.h"
#include "vyre/Kernel/KernelPlan.h"
#include "vyre/Kernel/Manifest.h"
#include "vyre/Sema/Sema.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace vyre {

/// The target's spelling in diagnostics (`--target-env=webgpu`).
inline constexpr const char *kWebGpuTarget = "webgpu";

/// The deepest brace nesting in one WGSL function that compilers take:
/// WGSL promises 127 brace-enclosed statements, but Tint (Chrome's
/// compiler) rejects a function whose statements nest 64 deep ("statement
/// nesting depth / chaining length exceeds limit of 127").
inline constexpr unsigned kWgslMaxBraceDepth = 63;

/// A WGSL module and what a WebGPU host (and the manifest) needs to know
/// about it.
struct WgslModule {
  std::string text;

  /// A storage buffer the entry points use: `@group(set) @binding(binding)`.
  struct Binding {
    uint32_t set = 0, binding = 0;
    std::string name; // the WGSL name (escaped: a keyword gets a `_`)
    bool readOnly = false; // var<storage, read>; else read_write
    const BufferDecl *decl = nullptr;
  };
  std::vector<Binding> bindings; // sorted by (set, binding)

  /// An `@id(id) override name: u32 = defaultValue;` (a protocol value
  /// with a SpecId), for GPUProgrammableStage.constants.
  struct Override {
    uint32_t id = 0;
    std::string name;
    uint32_t defaultValue = 0;
    PV value = PV::NumValues;
  };
  std::vector<Override> overrides; // by id

  /// The entry points, one per shard (KernelPlan::shards order).
  std::vector<std::string> entryPoints;
  /// GPUFeatureNames the device needs: "subgroups" iff the loop uses
  /// subgroup operations.
  std::vector<std::string> features;
  /// The limit maxStorageBuffersPerShaderStage must allow.
  unsigned storageBuffersPerStage = 0;
  /// The classes of subgroup operation the loops use, in Vulkan's names
  /// (basic, vote, arithmetic, ballot, shuffle: the manifest's
  /// skeleton.subgroup_operations; WebGPU's `subgroups` has them all).
  std::vector<std::string> subgroupOperations;
};

/// Refuses, with an error located at the construct and naming the target,
/// what WGSL cannot make correct: a user handler's atomic with a memory
/// order other than relaxed (WGSL atomics are relaxed only, and it has no
/// fence), and a handler that writes the ring buffer (a slot it publishes
/// would be claimed without release/acquire); and a handler whose
/// statements nest too deep for WGSL compilers (kWgslMaxBraceDepth).
/// Returns false if it reported an error.
bool checkWgslSupport(const Module &module, const SemaResult &sema,
                      const KernelPlan &plan, DiagnosticEngine &diags);

/// The WGSL megakernel for \p module (checkWgslSupport passed). An error
/// is internal: Sema should have rejected the input.
llvm::Expected<WgslModule> emitWgsl(const Module &module,
                                    const SemaResult &sema,
                                    const KernelOptions &opts);

/// What the manifest says about \p m (target_env "webgpu", memory model
/// "wgsl", the SHA-256 of the text, and `requires`: the GPUFeatureNames and
/// the limits the default protocol values need).
TargetFacts webgpuTargetFacts(const WgslModule &m, const SemaResult &sema);

} // namespace vyre

#endif
