//===- WgslKernelBuilder.h - the kernel vocabulary rendered as WGSL ------===//
//
// Each call of KernelBuilder becomes WGSL text in the function being
// defined: a value is a `let _N = expr;` (constants inline: `5u`, `true`),
// a local a `var` hoisted to the function's start, a place `&NAME[index]`
// rendered where it is used, a read_write buffer's word an atomic<u32>
// (plain loads and stores become relaxed atomicLoad/atomicStore), control
// flow WGSL's own structured statements. finish() prints the module: the
// `enable`, the overrides and buffers the code uses, every function, the
// entry points.
//
// Function names are resolved when the module is printed (a function may
// be called before it is defined, and an entry point takes its loop's
// name), so the text refers to a function through a marker that finish()
// replaces.
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_LIB_TARGET_WGSL_WGSLKERNELBUILDER_H
#define VYRE_LIB_TARGET_WGSL_WGSLKERNELBUILDER_H

#include "WgslNames.h"

#include "vyre/Kernel/KernelBuilder.h"
#include "vyre/Kernel/KernelPlan.h"
#include "vyre/Target/WGSL.h"

#include "llvm/ADT/DenseMap.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vyre::wgsl {

/// finish() replaces kMarkBegin ID kMarkEnd with function ID's name.
constexpr char kMarkBegin = '\x01', kMarkEnd = '\x02';

inline llvm::StringRef wgslType(kernel::Ty t) {
  return t == kernel::Ty::Bool ? "bool" : "u32";
}

/// The module-scope copy of each built-in (kernel::Builtin order) and the
/// entry point's parameter it is filled from.
struct BuiltinInput {
  const char *global, *param, *attribute, *type, *component;
};
extern const BuiltinInput kBuiltinInputs[3];

/// The classes of subgroup operation, in the order the manifest lists
/// them (Vulkan's VkSubgroupFeatureFlagBits order).
enum class SubgroupClass : uint8_t { Basic, Vote, Arithmetic, Ballot, Shuffle };
inline constexpr const char *kSubgroupClassNames[] = {
    "basic", "vote", "arithmetic", "ballot", "shuffle"};
SubgroupClass subgroupClass(kernel::GroupOp op);

class WgslKernelBuilder final : public kernel::KernelBuilder {
public:
  using Val = kernel::Val;
  using Ty = kernel::Ty;

  WgslKernelBuilder(const SemaResult &sema, const KernelPlan &plan);
  ~WgslKernelBuilder() override;

  Val u32(uint32_t v) override;
  Val boolean(bool v) override;
  Val protocol(PV v) override;
  Val builtin(kernel::Builtin b) override;
  Val binary(BinaryOp op, Val a, Val b, Ty operands = Ty::U32) override;
  Val unary(UnaryOp op, Val a) override;
  Val bits(kernel::BitOp op, Val a) override;
  Val select(Ty t, Val cond, Val ifTrue, Val ifFalse) override;

  kernel::Ptr element(const BufferDecl *buf, Val index) override;
  Val load(kernel::Ptr p) override;
  void store(kernel::Ptr p, Val v) override;
  Val atomic(AtomicOp op, MemoryOrder order, kernel::Ptr p,
             llvm::ArrayRef<Val> operands) override;
  void fence(bool acquire, bool release) override;
  void acquireIf(Val cond) override;
  Val arrayLength(const BufferDecl *buf) override;
  Val guardedAccess(const BufferDecl *buf, Val index, bool hasResult,
                    llvm::SMLoc loc,
                    llvm::function_ref<Val(kernel::Ptr)> body) override;

  Val group(kernel::GroupOp op, llvm::ArrayRef<Val> operands) override;
  void subgroupBarrier(bool thenRelease = false) override;
  /// WGSL has no subgroup barrier (docs/protocol.md, "WebGPU").
  bool hasSubgroupBarrier() const override { return false; }
  bool hasFences() const override { return false; }

  kernel::Var local(Ty t) override;
  Val get(kernel::Var v) override;
  void set(kernel::Var v, Val x) override;
  void name(uint32_t id, llvm::StringRef n) override;
  Val bind(Val v, llvm::StringRef n) override;

  void ifElse(Val cond, llvm::function_ref<void()> thenBody,
              llvm::function_ref<void()> elseBody) override;
  void loop(llvm::function_ref<Val()> header, llvm::function_ref<void()> body,
            llvm::function_ref<void()> continuing) override;
  void breakLoop() override;
  void breakIf(Val cond) override;
  bool open() const override;
  void switchOn(Val sel, llvm::ArrayRef<uint32_t> values,
                llvm::function_ref<bool(size_t)> hasBody,
                llvm::function_ref<void(size_t)> body,
                llvm::function_ref<void()> otherwise) override;
  /// WGSL's limit on a switch statement's case selectors, 1023, counts
  /// the default clause too (WGSL spec, "Limits").
  size_t maxSwitchCases() const override { return 1022; }

