//===- SemaContext.h - state shared by the validation passes -------------===//
//
// Internal to lib/Sema. The pass manager (PassManager.cpp) builds one
// SemaContext per runSema call and hands it to every pass in a fixed order:
//
//   1. Names      (NameResolution.cpp) global symbol tables, scopes, names
//   2. Depth      (Depth.cpp)          expression depth, references expanded
//   3. Types      (Types.cpp)          every Expr::type, statement rules
//   4. Constants  (ConstEval.cpp)      consts, protocol, opcodes, buffer
//                                      attributes, folding in bodies
//   5. Buffers    (Buffers.cpp)        bindings, access, protocol buffers,
//                                      plain loads of atomic buffers
//   6. Opcodes    (Opcodes.cpp)        duplicates, reserved ranges, metrics
//   7. Bounds     (Bounds.cpp)         constant indices, protocol layout
//   8. Loops      (Loops.cpp)          loop trip-count bounds, spin loops
//
// docs/validation.md describes every rule and its diagnostic text.
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_LIB_SEMA_SEMACONTEXT_H
#define VYRE_LIB_SEMA_SEMACONTEXT_H

#include "vyre/IR/Walk.h"
#include "vyre/Sema/Sema.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace vyre::sema {

/// One handler's buffer accesses, in the order a walk meets them.
struct HandlerAccesses {
  std::vector<StoreStmt *> stores;      ///< statement pre-order
  std::vector<Expr *> loadsAndAtomics; ///< LoadExpr/AtomicExpr, expression pre-order
};

/// Lazy-evaluation state of a const, a protocol value or an opcode.
enum class EvalState : uint8_t { NotStarted, Evaluating, Done };

struct SemaContext {
  SemaContext(Module &m, DiagnosticEngine &d, SemaResult &r,
              const SemaOptions &o)
      : module(m), diags(d), result(r), opts(o) {}

  Module &module;
  DiagnosticEngine &diags;
  SemaResult &result;
  const SemaOptions &opts;

  //===-- Symbol tables (filled by the Names pass) -----------------------===//
  llvm::StringMap<ConstDecl *> consts;
  llvm::StringMap<BufferDecl *> buffers;
  llvm::StringMap<HandlerDecl *> handlers;
  /// The entry that finally sets each protocol value (the last file's).
  std::array<ProtocolEntry *, kNumProtocolValues> protocolFinal{};
  /// The index (into module.files) of the file of every protocol entry.
  llvm::DenseMap<const ProtocolEntry *, unsigned> protocolEntryFile;
  /// Every protocol entry with a valid key, in source order.
  std::vector<std::pair<ProtocolEntry *, PV>> protocolEntries;
  /// Consts created by `-D` for names no file declares (-Wunused-define).
  std::vector<const ConstDecl *> definedConsts;

  //===-- Evaluation state (Constants pass) ------------------------------===//
  llvm::DenseMap<const ConstDecl *, EvalState> constState;
  std::array<EvalState, kNumProtocolValues> protocolState{};
  llvm::DenseMap<const HandlerDecl *, EvalState> opcodeState;
  std::array<bool, kNumProtocolValues> protocolKnown{};
  /// Set by the Depth pass: an expression is too deep for the later
  /// passes, which recurse; the pass manager stops.
  bool tooDeep = false;
  std::optional<std::vector<HandlerAccesses>> accessesCache;

  //===-- Helpers ---------------------------------------------------------===//
  const SourceFile &rootFile() const { return *module.files[module.rootFile]; }
  /// The first character of a file, for module-wide diagnostics.
  llvm::SMLoc fileStart(const SourceFile &f) const;
  /// True when the file plays the prelude's role: the prelude itself, or
  /// any file when the module was loaded without a prelude (--no-prelude),
  /// since such a module defines the whole protocol itself.
  bool privileged(const SourceFile &f) const;
  bool hasPrelude() const;

  /// The final value of a protocol key, if it evaluated.
  std::optional<uint32_t> protocolValue(PV v) const {
    if (!protocolKnown[static_cast<unsigned>(v)])
      return std::nullopt;
    return result.protocol[v];
  }
  /// Every handler's buffer accesses (module order: files, then handlers),
  /// collected by one walk on first use and shared by the Buffers and
  /// Bounds passes.
  const std::vector<HandlerAccesses> &handlerAccesses();
  /// Where a protocol key is finally set (or the root file start).
  llvm::SMLoc protocolLoc(PV v) const;
  /// Of several protocol keys, where the one set by the latest file is set
  /// (the override most likely to have broken a derived rule); ties go to
  /// the first key listed.
  llvm::SMLoc protocolLoc(std::initializer_list<PV> vs) const;
};

/// Where an expression's text begins (a BinaryExpr's own loc is its
/// operator's), for diagnostics about a whole expression.
llvm::SMLoc exprStart(const Expr &e);

/// `group.KEY` as text.
std::string protocolName(PV v);

/// Closest candidate within a small edit distance, or "".
std::string closestMatch(llvm::StringRef name,
                         const std::vector<std::string> &candidates);

/// A hex spelling for opcode-like values: 0x1F.
std::string hex(uint32_t v);

//===-- Walkers (the IR's own are in vyre/IR/Walk.h) ------------------------===//
/// Every top-level expression outside handler bodies: const initializers,
/// protocol values, handler opcodes, buffer size/set/binding.
void forEachItemExpr(Module &m, llvm::function_ref<void(Expr &)> fn);

/// While Sema runs, notes every diagnostic with the protocol overrides (in
/// other files) it depends on (OverrideNotes.cpp).
DiagnosticEngine::Annotator makeOverrideNoter(SemaContext &ctx);

//===-- The passes, in the order the pass manager runs them ---------------===//
void runNameResolution(SemaContext &ctx);
void runDepthCheck(SemaContext &ctx);
void runTypeCheck(SemaContext &ctx);
void runConstEval(SemaContext &ctx);
void runBufferChecks(SemaContext &ctx);
void runOpcodeChecks(SemaContext &ctx);
void runBoundsChecks(SemaContext &ctx);
void runLoopChecks(SemaContext &ctx);

} // namespace vyre::sema

#endif
