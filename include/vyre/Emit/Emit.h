//===- Emit.h - SPIR-V megakernel, disassembly and manifest --------------===//
//
// From a validated Module (runSema succeeded) write one SPIR-V module holding
// the persistent megakernel (docs/protocol.md is its normative description)
// and the JSON manifest (docs/manifest.md) a host needs to drive it.
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_EMIT_EMIT_H
#define VYRE_EMIT_EMIT_H

#include "vyre/IR/IR.h"
#include "vyre/Kernel/KernelPlan.h"
#include "vyre/Kernel/Manifest.h"
#include "vyre/Sema/Sema.h"
#include "vyre/Sema/Shards.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/SourceMgr.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vyre {

enum class TargetEnv : uint8_t { Vulkan1_0, Vulkan1_1, Vulkan1_2, Vulkan1_3 };
enum class MemoryModelKind : uint8_t { GLSL450, Vulkan };
enum class OptLevel : uint8_t { None, Performance, Size };

std::optional<TargetEnv> parseTargetEnv(llvm::StringRef s); // "vulkan1.0"...
llvm::StringRef spelling(TargetEnv env);

/// A SPIR-V version, as the module header's word 1 holds it.
struct SpirvVersion {
  unsigned major = 1, minor = 0;
  friend bool operator<(SpirvVersion a, SpirvVersion b) {
    return a.major != b.major ? a.major < b.major : a.minor < b.minor;
  }
};
/// "1.0" ... "1.6"; nullopt for anything else.
std::optional<SpirvVersion> parseSpirvVersion(llvm::StringRef s);
std::string spelling(SpirvVersion v); // "1.3"
/// The newest SPIR-V a Vulkan version accepts in core (1.0, 1.3, 1.5,
/// 1.6); every version from 1.0 up to it is accepted too.
SpirvVersion newestSpirvVersion(TargetEnv env);
/// The first SPIR-V version with the GroupNonUniform capabilities the
/// subgroup skeleton uses (1.3; Vulkan 1.1).
constexpr SpirvVersion kSubgroupSpirvVersion{1, 3};

/// The target's options, and (KernelOptions) the kernel's shape.
struct EmitOptions : KernelOptions {
  TargetEnv targetEnv = TargetEnv::Vulkan1_1;
  /// --spirv-version: the module's SPIR-V version; nullopt is the newest
  /// the target env accepts (newestSpirvVersion). emitSpirv refuses one the
  /// env does not accept, and the subgroup skeleton below 1.3.
  std::optional<SpirvVersion> spirvVersion;
  MemoryModelKind memoryModel = MemoryModelKind::GLSL450;
  OptLevel optLevel = OptLevel::None;
  bool debugInfo = false; // -g: OpSource/OpLine back to the .vyre lines
  /// Run SPIRV-Tools' validator on the whole module (and again after -O).
  /// Off by default, as in glslang, Tint and naga: the emitter is correct by
  /// construction, and whole-module validation costs three times the rest of
  /// the compile. Tests, fuzzers, benchmarks and `vyrec --validate` turn it
  /// on.
  bool validate = false;
  /// The SourceMgr the module was loaded into: -g needs it to turn source
  /// locations into OpLine file/line/column (no line info without it).
  llvm::SourceMgr *sm = nullptr;
};

/// The module's SPIR-V version under \p opts (--spirv-version, or the
/// newest its target env accepts).
SpirvVersion moduleSpirvVersion(const EmitOptions &opts);

/// Why \p opts cannot be emitted (a SPIR-V version the target env does not
/// accept, the subgroup skeleton below SPIR-V 1.3), or "" if they can: the
/// driver's usage error, and emitSpirv's refusal.
std::string emitOptionsError(const EmitOptions &opts);

/// Builds, optionally validates (spvtools; EmitOptions::validate) and
/// optionally optimizes the megakernel. A module that fails validation is
/// returned as an error carrying the validator's message: an internal
/// compiler error, never an output.
llvm::Expected<std::vector<uint32_t>> emitSpirv(const Module &module,
                                                const SemaResult &sema,
                                                const EmitOptions &opts);

/// SPIR-V assembly text of \p words (SPIRV-Tools' disassembler, with
/// friendly names).
llvm::Expected<std::string> disassemble(llvm::ArrayRef<uint32_t> words,
                                        TargetEnv env);

/// The "vyre-manifest/1" JSON document for \p words, the module emitSpirv
/// built with the same options: its `module_sha256`, `requires` and
/// `bindings` are read from the words (docs/manifest.md). An error if the
/// module declares a capability or extension lib/Target/SPIRV/Requirements.def does
/// not map (an internal error).
llvm::Expected<llvm::json::Value>
buildManifest(const Module &module, const SemaResult &sema,
              const EmitOptions &opts, llvm::SourceMgr &sm,
              llvm::ArrayRef<uint32_t> words);

/// What the SPIR-V target reports for the manifest about \p words, the
/// module emitSpirv built with \p opts: read back from the words
/// (lib/Target/SPIRV/Requirements.def maps each declaration to what it needs; a
/// declaration without a row is an internal error).
llvm::Expected<TargetFacts> spirvTargetFacts(llvm::ArrayRef<uint32_t> words,
                                             const EmitOptions &opts);

/// Lower-case hex SHA-256 of the module's bytes (the .spv file vyrec
/// writes): the manifest's and the C header's `module_sha256`.
std::string moduleSha256(llvm::ArrayRef<uint32_t> words);

/// The protocol table (ProtocolTable.def) as a markdown table: group, key,
/// kind, spec id, default value (from \p values) and meaning. Its output is
/// the section of docs/protocol.md between the `protocol-table` markers
/// (`vyrec --emit=protocol-doc`).
std::string renderProtocolDoc(const ProtocolValues &values);

} // namespace vyre

#endif
