//===- WgslKernelBuilder.cpp - the kernel vocabulary rendered as WGSL ----===//
#include "WgslKernelBuilder.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/Twine.h"

using namespace vyre;
using namespace vyre::wgsl;
using kernel::Val;
using Ty = kernel::Ty;

namespace {

/// \p op applied to two constants as WGSL evaluates it at run time (u32
/// wraps; x / 0 is x and x % 0 is 0; a shift counts modulo 32): WGSL
/// rejects a constant expression that overflows, divides by zero or
/// shifts by 32 or more, so the renderer never writes one.
uint32_t fold(BinaryOp op, uint32_t a, uint32_t b) {
  switch (op) {
  case BinaryOp::Add: return a + b;
  case BinaryOp::Sub: return a - b;
  case BinaryOp::Mul: return a * b;
  case BinaryOp::Div: return b ? a / b : a;
  case BinaryOp::Rem: return b ? a % b : 0;
  case BinaryOp::BitAnd: return a & b;
  case BinaryOp::BitOr: return a | b;
  case BinaryOp::BitXor: return a ^ b;
  case BinaryOp::Shl: return a << (b & 31);
  case BinaryOp::Shr: return a >> (b & 31);
  case BinaryOp::Eq: return a == b;
  case BinaryOp::Ne: return a != b;
  case BinaryOp::Lt: return a < b;
  case BinaryOp::Le: return a <= b;
  case BinaryOp::Gt: return a > b;
  case BinaryOp::Ge: return a >= b;
  case BinaryOp::LogicalAnd: return a && b;
  case BinaryOp::LogicalOr: return a || b;
  case BinaryOp::Min: return std::min(a, b);
  case BinaryOp::Max: return std::max(a, b);
  }
  return 0;
}

llvm::StringRef atomicFunction(AtomicOp op) {
  switch (op) {
  case AtomicOp::Load: return "atomicLoad";
  case AtomicOp::Store: return "atomicStore";
  case AtomicOp::Add: return "atomicAdd";
  case AtomicOp::Sub: return "atomicSub";
  case AtomicOp::And: return "atomicAnd";
  case AtomicOp::Or: return "atomicOr";
  case AtomicOp::Xor: return "atomicXor";
  case AtomicOp::Min: return "atomicMin";
  case AtomicOp::Max: return "atomicMax";
  case AtomicOp::Exchange: return "atomicExchange";
  case AtomicOp::CompareExchange: return "atomicCompareExchangeWeak";
  }
  return "";
}

} // namespace

const BuiltinInput wgsl::kBuiltinInputs[3] = {
    {"_gid_x", "_gid", "global_invocation_id", "vec3<u32>", ".x"},
    {"_nwg_x", "_nwg", "num_workgroups", "vec3<u32>", ".x"},
    {"_lane", "_lane_in", "subgroup_invocation_id", "u32", ""},
};

WgslKernelBuilder::WgslKernelBuilder(const SemaResult &sema,
                                     const KernelPlan &plan)
    : sema(sema), plan(plan), overrideNames(kNumProtocolValues) {
  for (const BuiltinInput &b : kBuiltinInputs)
    names.reserve(b.global);
  // Entry points first: the host calls them by the name it asked for.
  for (const KernelPlan::EntryPoint &e : plan.entryPoints)
    entryNames.push_back(names.unique(e.name));
  for (unsigned i = 0; i < kNumProtocolValues; ++i) {
    const ProtocolInfo &info = protocolTable()[i];
    if (info.specId >= 0)
      overrideNames[i] = names.unique((info.group + "_" + info.key).str());
  }
  for (const BufferDecl *d : sema.buffers)
    bufferNames[d] = names.unique(d->name);
  oobName = names.unique("record_out_of_bounds");
}

WgslKernelBuilder::~WgslKernelBuilder() = default;

uint32_t WgslKernelBuilder::newId(Kind k, Ty t) {
  Entity e;
  e.kind = k;
  e.ty = t;
  ids.push_back(std::move(e));
  return static_cast<uint32_t>(ids.size() - 1);
}

std::string WgslKernelBuilder::ref(uint32_t id) {
  Entity &e = ids[id];
  switch (e.kind) {
  case Kind::Global: return kBuiltinInputs[e.value].global;
  case Kind::Const:
    if (e.ty == Ty::Bool)
      return e.value ? "true" : "false";
    return std::to_string(e.value) + "u";
  case Kind::Fn: {
    std::string s(1, kMarkBegin);
    s += std::to_string(id);
    s += kMarkEnd;
    return s;
  }
  default: {
    e.referenced = true;
    std::string s;
    appendIdentifier(id, s);
    return s;
  }
  }
}

