//===- SpirvKernelBuilder.cpp - the kernel vocabulary rendered as SPIR-V -===//
#include "SpirvKernelBuilder.h"

#include <spirv/unified1/GLSL.std.450.h>

using namespace vyre;
using namespace vyre::emit;
using kernel::Val;

Val SpirvKernelBuilder::protocol(PV v) {
  // The workgroup size is read as the WorkgroupSize built-in's x, as
  // glslang writes gl_WorkGroupSize.x: spirv-cross declares no spec
  // constant that a WorkgroupSize composite uses (it becomes the layout's
  // local_size_x) yet names it in the code, which no GLSL compiler
  // accepts. Drivers fold the extract of a constant.
  if (v == PV::kernel_WORKGROUP_SIZE && ctx.workgroupSize)
    return fn().op(spv::Op::OpCompositeExtract, ctx.u32(), {ctx.workgroupSize, 0});
  return ctx.protocolValue(v);
}

Val SpirvKernelBuilder::builtin(kernel::Builtin which) {
  if (which == kernel::Builtin::SubgroupLane)
    return fn().op(spv::Op::OpLoad, ctx.u32(), {ctx.laneVar});
  uint32_t var = which == kernel::Builtin::GlobalIdX ? ctx.gidVar
                                                     : ctx.numWorkgroupsVar;
  uint32_t v = fn().op(spv::Op::OpLoad, b.typeVec3U32(), {var});
  return fn().op(spv::Op::OpCompositeExtract, ctx.u32(), {v, 0});
}

Val SpirvKernelBuilder::glsl(uint32_t inst, llvm::ArrayRef<uint32_t> operands) {
  Words ops{b.glslStd450(), inst};
  ops.insert(ops.end(), operands.begin(), operands.end());
  return fn().op(spv::Op::OpExtInst, ctx.u32(), ops);
}

Val SpirvKernelBuilder::binary(BinaryOp op, Val a, Val c, Ty operands) {
  uint32_t u32 = ctx.u32(), boolT = ctx.boolT();
  bool logical = operands == Ty::Bool;
  auto emit = [&](spv::Op o, uint32_t t) { return fn().op(o, t, {a, c}); };
  switch (op) {
  case BinaryOp::Add: return emit(spv::Op::OpIAdd, u32);
  case BinaryOp::Sub: return emit(spv::Op::OpISub, u32);
  case BinaryOp::Mul: return emit(spv::Op::OpIMul, u32);
  case BinaryOp::Div: return emit(spv::Op::OpUDiv, u32);
  case BinaryOp::Rem: return emit(spv::Op::OpUMod, u32);
  case BinaryOp::BitAnd: return emit(spv::Op::OpBitwiseAnd, u32);
  case BinaryOp::BitOr: return emit(spv::Op::OpBitwiseOr, u32);
  case BinaryOp::BitXor: return emit(spv::Op::OpBitwiseXor, u32);
  case BinaryOp::Shl: return emit(spv::Op::OpShiftLeftLogical, u32);
  case BinaryOp::Shr: return emit(spv::Op::OpShiftRightLogical, u32);
  case BinaryOp::Eq:
    return emit(logical ? spv::Op::OpLogicalEqual : spv::Op::OpIEqual, boolT);
  case BinaryOp::Ne:
    return emit(logical ? spv::Op::OpLogicalNotEqual : spv::Op::OpINotEqual,
                boolT);
  case BinaryOp::Lt: return emit(spv::Op::OpULessThan, boolT);
  case BinaryOp::Le: return emit(spv::Op::OpULessThanEqual, boolT);
  case BinaryOp::Gt: return emit(spv::Op::OpUGreaterThan, boolT);
  case BinaryOp::Ge: return emit(spv::Op::OpUGreaterThanEqual, boolT);
  case BinaryOp::LogicalAnd: return emit(spv::Op::OpLogicalAnd, boolT);
  case BinaryOp::LogicalOr: return emit(spv::Op::OpLogicalOr, boolT);
  case BinaryOp::Min: return glsl(GLSLstd450UMin, {a, c});
  case BinaryOp::Max: return glsl(GLSLstd450UMax, {a, c});
  }
  return 0;
}

