//===- EmitInternal.h - state shared by the backend's files --------------===//
#ifndef VYRE_LIB_EMIT_EMITINTERNAL_H
#define VYRE_LIB_EMIT_EMITINTERNAL_H

#include "SpirvBuilder.h"

#include "vyre/Emit/Emit.h"
#include "vyre/IR/Walk.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/SourceMgr.h"

#include <spirv-tools/libspirv.h>

#include <map>
#include <set>
#include <string>

namespace vyre::emit {

//===-- TargetEnv.cpp ------------------------------------------------------===//
spv_target_env spvEnv(TargetEnv env);
struct ApiVersion {
  unsigned major, minor;
};
ApiVersion vulkanApiVersion(TargetEnv env); // the Vulkan version it names

//===-- Requirements.cpp ---------------------------------------------------===//
/// What a finished module declares, read back from its words.
struct ModuleFacts {
  SpirvVersion version{0, 0};
  std::vector<uint32_t> capabilities; // OpCapability operands, module order
  std::vector<std::string> extensions; // OpExtension names, module order
  std::vector<uint32_t> executionModes; // every entry point's, module order
  /// (set, binding) of every decorated variable: the module's interface.
  std::set<std::pair<uint32_t, uint32_t>> bindings;
};
ModuleFacts scanModule(llvm::ArrayRef<uint32_t> words);
/// The manifest's `requires` object for a module targeting \p env; an error
/// if it declares something Requirements.def does not map.
llvm::Expected<llvm::json::Object> moduleRequirements(const ModuleFacts &facts,
                                                      TargetEnv env);

//===-- Validate.cpp -------------------------------------------------------===//
llvm::Error validate(const Words &words, TargetEnv env);
llvm::Expected<Words> optimize(const Words &words, TargetEnv env,
                               OptLevel level);

//===-- The module being built ---------------------------------------------===//

/// Fences, memory semantics and scope ids for the chosen memory model.
struct MemoryModelInfo {
  bool vulkan = false;
  /// Which fences an atomic of kind \p op with ordering \p order gets
  /// (docs/protocol.md, "Memory model"): acquire after, release before.
  struct Fences {
    bool acquire, release;
  };
  static Fences fences(AtomicOp op, MemoryOrder order);
  /// An OpMemoryBarrier's semantics: Acquire, Release or AcquireRelease
  /// on UniformMemory (+ MakeVisible / MakeAvailable under the Vulkan
  /// memory model).
  uint32_t barrierSemantics(bool acquire, bool release) const;
  uint32_t scope() const { return static_cast<uint32_t>(spv::Scope::Device); }
};

struct ModuleContext {
  const Module &module;
  const SemaResult &sema;
  const EmitOptions &opts;
  SpirvBuilder b;
  MemoryModelInfo mm;

  // Global objects.
  std::map<const BufferDecl *, uint32_t> bufferVars;
  std::map<unsigned, uint32_t> specConsts; // PV index -> OpSpecConstant
  std::map<unsigned, uint32_t> fileStrings; // SourceMgr buffer id -> OpString
  uint32_t gidVar = 0, numWorkgroupsVar = 0;
  uint32_t laneVar = 0; // SubgroupLocalInvocationId (the grouped loop)
  uint32_t workgroupSize = 0; // the WorkgroupSize composite (below SPIR-V 1.6)
  /// Word pointers into `read` (NonWritable) buffers: atomic() loads them
  /// plainly.
  std::set<uint32_t> readOnlyWords;

  ModuleContext(const Module &m, const SemaResult &s, const EmitOptions &o)
      : module(m), sema(s), opts(o) {
    mm.vulkan = o.memoryModel == MemoryModelKind::Vulkan;
  }

  // Common types.
  uint32_t u32() { return b.typeU32(); }
  uint32_t boolT() { return b.typeBool(); }
  uint32_t voidT() { return b.typeVoid(); }
  uint32_t c(uint32_t v) { return b.constU32(v); }

  /// A protocol value: its OpSpecConstant when the row has a SpecId,
  /// otherwise an OpConstant of its evaluated value.
  uint32_t protocolValue(PV v);
  uint32_t protocolLiteral(PV v) const { return sema.protocol[v]; }

  /// `&buffer[index]`: an OpAccessChain to one u32 word.
  uint32_t wordPointer(FunctionBuilder &fb, const BufferDecl *buf,
                       uint32_t index);
  /// Plain load/store (NonPrivatePointer under the Vulkan memory model).
  uint32_t loadWord(FunctionBuilder &fb, uint32_t ptr);
  void storeWord(FunctionBuilder &fb, uint32_t ptr, uint32_t value);
  /// An OpMemoryBarrier (Device scope) with acquire and/or release
  /// semantics (docs/protocol.md, "Memory model").
  void fence(FunctionBuilder &fb, bool acquire, bool release);
  /// `if cond { acquire fence }`: the acquire half of a relaxed atomic
  /// whose result the code acts on only when \p cond holds. A loop that
  /// spins on the atomic then runs no barrier while it waits (lavapipe
  /// loses an invocation that loops over barriers: docs/scenario.md).
  void acquireIf(FunctionBuilder &fb, uint32_t cond);
  /// An atomic on a word pointer; returns the result id (0 for a store).
  uint32_t atomic(FunctionBuilder &fb, AtomicOp op, MemoryOrder order,
                  uint32_t ptr, llvm::ArrayRef<uint32_t> operands);

  //===-- Robustness (docs/protocol.md, "Robustness") -----------------===//
  /// `OpArrayLength` of \p buf's runtime array: the words the host bound
  /// (computed once per function, in its first block).
  uint32_t arrayLength(FunctionBuilder &fb, const BufferDecl *buf);
  /// A bounds-checked access to buf[index]:
  ///   if index < arrayLength(buf) { r = body(&buf[index]) }
  ///   else { record_out_of_bounds() }        // OUT_OF_BOUNDS_COUNT += 1
  /// Returns r, or 0 out of range (an OpPhi) when \p hasResult; else 0.
  uint32_t guardedAccess(FunctionBuilder &fb, const BufferDecl *buf,
                         uint32_t index, bool hasResult, llvm::SMLoc loc,
                         llvm::function_ref<uint32_t(uint32_t ptr)> body);
  /// `record_out_of_bounds()`: one shared function holding the counter's
  /// atomic, so each guard costs one call. Emitted by the megakernel
  /// builder if any guard used it.
  uint32_t oobFn = 0;
  bool oobUsed = false;

  /// -g: the OpLine for \p loc, if debug info is on and \p loc is known.
  void line(FunctionBuilder &fb, llvm::SMLoc loc);
  /// The OpString id of a SourceMgr buffer (created on first use).
  uint32_t fileString(unsigned bufferId);
  /// The path a SourceMgr buffer was loaded from.
  std::string bufferPath(unsigned bufferId) const;

  /// First error seen while emitting (an internal error: Sema should have
  /// rejected the input).
  std::string error;
  void fail(const std::string &msg) {
    if (error.empty())
      error = msg;
  }
};

//===-- SpirvModule.cpp ----------------------------------------------------===//
/// Builds the whole module (unvalidated).
Words buildMegakernel(ModuleContext &ctx);

} // namespace vyre::emit

#endif