void WgslKernelBuilder::appendIdentifier(uint32_t id, std::string &out) const {
  const Entity &e = ids[id];
  auto name = readable.find(id);
  if (e.kind == Kind::Fn) {
    if (name != readable.end())
      out += name->second;
    return;
  }
  out += e.kind == Kind::Var ? "_v" : e.kind == Kind::Param ? "_p" : "_";
  out += std::to_string(id);
  if (name != readable.end()) {
    out += '_';
    out += name->second;
  }
}

WgslKernelBuilder::Function &WgslKernelBuilder::fn() { return *stack.back(); }

void WgslKernelBuilder::fail(const llvm::Twine &msg) {
  if (error.empty())
    error = msg.str();
}

void WgslKernelBuilder::stmt(const llvm::Twine &text) {
  if (stack.empty())
    return fail("WGSL: code outside a function");
  Function &f = fn();
  // (One brace level is left for a one-line `if c { break; }`.)
  if (f.depth >= kWgslMaxBraceDepth)
    fail("WGSL: statements nested deeper than WGSL compilers take "
         "(kWgslMaxBraceDepth)");
  f.body.append(2 * f.depth, ' ');
  llvm::SmallString<128> line;
  f.body += text.toStringRef(line);
  f.body += '\n';
}

Val WgslKernelBuilder::let(Ty t, const llvm::Twine &expr) {
  Val v = newId(Kind::Let, t);
  stmt("let " + ref(v) + " = " + expr + ";");
  return v;
}

//===-- Values ------------------------------------------------------------===//

Val WgslKernelBuilder::constantOf(Ty t, uint32_t v) {
  uint64_t key = (uint64_t(t == Ty::Bool) << 32) | v;
  auto [it, inserted] = constants.try_emplace(key, 0);
  if (!inserted)
    return it->second;
  Val id = newId(Kind::Const, t);
  ids[id].value = v;
  return it->second = id;
}

Val WgslKernelBuilder::u32(uint32_t v) { return constantOf(Ty::U32, v); }
Val WgslKernelBuilder::boolean(bool v) { return constantOf(Ty::Bool, v); }

Val WgslKernelBuilder::protocol(PV v) {
  unsigned i = static_cast<unsigned>(v);
  if (overrideNames[i].empty())
    return u32(sema.protocol[v]);
  // Through a `let`: an expression of overrides alone would be an
  // override-expression, which pipeline creation rejects if it overflows
  // for the host's values, even where the code guards it at run time.
  return let(Ty::U32, overrideNames[i]);
}

Val WgslKernelBuilder::builtin(kernel::Builtin b) {
  unsigned i = static_cast<unsigned>(b);
  if (b == kernel::Builtin::SubgroupLane && !plan.subgroupLoop())
    fail("WGSL: the subgroup lane in a module without subgroups");
  builtinUsed[i] = true;
  if (!builtinIds[i]) {
    builtinIds[i] = newId(Kind::Global);
    ids[builtinIds[i]].value = i;
  }
  return builtinIds[i];
}

Val WgslKernelBuilder::binary(BinaryOp op, Val a, Val b, Ty operands) {
  Ty result = isComparison(op) || isLogical(op) ? Ty::Bool : Ty::U32;
  auto ca = constant(a), cb = constant(b);
  if (ca && cb)
    return constantOf(result, fold(op, *ca, *cb));
  // A constant divisor of zero or shift of 32 or more is an error in WGSL:
  // what the operation gives at run time instead (fold()).
  if (cb && (op == BinaryOp::Div || op == BinaryOp::Rem) && *cb == 0)
    return op == BinaryOp::Div ? a : u32(0);
  if (cb && (op == BinaryOp::Shl || op == BinaryOp::Shr) && *cb > 31)
    b = u32(*cb & 31);
  (void)operands; // WGSL's == and != take bools as they are
  if (op == BinaryOp::Min || op == BinaryOp::Max)
    return let(result, spelling(op) + "(" + ref(a) + ", " + ref(b) + ")");
  // The language's operators are spelled as WGSL spells them.
  return let(result, ref(a) + " " + spelling(op) + " " + ref(b));
}

Val WgslKernelBuilder::unary(UnaryOp op, Val a) {
  bool logical = op == UnaryOp::LogicalNot;
  if (auto c = constant(a))
    return logical ? boolean(!*c) : u32(~*c);
  return let(logical ? Ty::Bool : Ty::U32, (logical ? "!" : "~") + ref(a));
}

Val WgslKernelBuilder::bits(kernel::BitOp op, Val a) {
  return let(Ty::U32, (op == kernel::BitOp::Count ? "countOneBits("
                                                  : "firstTrailingBit(") +
                          ref(a) + ")");
}