Val SpirvKernelBuilder::unary(UnaryOp op, Val a) {
  if (op == UnaryOp::LogicalNot)
    return fn().op(spv::Op::OpLogicalNot, ctx.boolT(), {a});
  return fn().op(spv::Op::OpNot, ctx.u32(), {a});
}

Val SpirvKernelBuilder::bits(kernel::BitOp op, Val a) {
  if (op == kernel::BitOp::Count)
    return fn().op(spv::Op::OpBitCount, ctx.u32(), {a});
  return glsl(GLSLstd450FindILsb, {a});
}

Val SpirvKernelBuilder::groupOp(spv::Op op, uint32_t type,
                                llvm::ArrayRef<uint32_t> operands) {
  Words ops{ctx.c(uint32_t(spv::Scope::Subgroup))};
  ops.insert(ops.end(), operands.begin(), operands.end());
  return fn().op(op, type, ops);
}

Val SpirvKernelBuilder::group(kernel::GroupOp op, llvm::ArrayRef<Val> x) {
  using G = kernel::GroupOp;
  uint32_t u32 = ctx.u32(), boolT = ctx.boolT();
  auto arith = [&](spv::Op o, spv::GroupOperation how) {
    return groupOp(o, u32, {uint32_t(how), x[0]});
  };
  switch (op) {
  case G::Any: return groupOp(spv::Op::OpGroupNonUniformAny, boolT, x);
  case G::All: return groupOp(spv::Op::OpGroupNonUniformAll, boolT, x);
  // Elect and BallotCount are spelled with instructions naga's SPIR-V
  // front end reads (test/naga/spv-front-end.txt), which has neither
  // OpGroupNonUniformElect nor OpGroupNonUniformBallotBitCount; drivers
  // lower both forms alike (docs/embedding.md, "wgpu / naga").
  case G::Elect: {
    // The first active invocation: the one whose (unique) global id the
    // subgroup's first active lane broadcasts.
    Val gid = builtin(kernel::Builtin::GlobalIdX);
    Val first = groupOp(spv::Op::OpGroupNonUniformBroadcastFirst, u32, {gid});
    return fn().op(spv::Op::OpIEqual, boolT, {first, gid});
  }
  case G::BallotCount: {
    uint32_t ballot =
        groupOp(spv::Op::OpGroupNonUniformBallot, b.typeVec4U32(), x);
    Val n = 0;
    for (uint32_t i = 0; i < 4; ++i) {
      Val word = fn().op(spv::Op::OpCompositeExtract, u32, {ballot, i});
      Val bits = fn().op(spv::Op::OpBitCount, u32, {word});
      n = n ? fn().op(spv::Op::OpIAdd, u32, {n, bits}) : bits;
    }
    return n;
  }
  case G::BroadcastFirst:
    return groupOp(spv::Op::OpGroupNonUniformBroadcastFirst, u32, x);
  case G::Min:
    return arith(spv::Op::OpGroupNonUniformUMin, spv::GroupOperation::Reduce);
  case G::Max:
    return arith(spv::Op::OpGroupNonUniformUMax, spv::GroupOperation::Reduce);
  case G::Add:
    return arith(spv::Op::OpGroupNonUniformIAdd, spv::GroupOperation::Reduce);
  case G::ExclusiveAdd:
    return arith(spv::Op::OpGroupNonUniformIAdd,
                 spv::GroupOperation::ExclusiveScan);
  case G::Shuffle: return groupOp(spv::Op::OpGroupNonUniformShuffle, u32, x);
  }
  return 0;
}

void SpirvKernelBuilder::subgroupBarrier(bool thenRelease) {
  // A release fence, an execution barrier of the subgroup that orders no
  // memory itself, an acquire fence: the Vulkan memory model makes each
  // invocation's release fence synchronize with every other's acquire fence
  // through the barrier they both execute (docs/protocol.md, "The subgroup
  // barrier"). Translators keep that shape divergent-safe where a single
  // OpControlBarrier(Subgroup, Device, ...) is not: spirv-cross widens its
  // execution scope to the memory scope (MSL threadgroup_barrier, HLSL
  // DeviceMemoryBarrierWithGroupSync), while a Subgroup memory scope with
  // no semantics is MSL's simdgroup_barrier, GLSL's subgroupBarrier() and,
  // HLSL having no wave barrier, nothing between two DeviceMemoryBarrier()s.
  // thenRelease makes the closing fence AcquireRelease: on an NVIDIA GPU
  // each fence is a MEMBAR, and a NOP slot's path has few other costs.
  ctx.fence(fn(), /*acquire=*/false, /*release=*/true);
  fn().opVoid(spv::Op::OpControlBarrier,
              {ctx.c(uint32_t(spv::Scope::Subgroup)),
               ctx.c(uint32_t(spv::Scope::Subgroup)), ctx.c(0)});
  ctx.fence(fn(), /*acquire=*/true, /*release=*/thenRelease);
}

