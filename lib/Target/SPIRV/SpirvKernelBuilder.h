//===- SpirvKernelBuilder.h - the kernel vocabulary rendered as SPIR-V ---===//
//
// Each call of KernelBuilder becomes the SPIR-V instructions of the module
// being built (ModuleContext), in the function being defined: u32 values
// are OpTypeInt 32 0 ids, places OpAccessChains into the buffers' runtime
// arrays, atomics relaxed OpAtomic* between the fences of MemoryAccess.cpp,
// control flow FunctionBuilder's structured constructs.
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_LIB_EMIT_SPIRVKERNELBUILDER_H
#define VYRE_LIB_EMIT_SPIRVKERNELBUILDER_H

#include "EmitInternal.h"

#include "vyre/Kernel/KernelBuilder.h"

#include <vector>

namespace vyre::emit {

class SpirvKernelBuilder final : public kernel::KernelBuilder {
public:
  explicit SpirvKernelBuilder(ModuleContext &ctx) : ctx(ctx), b(ctx.b) {}

  using Val = kernel::Val;
  using Ty = kernel::Ty;

  Val u32(uint32_t v) override { return ctx.c(v); }
  Val boolean(bool v) override { return b.constBool(v); }
  Val protocol(PV v) override;
  Val builtin(kernel::Builtin which) override;
  Val binary(BinaryOp op, Val a, Val c, Ty operands) override;
  Val unary(UnaryOp op, Val a) override;
  Val bits(kernel::BitOp op, Val a) override;
  Val select(Ty t, Val cond, Val ifTrue, Val ifFalse) override {
    return fn().op(spv::Op::OpSelect, type(t), {cond, ifTrue, ifFalse});
  }

  kernel::Ptr element(const BufferDecl *buf, Val index) override {
    return ctx.wordPointer(fn(), buf, index);
  }
  Val load(kernel::Ptr p) override { return ctx.loadWord(fn(), p); }
  void store(kernel::Ptr p, Val v) override { ctx.storeWord(fn(), p, v); }
  Val atomic(AtomicOp op, MemoryOrder order, kernel::Ptr p,
             llvm::ArrayRef<Val> operands) override {
    return ctx.atomic(fn(), op, order, p, operands);
  }
  void fence(bool acquire, bool release) override {
    ctx.fence(fn(), acquire, release);
  }
  void acquireIf(Val cond) override { ctx.acquireIf(fn(), cond); }
  Val arrayLength(const BufferDecl *buf) override {
    return ctx.arrayLength(fn(), buf);
  }
  Val guardedAccess(const BufferDecl *buf, Val index, bool hasResult,
                    llvm::SMLoc loc,
                    llvm::function_ref<Val(kernel::Ptr)> body) override {
    return ctx.guardedAccess(fn(), buf, index, hasResult, loc, body);
  }

  Val group(kernel::GroupOp op, llvm::ArrayRef<Val> operands) override;
  void subgroupBarrier(bool thenRelease = false) override;
  bool hasSubgroupBarrier() const override { return true; }
  bool hasFences() const override { return true; }

  kernel::Var local(Ty t) override {
    kernel::Var v = fn().localVariable(
        b.typePointer(spv::StorageClass::Function, type(t)));
    localTypes[v] = t;
    return v;
  }
  Val get(kernel::Var v) override;
  void set(kernel::Var v, Val x) override {
    fn().opVoid(spv::Op::OpStore, {v, x});
  }
  void name(uint32_t id, llvm::StringRef n) override { b.name(id, n); }
  Val bind(Val v, llvm::StringRef n) override {
    if (b.nameable(v))
      b.name(v, n);
    return v;
  }

  void ifElse(Val cond, llvm::function_ref<void()> thenBody,
              llvm::function_ref<void()> elseBody) override {
    fn().ifElse(cond, thenBody, elseBody);
  }
  void loop(llvm::function_ref<Val()> header, llvm::function_ref<void()> body,
            llvm::function_ref<void()> continuing) override;
  void breakLoop() override {
    fn().terminate(spv::Op::OpBranch, {loops.back().merge});
  }
  void breakIf(Val cond) override {
    fn().terminate(spv::Op::OpBranchConditional,
                   {cond, loops.back().merge, loops.back().cont});
  }
  bool open() const override { return current->open(); }
  void switchOn(Val sel, llvm::ArrayRef<uint32_t> values,
                llvm::function_ref<bool(size_t)> hasBody,
                llvm::function_ref<void(size_t)> body,
                llvm::function_ref<void()> otherwise) override;
  /// SPIR-V's universal limit on an OpSwitch's (literal, label) pairs.
  size_t maxSwitchCases() const override { return 16383; }

  kernel::Fn declare() override { return b.newId(); }
  void define(kernel::Fn f, llvm::StringRef name, unsigned params,
              std::optional<Ty> ret, kernel::Inline inl,
              llvm::ArrayRef<llvm::StringRef> paramNames,
              llvm::function_ref<void(llvm::ArrayRef<Val>)> body) override;
  Val call(kernel::Fn f, std::optional<Ty> ret,
           llvm::ArrayRef<Val> args) override;
  void returnValue(Val v) override {
    fn().terminate(spv::Op::OpReturnValue, {v});
  }
  void line(llvm::SMLoc loc) override { ctx.line(fn(), loc); }

private:
  ModuleContext &ctx;
  SpirvBuilder &b;
  FunctionBuilder *current = nullptr;
  std::vector<FunctionBuilder::Loop> loops;
  llvm::DenseMap<kernel::Var, Ty> localTypes; // OpLoad's result type

  FunctionBuilder &fn() { return *current; }
  uint32_t type(Ty t) { return t == Ty::Bool ? ctx.boolT() : ctx.u32(); }
  /// A subgroup operation at Subgroup scope: op(type, scope, operands...).
  Val groupOp(spv::Op op, uint32_t type, llvm::ArrayRef<uint32_t> operands);
  Val glsl(uint32_t inst, llvm::ArrayRef<uint32_t> operands);
};

} // namespace vyre::emit

#endif