Val WgslKernelBuilder::select(Ty t, Val cond, Val ifTrue, Val ifFalse) {
  // WGSL's order: select(false, true, cond).
  return let(t, "select(" + ref(ifFalse) + ", " + ref(ifTrue) + ", " +
                    ref(cond) + ")");
}

//===-- Memory ------------------------------------------------------------===//

std::string WgslKernelBuilder::bufferName(const BufferDecl *buf) {
  auto it = bufferNames.find(buf);
  if (it == bufferNames.end()) {
    fail("WGSL: a buffer Sema did not record");
    return "?";
  }
  return it->second;
}

kernel::Ptr WgslKernelBuilder::element(const BufferDecl *buf, Val index) {
  kernel::Ptr p = newId(Kind::Ptr);
  ids[p].buf = buf;
  ids[p].value = index;
  return p;
}

std::string WgslKernelBuilder::place(kernel::Ptr p) {
  return "&" + bufferName(ids[p].buf) + "[" + ref(ids[p].value) + "]";
}

bool WgslKernelBuilder::readWrite(kernel::Ptr p) const {
  return ids[p].buf->access == Access::ReadWrite;
}

Val WgslKernelBuilder::load(kernel::Ptr p) {
  if (!readWrite(p)) // array<u32>: no atomics there
    return let(Ty::U32,
               bufferName(ids[p].buf) + "[" + ref(ids[p].value) + "]");
  return let(Ty::U32, "atomicLoad(" + place(p) + ")");
}

void WgslKernelBuilder::store(kernel::Ptr p, Val v) {
  stmt("atomicStore(" + place(p) + ", " + ref(v) + ");");
}

Val WgslKernelBuilder::compareExchange(kernel::Ptr p, Val expected,
                                       Val desired) {
  // atomicCompareExchangeWeak may fail spuriously, reporting the expected
  // value as the old one; the language's compare-exchange is strong (a
  // caller that compares old == expected would take a spurious failure for
  // a win), so retry until it exchanged or saw another value: the C++
  // idiom for a strong CAS from a weak one.
  kernel::Var old = local(Ty::U32);
  stmt("loop {");
  ++fn().depth;
  Val r = newId(Kind::Let);
  stmt("let " + ref(r) + " = atomicCompareExchangeWeak(" + place(p) + ", " +
       ref(expected) + ", " + ref(desired) + ");");
  stmt("if " + ref(r) + ".exchanged || " + ref(r) + ".old_value != " +
       ref(expected) + " {");
  stmt("  " + ref(old) + " = " + ref(r) + ".old_value;");
  stmt("  break;");
  stmt("}");
  --fn().depth;
  stmt("}");
  return get(old);
}

Val WgslKernelBuilder::atomic(AtomicOp op, MemoryOrder order, kernel::Ptr p,
                              llvm::ArrayRef<Val> operands) {
  // WGSL atomics are relaxed only: checkWgslSupport refused a user
  // handler's ordering, and the skeletons' pair with a host that acts only
  // between dispatches (docs/protocol.md, "WebGPU").
  (void)order;
  if (operands.size() != atomicValueOperands(op)) {
    fail("WGSL: " + spelling(op) + " with the wrong number of operands");
    return u32(0);
  }
  switch (op) {
  case AtomicOp::Load:
    return load(p);
  case AtomicOp::Store:
    store(p, operands[0]);
    return 0;
  case AtomicOp::CompareExchange:
    return compareExchange(p, operands[0], operands[1]);
  default:
    return let(Ty::U32, atomicFunction(op) + "(" + place(p) + ", " +
                            ref(operands[0]) + ")");
  }
}

void WgslKernelBuilder::fence(bool acquire, bool release) {
  stmt(llvm::Twine("// fence(") + (acquire ? "acquire" : "") +
       (acquire && release ? ", " : "") + (release ? "release" : "") +
       "): WGSL has no device-scope fence (docs/protocol.md, \"WebGPU\")");
}

void WgslKernelBuilder::acquireIf(Val) {
  stmt("// acquire: WGSL has no device-scope fence (docs/protocol.md, "
       "\"WebGPU\")");
}

Val WgslKernelBuilder::arrayLength(const BufferDecl *buf) {
  return let(Ty::U32, "arrayLength(&" + bufferName(buf) + ")");
}

Val WgslKernelBuilder::guardedAccess(
    const BufferDecl *buf, Val index, bool hasResult, llvm::SMLoc,
    llvm::function_ref<Val(kernel::Ptr)> body) {
  Val inRange = binary(BinaryOp::Lt, index, arrayLength(buf));
  kernel::Var r = hasResult ? local(Ty::U32) : 0;
  ifElse(
      inRange,
      [&] {
        Val x = body(element(buf, index));
        if (hasResult)
          set(r, x);
      },
      [&] {
        oobUsed = true;
        bufferName(sema.control); // record_out_of_bounds counts there
        stmt(oobName + "();");
        if (hasResult) // the variable may hold an earlier iteration's value
          set(r, u32(0));
      });
  return hasResult ? get(r) : 0;
}

