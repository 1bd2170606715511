//===- WgslKernelBuilder.cpp - the kernel vocabulary rendered as WGSL ----===//
#include "WgslKernelBuilder.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/Twine.h"

using namespace vyre;
using namespace vyre::wgsl;
using kernel::Val;
using Ty = kernel::Ty;

namespace {

// finish() replaces kMarkBegin ID kMarkEnd with the id's identifier.
constexpr char kMarkBegin = '\x01', kMarkEnd = '\x02';

llvm::StringRef wgslType(Ty t) { return t == Ty::Bool ? "bool" : "u32"; }

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

llvm::StringRef infix(BinaryOp op) {
  switch (op) {
  case BinaryOp::Add: return "+";
  case BinaryOp::Sub: return "-";
  case BinaryOp::Mul: return "*";
  case BinaryOp::Div: return "/";
  case BinaryOp::Rem: return "%";
  case BinaryOp::BitAnd: return "&";
  case BinaryOp::BitOr: return "|";
  case BinaryOp::BitXor: return "^";
  case BinaryOp::Shl: return "<<";
  case BinaryOp::Shr: return ">>";
  case BinaryOp::Eq: return "==";
  case BinaryOp::Ne: return "!=";
  case BinaryOp::Lt: return "<";
  case BinaryOp::Le: return "<=";
  case BinaryOp::Gt: return ">";
  case BinaryOp::Ge: return ">=";
  case BinaryOp::LogicalAnd: return "&&";
  case BinaryOp::LogicalOr: return "||";
  case BinaryOp::Min: return "min";
  case BinaryOp::Max: return "max";
  }
  return "";
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

/// The module-scope copy of each built-in (kernel::Builtin order) and the
/// entry point's parameter it is filled from.
struct BuiltinInfo {
  const char *global, *param, *attribute, *type, *component;
};
constexpr BuiltinInfo kBuiltins[] = {
    {"_gid_x", "_gid", "global_invocation_id", "vec3<u32>", ".x"},
    {"_nwg_x", "_nwg", "num_workgroups", "vec3<u32>", ".x"},
    {"_lane", "_lane_in", "subgroup_invocation_id", "u32", ""},
};

} // namespace

/// A function being defined: its hoisted `var`s and its body, indented
/// by \p depth, and the breakable constructs around the builder's position.
struct WgslKernelBuilder::Function {
  std::string header, vars, body;
  unsigned depth = 1;
  bool isOpen = true;
  std::vector<Breakable> breakables;
};

WgslKernelBuilder::WgslKernelBuilder(const SemaResult &sema,
                                     const KernelPlan &plan)
    : sema(sema), plan(plan), overrideNames(kNumProtocolValues),
      overrideUsed(kNumProtocolValues) {
  for (const BuiltinInfo &b : kBuiltins)
    names.reserve(b.global);
  // Entry points first: the host calls them by the name it asked for.
  for (const ShardPlan::Shard &s : plan.shards.shards)
    entryNames.push_back(names.unique(s.entryPoint));
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

std::string WgslKernelBuilder::ref(uint32_t id) const {
  const Entity &e = ids[id];
  if (e.kind == Kind::Const || e.kind == Kind::Global)
    return e.text;
  return (llvm::Twine(kMarkBegin) + llvm::Twine(id) + llvm::Twine(kMarkEnd))
      .str();
}

std::string WgslKernelBuilder::identifier(uint32_t id) const {
  const Entity &e = ids[id];
  if (e.kind == Kind::Fn)
    return e.name;
  llvm::StringRef prefix = e.kind == Kind::Var     ? "_v"
                           : e.kind == Kind::Param ? "_p"
                                                   : "_";
  std::string s = (prefix + llvm::Twine(id)).str();
  if (!e.name.empty())
    s += "_" + e.name;
  return s;
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
  f.body.append(2 * f.depth, ' ');
  f.body += text.str();
  f.body += '\n';
}

Val WgslKernelBuilder::let(Ty t, const llvm::Twine &expr) {
  Val v = newId(Kind::Let, t);
  stmt("let " + ref(v) + " = " + expr + ";");
  return v;
}

//===-- Values -------------------------------------------------------------===//

Val WgslKernelBuilder::constantOf(Ty t, uint32_t v) {
  uint64_t key = (uint64_t(t == Ty::Bool) << 32) | v;
  auto [it, inserted] = constants.try_emplace(key, 0);
  if (!inserted)
    return it->second;
  Val id = newId(Kind::Const, t);
  ids[id].value = v;
  ids[id].text = t == Ty::Bool ? (v ? "true" : "false") : std::to_string(v) + "u";
  return it->second = id;
}

Val WgslKernelBuilder::u32(uint32_t v) { return constantOf(Ty::U32, v); }
Val WgslKernelBuilder::boolean(bool v) { return constantOf(Ty::Bool, v); }

Val WgslKernelBuilder::protocol(PV v) {
  unsigned i = static_cast<unsigned>(v);
  if (overrideNames[i].empty())
    return u32(sema.protocol[v]);
  overrideUsed[i] = true;
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
    ids[builtinIds[i]].text = kBuiltins[i].global;
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
    return let(result, infix(op) + "(" + ref(a) + ", " + ref(b) + ")");
  return let(result, ref(a) + " " + infix(op) + " " + ref(b));
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

//===-- Memory -------------------------------------------------------------===//

std::string WgslKernelBuilder::bufferName(const BufferDecl *buf) {
  auto it = bufferNames.find(buf);
  if (it == bufferNames.end()) {
    fail("WGSL: a buffer Sema did not record");
    return "?";
  }
  bufferUsed[buf] = true;
  return it->second;
}

kernel::Ptr WgslKernelBuilder::element(const BufferDecl *buf, Val index) {
  kernel::Ptr p = newId(Kind::Ptr);
  ids[p].buf = buf;
  ids[p].text = ref(index);
  return p;
}

std::string WgslKernelBuilder::place(kernel::Ptr p) {
  return "&" + bufferName(ids[p].buf) + "[" + ids[p].text + "]";
}

bool WgslKernelBuilder::readWrite(kernel::Ptr p) const {
  return ids[p].buf->access == Access::ReadWrite;
}

Val WgslKernelBuilder::load(kernel::Ptr p) {
  if (!readWrite(p)) // array<u32>: no atomics there
    return let(Ty::U32, bufferName(ids[p].buf) + "[" + ids[p].text + "]");
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

//===-- Subgroups ----------------------------------------------------------===//

Val WgslKernelBuilder::group(kernel::GroupOp op, llvm::ArrayRef<Val> x) {
  using G = kernel::GroupOp;
  if (!plan.subgroupLoop())
    fail("WGSL: a subgroup operation in a module without subgroups");
  unsigned want = op == G::Elect ? 0 : op == G::Shuffle ? 2 : 1;
  if (x.size() != want) {
    fail("WGSL: a subgroup operation with the wrong number of operands");
    return u32(0);
  }
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

void WgslKernelBuilder::subgroupBarrier() {
  stmt("// subgroup barrier: WGSL has none (docs/protocol.md, \"WebGPU\")");
}

//===-- Variables ----------------------------------------------------------===//

kernel::Var WgslKernelBuilder::local(Ty t) {
  kernel::Var v = newId(Kind::Var, t);
  if (stack.empty()) {
    fail("WGSL: a variable outside a function");
    return v;
  }
  // Hoisted: a variable declared in a nested block may be used after it
  // (SPIR-V's OpVariables live at the function's start too). WGSL
  // zero-initializes it.
  fn().vars += "  var " + ref(v) + ": " + wgslType(t).str() + ";\n";
  return v;
}

Val WgslKernelBuilder::get(kernel::Var v) { return let(ids[v].ty, ref(v)); }

void WgslKernelBuilder::set(kernel::Var v, Val x) {
  stmt(ref(v) + " = " + ref(x) + ";");
}

void WgslKernelBuilder::name(uint32_t id, llvm::StringRef n) {
  if (id == 0 || id >= ids.size())
    return fail("WGSL: name() of an unknown id");
  Entity &e = ids[id];
  if (e.kind == Kind::Fn)
    e.name = names.unique(n);
  else if (e.kind == Kind::Let || e.kind == Kind::Var || e.kind == Kind::Param)
    e.name = identifierChars(n); // after `_vN_`: valid and unique as is
}

//===-- Control flow -------------------------------------------------------===//

bool WgslKernelBuilder::open() const {
  return !stack.empty() && stack.back()->isOpen;
}

void WgslKernelBuilder::ifElse(Val cond, llvm::function_ref<void()> thenBody,
                               llvm::function_ref<void()> elseBody) {
  Function &f = fn();
  stmt("if " + ref(cond) + " {");
  ++f.depth;
  f.isOpen = true;
  thenBody();
  bool reached = f.isOpen;
  --f.depth;
  if (elseBody) {
    stmt("} else {");
    ++f.depth;
    f.isOpen = true;
    elseBody();
    reached |= f.isOpen;
    --f.depth;
  } else {
    reached = true;
  }
  stmt("}");
  // Every arm left (a break): what follows is unreachable.
  f.isOpen = reached;
}

void WgslKernelBuilder::loop(llvm::function_ref<Val()> header,
                             llvm::function_ref<void()> body,
                             llvm::function_ref<void()> continuing) {
  Function &f = fn();
  stmt("loop {");
  ++f.depth;
  f.breakables.push_back(Breakable::loop());
  Val more = header();
  // No `break` for a constant true: WGSL's behaviour analysis then knows
  // the loop does not end, as SPIR-V's does.
  if (constant(more) != std::optional<uint32_t>(1))
    stmt("if !" + ref(more) + " { break; }");
  f.isOpen = true;
  // The body is not a block of its own: the continuing part sees its lets.
  body();
  size_t before = f.body.size();
  stmt("continuing {");
  size_t opened = f.body.size();
  ++f.depth;
  f.isOpen = true;
  continuing();
  --f.depth;
  if (f.body.size() == opened)
    f.body.resize(before); // nothing to continue with
  else
    stmt("}");
  kernel::Var flag = f.breakables.back().flag;
  f.breakables.pop_back();
  --f.depth;
  stmt("}");
  if (flag) // for the next time this loop runs
    set(flag, boolean(false));
  f.isOpen = true;
}

int WgslKernelBuilder::innermostLoop() {
  auto &bs = fn().breakables;
  for (int i = static_cast<int>(bs.size()) - 1; i >= 0; --i)
    if (bs[i].isLoop)
      return i;
  return -1;
}

void WgslKernelBuilder::leaveLoop(Val cond) {
  int l = innermostLoop();
  if (l < 0)
    return fail("WGSL: a break outside a loop");
  Function &f = fn();
  std::string then = "break;";
  if (static_cast<size_t>(l) + 1 != f.breakables.size()) {
    // Inside a switch, where `break` leaves the switch: set the loop's
    // flag, which each switch on the way out tests (switchOn).
    Breakable &lp = f.breakables[l];
    if (!lp.flag)
      lp.flag = local(Ty::Bool);
    for (size_t i = l + 1; i < f.breakables.size(); ++i)
      f.breakables[i].leavesLoop = true;
    then = ref(lp.flag) + " = true; break;";
  }
  if (cond)
    stmt("if " + ref(cond) + " { " + then + " }");
  else
    stmt(then);
  f.isOpen = false;
}

void WgslKernelBuilder::breakLoop() { leaveLoop(0); }
void WgslKernelBuilder::breakIf(Val cond) { leaveLoop(cond); }

void WgslKernelBuilder::switchOn(Val sel, llvm::ArrayRef<uint32_t> values,
                                 llvm::function_ref<bool(size_t)> hasBody,
                                 llvm::function_ref<void(size_t)> body,
                                 llvm::function_ref<void()> otherwise) {
  Function &f = fn();
  if (values.size() > maxSwitchCases())
    fail("WGSL: a switch over more than maxSwitchCases() values");
  stmt("switch " + ref(sel) + " {");
  ++f.depth;
  f.breakables.push_back(Breakable::switchStmt());
  // Values without a body do nothing; left out, they would reach default.
  std::string empty;
  for (size_t i = 0; i < values.size(); ++i)
    if (!hasBody(i))
      empty += (empty.empty() ? "" : ", ") + std::to_string(values[i]) + "u";
  if (!empty.empty())
    stmt("case " + empty + ": {}");
  auto clause = [&](const llvm::Twine &label, llvm::function_ref<void()> run) {
    size_t before = f.body.size();
    stmt(label + ": {");
    size_t opened = f.body.size();
    ++f.depth;
    f.isOpen = true;
    run();
    --f.depth;
    if (f.body.size() != opened)
      return stmt("}");
    f.body.resize(before);
    stmt(label + ": {}");
  };
  for (size_t i = 0; i < values.size(); ++i)
    if (hasBody(i))
      clause("case " + llvm::Twine(values[i]) + "u", [&] { body(i); });
  clause("default", otherwise);
  bool leaves = f.breakables.back().leavesLoop;
  f.breakables.pop_back();
  --f.depth;
  stmt("}");
  f.isOpen = true;
  if (leaves) {
    int l = innermostLoop();
    stmt("if " + ref(f.breakables[l].flag) + " { break; }");
  }
}

//===-- Functions ----------------------------------------------------------===//

kernel::Fn WgslKernelBuilder::declare() { return newId(Kind::Fn); }

void WgslKernelBuilder::define(
    kernel::Fn f, llvm::StringRef fnName, unsigned params,
    std::optional<Ty> ret, kernel::Inline,
    llvm::ArrayRef<llvm::StringRef> paramNames,
    llvm::function_ref<void(llvm::ArrayRef<Val>)> body) {
  // (WGSL has no inlining control: Inline::Never says nothing here.)
  if (f == 0 || f >= ids.size() || ids[f].kind != Kind::Fn)
    return fail("WGSL: define() of an id declare() did not give");
  ids[f].name = names.unique(fnName);
  auto state = std::make_unique<Function>();
  llvm::SmallVector<Val, 5> args;
  std::string header = "fn " + ref(f) + "(";
  for (unsigned i = 0; i < params; ++i) {
    Val p = newId(Kind::Param);
    if (i < paramNames.size())
      ids[p].name = identifierChars(paramNames[i]);
    args.push_back(p);
    header += (i ? ", " : "") + ref(p) + ": u32";
  }
  header += ")";
  if (ret)
    header += " -> " + wgslType(*ret).str();
  state->header = header + " {\n";
  stack.push_back(std::move(state));
  body(args);
  Function &done = fn();
  functions.push_back(done.header + done.vars + done.body + "}\n");
  stack.pop_back();
}

Val WgslKernelBuilder::call(kernel::Fn f, std::optional<Ty> ret,
                            llvm::ArrayRef<Val> args) {
  std::string text = ref(f) + "(";
  for (size_t i = 0; i < args.size(); ++i)
    text += (i ? ", " : "") + ref(args[i]);
  text += ")";
  if (ret)
    return let(*ret, text);
  stmt(text + ";");
  return 0;
}

void WgslKernelBuilder::returnValue(Val v) {
  stmt("return " + ref(v) + ";");
  fn().isOpen = false;
}

//===-- The module ---------------------------------------------------------===//

void WgslKernelBuilder::entryPoint(kernel::Fn loop, unsigned shard) {
  if (loop == 0 || loop >= ids.size() || ids[loop].kind != Kind::Fn ||
      shard >= entryNames.size())
    return fail("WGSL: an entry point that is not a shard's function");
  // The kernel's own function of that name gives the name up.
  ids[loop].name =
      names.unique(plan.shards.shards[shard].entryPoint + "_loop");
  std::string params, copies;
  for (unsigned b = 0; b < 3; ++b) {
    if (!builtinUsed[b])
      continue;
    const BuiltinInfo &info = kBuiltins[b];
    params += (params.empty() ? "" : ", ") + std::string("@builtin(") +
              info.attribute + ") " + info.param + ": " + info.type;
    copies += std::string("  ") + info.global + " = " + info.param +
              info.component + ";\n";
  }
  unsigned wg = static_cast<unsigned>(PV::kernel_WORKGROUP_SIZE);
  std::string size = overrideNames[wg];
  if (size.empty())
    size = std::to_string(sema.protocol[PV::kernel_WORKGROUP_SIZE]) + "u";
  else
    overrideUsed[wg] = true;
  entries.push_back("@compute @workgroup_size(" + size + ")\nfn " +
                    entryNames[shard] +
                    "(" + params + ") {\n" + copies + "  " + ref(loop) +
                    "();\n}\n");
}

std::string WgslKernelBuilder::resolve(llvm::StringRef text) const {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    size_t at = text.find(kMarkBegin);
    out += text.take_front(at);
    if (at == llvm::StringRef::npos)
      break;
    text = text.drop_front(at + 1);
    size_t end = text.find(kMarkEnd);
    uint32_t id = 0;
    text.take_front(end).getAsInteger(10, id);
    out += identifier(id);
    text = text.drop_front(end + 1);
  }
  return out;
}

llvm::Expected<WgslModule> WgslKernelBuilder::finish() {
  for (size_t id = 1; id < ids.size(); ++id)
    if (ids[id].kind == Kind::Fn && ids[id].name.empty())
      fail("WGSL: a function declared but never defined");
  if (!stack.empty())
    fail("WGSL: a function still being defined");
  if (entries.size() != entryNames.size())
    fail("WGSL: a shard without an entry point");
  if (!error.empty())
    return llvm::createStringError(llvm::inconvertibleErrorCode(), error);

  WgslModule m;
  std::string out;
  if (plan.subgroupLoop()) {
    // The skeletons run subgroup operations where the lanes diverge on
    // purpose (docs/protocol.md): WGSL's uniformity analysis cannot see
    // that, as SPIR-V's non-uniform operations need not.
    out += "enable subgroups;\ndiagnostic(off, subgroup_uniformity);\n\n";
    m.features.push_back("subgroups");
  }
  // The overrides by id, as a host's GPUProgrammableStage.constants names
  // them.
  std::vector<unsigned> used;
  for (unsigned i = 0; i < kNumProtocolValues; ++i)
    if (overrideUsed[i])
      used.push_back(i);
  llvm::sort(used, [](unsigned a, unsigned b) {
    return protocolTable()[a].specId < protocolTable()[b].specId;
  });
  for (unsigned i : used) {
    WgslModule::Override o;
    o.id = static_cast<uint32_t>(protocolTable()[i].specId);
    o.name = overrideNames[i];
    o.value = static_cast<PV>(i);
    o.defaultValue = sema.protocol[o.value];
    out += "@id(" + std::to_string(o.id) + ") override " + o.name +
           ": u32 = " + std::to_string(o.defaultValue) + "u;\n";
    m.overrides.push_back(std::move(o));
  }
  if (oobUsed)
    bufferName(sema.control);
  for (const BufferDecl *d : sema.buffers) {
    if (!bufferUsed.lookup(d))
      continue;
    WgslModule::Binding b{d->setValue, d->bindingValue, bufferNames[d],
                          d->access == Access::Read, d};
    out += "@group(" + std::to_string(b.set) + ") @binding(" +
           std::to_string(b.binding) + ") var<storage, " +
           (b.readOnly ? "read> " + b.name + ": array<u32>;\n"
                       : "read_write> " + b.name + ": array<atomic<u32>>;\n");
    m.bindings.push_back(std::move(b));
  }
  m.storageBuffersPerStage = static_cast<unsigned>(m.bindings.size());
  for (unsigned b = 0; b < 3; ++b)
    if (builtinUsed[b])
      out += std::string("var<private> ") + kBuiltins[b].global + ": u32;\n";
  for (const std::string &f : functions)
    out += "\n" + resolve(f);
  if (oobUsed)
    out += "\n// Out of range (docs/protocol.md, \"Robustness\").\nfn " +
           oobName + "() {\n  atomicAdd(&" + bufferNames[sema.control] +
           "[" +
           std::to_string(sema.protocol[PV::control_OUT_OF_BOUNDS_COUNT]) +
           "u], 1u);\n}\n";
  for (const std::string &e : entries)
    out += "\n" + resolve(e);
  m.entryPoints = entryNames;
  m.text = std::move(out);
  return m;
}
