//===- PassManager.cpp - runs the validation passes in their fixed order --===//
//
// The order matters: each pass relies on what the earlier ones filled in
// (names resolved before types, types before folding, values before the
// checks that compare them). A pass that finds errors does not stop the
// later ones: each pass skips what is already broken (an Unknown type, a
// missing value), so one mistake gives one diagnostic. Only hitting the
// error cap, or an expression too deep for the recursive passes (the Depth
// pass), stops the pipeline.
//
//===----------------------------------------------------------------------===//
#include "SemaContext.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Format.h"

#include <algorithm>

using namespace vyre;
using namespace vyre::sema;

//===-- SemaContext helpers -------------------------------------------------===//

llvm::SMLoc SemaContext::fileStart(const SourceFile &f) const {
  return llvm::SMLoc::getFromPointer(
      diags.sourceMgr().getMemoryBuffer(f.bufferId)->getBufferStart());
}

bool SemaContext::hasPrelude() const {
  for (const auto &f : module.files)
    if (f->isPrelude)
      return true;
  return false;
}

bool SemaContext::privileged(const SourceFile &f) const {
  return f.isPrelude || !hasPrelude();
}

const std::vector<HandlerAccesses> &SemaContext::handlerAccesses() {
  if (accessesCache)
    return *accessesCache;
  accessesCache.emplace();
  for (auto &f : module.files)
    for (auto &h : f->handlers) {
      HandlerAccesses &a = accessesCache->emplace_back();
      if (!h->body)
        continue;
      walkStmts(*h->body, [&](Stmt &s) {
        if (auto *st = llvm::dyn_cast<StoreStmt>(&s))
          a.stores.push_back(st);
        forEachOwnExpr(s, [&](Expr &top) {
          walkPreOrder(top, [&](Expr &e) {
            if (llvm::isa<LoadExpr>(e) || llvm::isa<AtomicExpr>(e))
              a.loadsAndAtomics.push_back(&e);
          });
        });
      });
    }
  return *accessesCache;
}

llvm::SMLoc SemaContext::protocolLoc(PV v) const {
  if (const ProtocolEntry *e = protocolFinal[static_cast<unsigned>(v)])
    return e->loc;
  return fileStart(rootFile());
}

llvm::SMLoc SemaContext::protocolLoc(std::initializer_list<PV> vs) const {
  const ProtocolEntry *best = nullptr;
  unsigned bestFile = 0;
  for (PV v : vs) {
    const ProtocolEntry *e = protocolFinal[static_cast<unsigned>(v)];
    if (!e)
      continue;
    unsigned file = protocolEntryFile.lookup(e);
    if (!best || file > bestFile) {
      best = e;
      bestFile = file;
    }
  }
  return best ? best->loc : fileStart(rootFile());
}

llvm::SMLoc vyre::sema::exprStart(const Expr &e) {
  if (auto *b = llvm::dyn_cast<BinaryExpr>(&e))
    if (b->op != BinaryOp::Min && b->op != BinaryOp::Max && b->lhs)
      return exprStart(*b->lhs);
  return e.loc;
}

std::string vyre::sema::protocolName(PV v) {
  const ProtocolInfo &info = protocolInfo(v);
  return (info.group + "." + info.key).str();
}

std::string vyre::sema::hex(uint32_t v) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << llvm::format_hex(v, 2, /*Upper=*/true);
  os.flush();
  // format_hex upper-cases the 0X prefix too; keep it lower case.
  if (s.size() > 1)
    s[1] = 'x';
  return s;
}

std::string vyre::sema::closestMatch(llvm::StringRef name,
                                     const std::vector<std::string> &candidates) {
  std::string best;
  unsigned bestDist = ~0u;
  unsigned limit = std::max<unsigned>(1, name.size() / 3);
  for (const std::string &c : candidates) {
    if (c == name)
      continue;
    unsigned d = name.edit_distance(c, /*AllowReplacements=*/true, limit + 1);
    // Case-only differences (arg0 vs ARG0) count as close too.
    if (name.equals_insensitive(c))
      d = 0;
    if (d <= limit && d < bestDist) {
      bestDist = d;
      best = c;
    }
  }
  return best;
}