//===-- Subgroups ---------------------------------------------------------===//

/// Vulkan's name for the class of subgroup operation \p op belongs to
/// (VkSubgroupFeatureFlagBits), the manifest's words for it.
SubgroupClass vyre::wgsl::subgroupClass(kernel::GroupOp op) {
  using G = kernel::GroupOp;
  switch (op) {
  case G::Elect: return SubgroupClass::Basic;
  case G::Any:
  case G::All: return SubgroupClass::Vote;
  case G::Min:
  case G::Max:
  case G::Add:
  case G::ExclusiveAdd: return SubgroupClass::Arithmetic;
  case G::BallotCount:
  case G::BroadcastFirst: return SubgroupClass::Ballot;
  case G::Shuffle: return SubgroupClass::Shuffle;
  }
  return SubgroupClass::Basic;
}

Val WgslKernelBuilder::group(kernel::GroupOp op, llvm::ArrayRef<Val> x) {
  using G = kernel::GroupOp;
  if (!plan.subgroupLoop())
    fail("WGSL: a subgroup operation in a module without subgroups");
  unsigned want = op == G::Elect ? 0 : op == G::Shuffle ? 2 : 1;
  if (x.size() != want) {
    fail("WGSL: a subgroup operation with the wrong number of operands");
    return u32(0);
  }
  subgroupClasses |= 1u << unsigned(subgroupClass(op));
  auto call = [&](Ty t, llvm::StringRef f) {
    std::string args;
    for (Val v : x)
      args += (args.empty() ? "" : ", ") + ref(v);
    return let(t, f + "(" + args + ")");
  };
  switch (op) {
  case G::Any: return call(Ty::Bool, "subgroupAny");
  case G::All: return call(Ty::Bool, "subgroupAll");
  case G::Elect: return call(Ty::Bool, "subgroupElect");
  case G::BallotCount:
    // The lanes holding x: every bit of the ballot's four words.
    return let(Ty::U32, "dot(countOneBits(subgroupBallot(" + ref(x[0]) +
                            ")), vec4<u32>(1u))");
  case G::BroadcastFirst: return call(Ty::U32, "subgroupBroadcastFirst");
  case G::Min: return call(Ty::U32, "subgroupMin");
  case G::Max: return call(Ty::U32, "subgroupMax");
  case G::Add: return call(Ty::U32, "subgroupAdd");
  case G::ExclusiveAdd: return call(Ty::U32, "subgroupExclusiveAdd");
  case G::Shuffle: return call(Ty::U32, "subgroupShuffle");
  }
  return 0;
}

void WgslKernelBuilder::subgroupBarrier(bool) {
  stmt("// subgroup barrier: WGSL has none (docs/protocol.md, \"WebGPU\")");
}

//===-- Variables ---------------------------------------------------------===//

kernel::Var WgslKernelBuilder::local(Ty t) {
  kernel::Var v = newId(Kind::Var, t);
  if (stack.empty()) {
    fail("WGSL: a variable outside a function");
    return v;
  }
  // Hoisted: a variable declared in a nested block may be used after it
  // (SPIR-V's OpVariables live at the function's start too). WGSL
  // zero-initializes it.
  fn().locals.push_back(v);
  return v;
}

Val WgslKernelBuilder::get(kernel::Var v) { return let(ids[v].ty, ref(v)); }

Val WgslKernelBuilder::bind(Val v, llvm::StringRef n) {
  // A new `let` that carries the name: v's own identifier is in the text
  // already. Tint and naga fold the copy.
  Val named = newId(Kind::Let, ids[v].ty);
  readable[named] = identifierChars(n);
  stmt("let " + ref(named) + " = " + ref(v) + ";");
  return named;
}

void WgslKernelBuilder::set(kernel::Var v, Val x) {
  stmt(ref(v) + " = " + ref(x) + ";");
}

void WgslKernelBuilder::name(uint32_t id, llvm::StringRef n) {
  if (id == 0 || id >= ids.size())
    return fail("WGSL: name() of an unknown id");
  Kind k = ids[id].kind;
  if (k == Kind::Fn)
    readable[id] = names.unique(n);
  else if ((k == Kind::Let || k == Kind::Var || k == Kind::Param) &&
           !ids[id].referenced) // (too late otherwise: it keeps `_vN`)
    readable[id] = identifierChars(n); // after `_vN_`: valid, unique as is
}
