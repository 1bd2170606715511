//===- SpirvBuilder.h - SPIR-V words, ids, sections, types, constants ----===//
//
// The lowest layer of the backend: encodes instructions into the module's
// logical sections (in the order the SPIR-V spec's "Logical Layout of a
// Module" requires), hands out ids, and deduplicates types and constants.
// FunctionBuilder assembles one OpFunction: its parameters, the
// Function-storage variables (which must open the first block), and the
// blocks with their terminators.
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_LIB_EMIT_SPIRVBUILDER_H
#define VYRE_LIB_EMIT_SPIRVBUILDER_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Allocator.h"

#include <spirv/unified1/spirv.hpp11>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace vyre::emit {

using Words = std::vector<uint32_t>;

class SpirvBuilder {
public:
  uint32_t newId() { return nextId++; }

  // Sections, in module order.
  Words capabilities, extensions, extInstImports, memoryModel, entryPoints,
      executionModes, debugStrings, debugNames, annotations, globals,
      functions;

  /// Appends one instruction (word count and opcode, then operands).
  static void emit(Words &out, spv::Op op, llvm::ArrayRef<uint32_t> operands);
  /// Appends one instruction with a result type and id before \p operands
  /// (no temporary operand vector).
  static void emit(Words &out, spv::Op op, uint32_t resultType, uint32_t id,
                   llvm::ArrayRef<uint32_t> operands);
  /// Appends a nul-terminated, word-padded literal string.
  static void appendString(Words &out, llvm::StringRef s);
  static Words stringWords(llvm::StringRef s);

  void capability(spv::Capability c);
  void extension(llvm::StringRef name);
  /// The id of `OpExtInstImport "GLSL.std.450"`, created on first use.
  uint32_t glslStd450();

  /// OpName. A name given before is written as SPIRV-Tools' disassembler
  /// would show it (`n_0`, `n_1`, ...: see uniqueName), so every OpName in
  /// the module is distinct.
  void name(uint32_t id, llvm::StringRef n);
  /// Whether \p id may take a name of its own: neither a constant (shared
  /// by every use of its value) nor named already.
  bool nameable(uint32_t id) const { return !unnameable.contains(id); }
  void memberName(uint32_t type, uint32_t member, llvm::StringRef n);
  void decorate(uint32_t id, spv::Decoration d,
                llvm::ArrayRef<uint32_t> literals = {});
  void memberDecorate(uint32_t type, uint32_t member, spv::Decoration d,
                      llvm::ArrayRef<uint32_t> literals = {});

  // Types (deduplicated except structs, which carry per-buffer decorations).
  uint32_t typeVoid();
  uint32_t typeBool();
  uint32_t typeU32();
  uint32_t typeVec3U32();
  uint32_t typeVec4U32(); // a subgroup ballot
  uint32_t typeRuntimeArrayU32(); // decorated ArrayStride 4
  uint32_t typeStruct(llvm::ArrayRef<uint32_t> members);
  uint32_t typePointer(spv::StorageClass sc, uint32_t pointee);
  uint32_t typeFunction(uint32_t ret, llvm::ArrayRef<uint32_t> params);

  // Constants (deduplicated).
  uint32_t constU32(uint32_t v);
  uint32_t constBool(bool v);
  /// A u32 OpSpecConstant decorated SpecId \p specId.
  uint32_t specConstU32(uint32_t specId, uint32_t defaultValue);

  /// A module-scope OpVariable.
  uint32_t globalVariable(uint32_t pointerType, spv::StorageClass sc);

  /// The whole module: header, then the sections in order.
  Words finish(unsigned major, unsigned minor) const;

private:
  uint32_t cachedType(spv::Op op, llvm::ArrayRef<uint32_t> operands);
  /// \p n, or the name the friendly-name mapper would give its next repeat
  /// (kept in \p storage).
  llvm::StringRef uniqueName(llvm::StringRef n,
                             llvm::SmallVectorImpl<char> &storage);

