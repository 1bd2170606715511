//===- WgslControlFlow.cpp - WGSL's structured statements and functions --===//
//
// if/else, loop with its continuing part, break (through a flag out of a
// switch, where WGSL's `break` leaves the switch), switch, and the
// functions, each collected as text when its definition ends.
//
//===----------------------------------------------------------------------===//
#include "WgslKernelBuilder.h"

using namespace vyre;
using namespace vyre::wgsl;
using kernel::Val;
using Ty = kernel::Ty;

//===-- Control flow ------------------------------------------------------===//

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
  f.breakables.back().continuingDepth = f.depth;
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
  if (unsigned at = f.breakables[l].continuingDepth) {
    // WGSL's continuing block leaves only by `break if`, its last
    // statement.
    if (static_cast<size_t>(l) + 1 != f.breakables.size() || f.depth != at)
      return fail("WGSL: a break nested inside a loop's continuing part");
    stmt("break if " + ref(cond ? cond : boolean(true)) + ";");
    f.isOpen = false;
    return;
  }
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

//===-- Functions ---------------------------------------------------------===//

kernel::Fn WgslKernelBuilder::declare() { return newId(Kind::Fn); }

void WgslKernelBuilder::define(
    kernel::Fn f, llvm::StringRef fnName, unsigned params,
    std::optional<Ty> ret, kernel::Inline,
    llvm::ArrayRef<llvm::StringRef> paramNames,
    llvm::function_ref<void(llvm::ArrayRef<Val>)> body) {
  // (WGSL has no inlining control: Inline::Never says nothing here.)
  if (f == 0 || f >= ids.size() || ids[f].kind != Kind::Fn)
    return fail("WGSL: define() of an id declare() did not give");
  readable[f] = names.unique(fnName);
  ids[f].value = 1; // defined
  auto state = std::make_unique<Function>();
  llvm::SmallVector<Val, 5> args;
  std::string header = "fn " + ref(f) + "(";
  for (unsigned i = 0; i < params; ++i) {
    Val p = newId(Kind::Param);
    if (i < paramNames.size())
      readable[p] = identifierChars(paramNames[i]);
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
  std::string text = std::move(done.header);
  text.reserve(text.size() + 24 * done.locals.size() + done.body.size() + 2);
  for (kernel::Var v : done.locals) {
    text += "  var ";
    appendIdentifier(v, text);
    text += ": ";
    text += wgslType(ids[v].ty);
    text += ";\n";
  }
  text += done.body;
  text += "}\n";
  functions.push_back(std::move(text));
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