Val SpirvKernelBuilder::get(kernel::Var v) {
  auto it = localTypes.find(v);
  Ty t = it == localTypes.end() ? Ty::U32 : it->second;
  return fn().op(spv::Op::OpLoad, type(t), {v});
}

void SpirvKernelBuilder::loop(llvm::function_ref<Val()> header,
                              llvm::function_ref<void()> body,
                              llvm::function_ref<void()> continuing) {
  fn().loop([&](const FunctionBuilder::Loop &) { return header(); },
            [&](const FunctionBuilder::Loop &l) {
              loops.push_back(l);
              body();
              loops.pop_back();
            },
            [&](const FunctionBuilder::Loop &) { continuing(); });
}

void SpirvKernelBuilder::switchOn(Val sel, llvm::ArrayRef<uint32_t> values,
                                  llvm::function_ref<bool(size_t)> hasBody,
                                  llvm::function_ref<void(size_t)> body,
                                  llvm::function_ref<void()> otherwise) {
  constexpr auto kNone =
      static_cast<uint32_t>(spv::SelectionControlMask::MaskNone);
  FunctionBuilder &f = fn();
  uint32_t mergeL = b.newId(), defaultL = b.newId();
  Words sw{sel, defaultL};
  sw.reserve(2 + 2 * values.size());
  std::vector<uint32_t> labels;
  labels.reserve(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    // A case without a body goes straight to the merge.
    uint32_t label = hasBody(i) ? b.newId() : mergeL;
    sw.push_back(values[i]);
    sw.push_back(label);
    labels.push_back(label);
  }
  f.merge(spv::Op::OpSelectionMerge, {mergeL, kNone});
  f.terminate(spv::Op::OpSwitch, sw);
  for (size_t i = 0; i < values.size(); ++i) {
    if (labels[i] == mergeL)
      continue;
    f.block(labels[i]);
    body(i);
    if (f.open())
      f.terminate(spv::Op::OpBranch, {mergeL});
  }
  f.block(defaultL);
  otherwise();
  if (f.open())
    f.terminate(spv::Op::OpBranch, {mergeL});
  f.block(mergeL);
}

void SpirvKernelBuilder::define(
    kernel::Fn f, llvm::StringRef fnName, unsigned params,
    std::optional<Ty> ret, kernel::Inline inl,
    llvm::ArrayRef<llvm::StringRef> paramNames,
    llvm::function_ref<void(llvm::ArrayRef<Val>)> body) {
  uint32_t retT = ret ? type(*ret) : ctx.voidT();
  std::vector<uint32_t> paramTypes(params, ctx.u32());
  uint32_t fnType = b.typeFunction(retT, paramTypes);
  // DontInline: a callee many callers share (dispatch_op), or a cold path
  // (record_out_of_bounds): -O's exhaustive inlining would copy it into
  // every caller.
  FunctionBuilder fb(b, f, retT, fnType,
                     inl == kernel::Inline::Never
                         ? spv::FunctionControlMask::DontInline
                         : spv::FunctionControlMask::MaskNone);
  FunctionBuilder *outer = current;
  current = &fb;
  b.name(f, fnName);
  llvm::SmallVector<Val, 5> ids;
  for (unsigned i = 0; i < params; ++i)
    ids.push_back(fb.param(ctx.u32()));
  for (unsigned i = 0; i < paramNames.size() && i < params; ++i)
    b.name(ids[i], paramNames[i]);
  fb.beginBody();
  body(ids);
  fb.finish();
  current = outer;
}

Val SpirvKernelBuilder::call(kernel::Fn f, std::optional<Ty> ret,
                             llvm::ArrayRef<Val> args) {
  Words ops{f};
  ops.insert(ops.end(), args.begin(), args.end());
  return fn().op(spv::Op::OpFunctionCall, ret ? type(*ret) : ctx.voidT(), ops);
}