  uint32_t nextId = 1;
  uint32_t glslId = 0;
  std::set<uint32_t> caps;
  std::set<std::string> exts;
  std::map<std::vector<uint32_t>, uint32_t> typeCache;
  // The types and constants nearly every instruction asks for, without
  // building a typeCache key each time. u32Cache's keys are widened to 64
  // bits: DenseMap reserves ~0u, a real constant.
  uint32_t voidId = 0, boolId = 0, u32Id = 0;
  llvm::DenseMap<uint64_t, uint32_t> pointerCache; // storage class, pointee
  llvm::DenseMap<uint64_t, uint32_t> u32Cache;
  uint32_t trueId = 0, falseId = 0;
  uint32_t runtimeArray = 0;
  /// Names written so far, and for each repeated name the next suffix to
  /// try.
  llvm::StringSet<llvm::BumpPtrAllocator> usedNames;
  /// The constants and the ids named so far (nameable()).
  llvm::DenseSet<uint32_t> unnameable;
  llvm::StringMap<uint32_t> nextSuffix;
};

/// One OpFunction under construction. Instructions go to the current block;
/// `open()` says whether that block still lacks its terminator (code after a
/// `break` is unreachable and is not emitted).
class FunctionBuilder {
public:
  FunctionBuilder(SpirvBuilder &b, uint32_t resultId, uint32_t returnType,
                  uint32_t functionType,
                  spv::FunctionControlMask control =
                      spv::FunctionControlMask::MaskNone);

  uint32_t id() const { return fnId; }
  uint32_t param(uint32_t type);
  /// Starts the first block. Call after the parameters.
  void beginBody();

  /// An instruction with a result type and result id; returns the id.
  uint32_t op(spv::Op op, uint32_t resultType,
              llvm::ArrayRef<uint32_t> operands);
  /// An instruction without a result.
  void opVoid(spv::Op op, llvm::ArrayRef<uint32_t> operands);
  /// A block terminator (OpBranch, OpReturn, ...): closes the block.
  void terminate(spv::Op op, llvm::ArrayRef<uint32_t> operands = {});
  /// A merge instruction (OpSelectionMerge, OpLoopMerge).
  void merge(spv::Op op, llvm::ArrayRef<uint32_t> operands) {
    opVoid(op, operands);
  }
  /// Starts block \p label.
  void block(uint32_t label);
  bool open() const { return isOpen; }

  //===-- Structured control flow (compare naga's back/spv/selection.rs) --===//
  // Each helper emits a whole construct with its merge instruction, and
  // leaves the builder in the construct's merge block. A callback that
  // leaves its block open falls through to the construct's merge (or, for
  // a loop body, its continue target); one that terminates it (a `break` to
  // a loop's merge) is left as it is.

  /// if (\p cond) { thenBody() }
  void ifThen(uint32_t cond, llvm::function_ref<void()> thenBody) {
    ifElse(cond, thenBody, nullptr);
  }
  /// if (\p cond) { thenBody() } else { elseBody() } (no else block when
  /// \p elseBody is null). When both arms leave (a `break`), the merge
  /// block is unreachable: it gets OpUnreachable and the builder is left
  /// with no open block.
  void ifElse(uint32_t cond, llvm::function_ref<void()> thenBody,
              llvm::function_ref<void()> elseBody);

  /// The blocks of a structured loop, for the callbacks of loop().
  struct Loop {
    uint32_t header, body, cont, merge;
  };
  /// A structured loop: the header block evaluates `header(L)` and leaves
  /// for L.merge when it is false, else runs `body(L)` (which may branch to
  /// L.merge or L.cont itself), then the continue block `cont(L)` (it must
  /// leave its block open) and the back edge. Ends in L.merge.
  void loop(llvm::function_ref<uint32_t(const Loop &)> header,
            llvm::function_ref<void(const Loop &)> body,
            llvm::function_ref<void(const Loop &)> cont);

  /// A Function-storage variable, placed at the start of the first block.
  uint32_t localVariable(uint32_t pointerType);
  /// An instruction placed in the first block, after the variables and
  /// before the body (so it dominates every block), emitted once per
  /// (op, type, operands): e.g. one OpArrayLength per buffer and function.
  uint32_t entryOp(spv::Op op, uint32_t resultType,
                   llvm::ArrayRef<uint32_t> operands);

  /// -g: an OpLine for the next instructions (skipped when unchanged).
  void line(uint32_t file, uint32_t lineNo, uint32_t col);

  /// Appends the finished function to the module.
  void finish();

private:
  SpirvBuilder &b;
  uint32_t fnId;
  Words header, vars, prologue, body;
  std::map<std::vector<uint32_t>, uint32_t> entryOps;
  bool isOpen = false;
  uint32_t curFile = 0, curLine = 0, curCol = 0;
};

} // namespace vyre::emit

#endif