  kernel::Fn declare() override;
  void define(kernel::Fn f, llvm::StringRef name, unsigned params,
              std::optional<Ty> ret, kernel::Inline inl,
              llvm::ArrayRef<llvm::StringRef> paramNames,
              llvm::function_ref<void(llvm::ArrayRef<Val>)> body) override;
  Val call(kernel::Fn f, std::optional<Ty> ret,
           llvm::ArrayRef<Val> args) override;
  void returnValue(Val v) override;

  /// Makes \p loop (a void function without parameters) entry point
  /// \p index of KernelPlan::entryPoints (called in order): a wrapper that
  /// copies the built-ins, then calls it.
  void entryPoint(kernel::Fn loop, unsigned index);

  /// The module's text and facts; an internal error (a misuse of the
  /// vocabulary) as an llvm::Error.
  llvm::Expected<WgslModule> finish();

private:
  enum class Kind : uint8_t { Const, Global, Let, Var, Param, Fn, Ptr };
  /// Small and trivially copyable: a megakernel of 10,000 handlers has
  /// millions.
  struct Entity {
    Kind kind = Kind::Const;
    Ty ty = Ty::U32;
    /// Const: the value; Global: the kernel::Builtin; Ptr: the index; Fn:
    /// 1 once defined.
    uint32_t value = 0;
    const BufferDecl *buf = nullptr; // Ptr
    /// Its identifier is in the text: a later name() is ignored.
    bool referenced = false;
  };
  /// A construct that `break` leaves: WGSL's break in a switch leaves the
  /// switch, so a loop left from inside one sets the loop's flag.
  struct Breakable {
    bool isLoop = false;
    kernel::Var flag = 0;         // loop: set before leaving from a switch
    bool leavesLoop = false;      // switch: some break inside leaves it
    unsigned continuingDepth = 0; // loop: its continuing block's, once in it
    static Breakable loop() {
      Breakable b;
      b.isLoop = true;
      return b;
    }
    static Breakable switchStmt() { return Breakable(); }
  };
  /// A function being defined: its hoisted `var`s and its body, indented
  /// by \p depth, and the breakable constructs around the builder's position.
  struct Function {
    std::string header, body;
    std::vector<kernel::Var> locals; // declared when the function ends
    unsigned depth = 1;
    bool isOpen = true;
    std::vector<Breakable> breakables;
  };

  const SemaResult &sema;
  const KernelPlan &plan;
  WgslNames names;
  std::vector<Entity> ids{Entity()}; // id 0 is no value
  llvm::DenseMap<uint64_t, Val> constants;      // (type, value) -> id
  /// name(): an identifier's readable suffix; a function's whole name.
  llvm::DenseMap<uint32_t, std::string> readable;
  std::vector<std::unique_ptr<Function>> stack; // functions being defined
  std::vector<std::string> functions;           // finished, in order
  std::vector<std::string> entries;    // the entry points' text
  std::vector<std::string> entryNames; // by shard
  llvm::DenseMap<const BufferDecl *, std::string> bufferNames;
  std::vector<std::string> overrideNames; // by PV
  std::string oobName;
  bool oobUsed = false;
  bool builtinUsed[3] = {};
  /// The subgroup operation classes used (WgslModule::subgroupOperations),
  /// as bits in kSubgroupClasses' order.
  unsigned subgroupClasses = 0;
  Val builtinIds[3] = {};
  std::string error;

  uint32_t newId(Kind k, Ty t = Ty::U32);
  /// The text that refers to \p id: a constant's literal, a function's
  /// marker (a function may be called before it is named), else its
  /// identifier.
  std::string ref(uint32_t id);
  /// Appends the WGSL identifier of \p id to \p out (finish()'s marker
  /// replacement).
  void appendIdentifier(uint32_t id, std::string &out) const;
  std::optional<uint32_t> constant(Val v) const {
    if (ids[v].kind != Kind::Const)
      return std::nullopt;
    return ids[v].value;
  }
  Function &fn();
  void stmt(const llvm::Twine &text);
  /// `let _N = expr;`: a new value.
  Val let(Ty t, const llvm::Twine &expr);
  Val constantOf(Ty t, uint32_t v);
  std::string bufferName(const BufferDecl *buf);
  /// `&NAME[index]`.
  std::string place(kernel::Ptr p);
  bool readWrite(kernel::Ptr p) const;
  Val compareExchange(kernel::Ptr p, Val expected, Val desired);
  /// Leaves the innermost loop, when \p cond (0: always).
  void leaveLoop(Val cond);
  /// The innermost loop's index in the breakable stack; -1 outside loops.
  int innermostLoop();
  void fail(const llvm::Twine &msg);
  /// Appends \p text to \p out, its markers replaced by identifiers.
  void resolve(llvm::StringRef text, std::string &out) const;
};

} // namespace vyre::wgsl

#endif