//===-- Walkers -------------------------------------------------------------===//

void vyre::sema::forEachItemExpr(Module &m,
                                 llvm::function_ref<void(Expr &)> fn) {
  for (auto &f : m.files) {
    for (auto &c : f->consts)
      if (c->init)
        fn(*c->init);
    for (auto &block : f->protocolBlocks)
      for (ProtocolEntry &e : block)
        if (e.value)
          fn(*e.value);
    for (auto &h : f->handlers)
      if (h->opcode)
        fn(*h->opcode);
    for (auto &b : f->buffers)
      for (ExprPtr *p : {&b->size, &b->set, &b->binding})
        if (*p)
          fn(**p);
  }
}

//===-- SemaResult ----------------------------------------------------------===//

const BufferDecl *&SemaResult::protocolBuffer(BufferRole r) {
  switch (r) {
  case BufferRole::Control: return control;
  case BufferRole::Ring: return ringBuffer;
  case BufferRole::DebugLog: return debugLog;
  case BufferRole::IoQueue: return ioQueue;
  case BufferRole::Completions: return completions;
  case BufferRole::User: break;
  }
  llvm_unreachable("User is no protocol buffer role");
}

BufferRole SemaResult::roleOf(const BufferDecl *d) const {
  for (BufferRole r : kBufferRoles)
    if (d && d == const_cast<SemaResult *>(this)->protocolBuffer(r))
      return r;
  return BufferRole::User;
}

//===-- Options -------------------------------------------------------------===//

llvm::Error vyre::addDefine(llvm::StringRef text, SemaOptions &opts) {
  auto [name, value] = text.split('=');
  if (!isIdentifier(name))
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "-D " + text + ": NAME must be an identifier ([A-Za-z_][A-Za-z0-9_]*)");
  unsigned long long v = 1;
  if (text.contains('=') && value.getAsInteger(0, v))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "-D " + text + ": value must be a u32 literal");
  if (v > 0xFFFFFFFFull)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "-D " + text + ": value does not fit in u32");
  opts.defines.emplace_back(name.str(), static_cast<uint32_t>(v));
  return llvm::Error::success();
}

//===-- The pass manager ----------------------------------------------------===//

namespace {
struct Pass {
  const char *name;
  void (*run)(SemaContext &);
};
// Documented in docs/validation.md ("Pass order").
constexpr Pass kPasses[] = {
    {"names", runNameResolution}, {"depth", runDepthCheck},
    {"types", runTypeCheck},
    {"constants", runConstEval},  {"buffers", runBufferChecks},
    {"opcodes", runOpcodeChecks}, {"bounds", runBoundsChecks},
    {"loops", runLoopChecks},
};
} // namespace

bool vyre::runSema(Module &module, DiagnosticEngine &diags, SemaResult &result,
                   const SemaOptions &opts) {
  if (module.files.empty())
    return !diags.hasErrors();
  SemaContext ctx(module, diags, result, opts);
  diags.setAnnotator(makeOverrideNoter(ctx));
  for (const Pass &p : kPasses) {
    if (diags.tooManyErrors() || ctx.tooDeep)
      break;
    p.run(ctx);
  }
  diags.setAnnotator(nullptr);

  // The result tables: handlers by opcode, buffers by (set, binding). Ties
  // (only possible in an invalid module) keep source order.
  result.handlers.clear();
  result.buffers.clear();
  for (auto &f : module.files) {
    for (auto &h : f->handlers)
      result.handlers.push_back(h.get());
    for (auto &b : f->buffers)
      result.buffers.push_back(b.get());
  }
  std::stable_sort(result.handlers.begin(), result.handlers.end(),
                   [](const HandlerDecl *a, const HandlerDecl *b) {
                     return a->opcodeValue.value_or(0) <
                            b->opcodeValue.value_or(0);
                   });
  std::stable_sort(result.buffers.begin(), result.buffers.end(),
                   [](const BufferDecl *a, const BufferDecl *b) {
                     return std::make_pair(a->setValue, a->bindingValue) <
                            std::make_pair(b->setValue, b->bindingValue);
                   });
  return !diags.hasErrors();
}
