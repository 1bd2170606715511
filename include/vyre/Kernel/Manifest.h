//===- Manifest.h - the "vyre-manifest/1" document, for every target -----===//
//
// Everything a host needs to drive the megakernel (docs/manifest.md; JSON
// Schema docs/manifest.schema.json): built from Sema's results, the kernel
// plan, and the facts the target reports about the module it wrote.
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_KERNEL_MANIFEST_H
#define VYRE_KERNEL_MANIFEST_H

#include "vyre/IR/IR.h"
#include "vyre/Kernel/KernelPlan.h"
#include "vyre/Sema/Sema.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/SourceMgr.h"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>

namespace vyre {

/// What a target reports about the module it wrote: its identity, what it
/// needs from a device, and its interface.
struct TargetFacts {
  std::string targetEnv;                   ///< "vulkan1.1", "webgpu", ...
  std::optional<std::string> spirvVersion; ///< none for WGSL
  std::string memoryModel;                 ///< "glsl450", "vulkan", "wgsl"
  std::string moduleSha256;                ///< of the bytes written
  llvm::json::Object requirements; ///< the manifest's `requires`
  /// The subgroup operations the module uses (the manifest's
  /// skeleton.subgroup_operations, in Vulkan's names).
  llvm::json::Array subgroupOperations;
  /// (set, binding) of every buffer the module declares: its interface.
  std::set<std::pair<uint32_t, uint32_t>> bindings;
};

llvm::json::Value buildManifest(const Module &module, const SemaResult &sema,
                                const KernelOptions &opts, llvm::SourceMgr &sm,
                                const TargetFacts &facts);

/// The u32 words \p d holds with the default protocol values: its size, or
/// for a runtime-sized ring buffer slot.COUNT * slot.WORDS; none for another
/// runtime-sized buffer (the manifest's bindings[].words).
std::optional<uint64_t> bufferWords(const SemaResult &sema, const BufferDecl &d);

/// Lower-case hex SHA-256 of \p bytes: the manifest's and the C header's
/// `module_sha256`.
std::string sha256Hex(llvm::StringRef bytes);

} // namespace vyre

#endif
