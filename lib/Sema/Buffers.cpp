//===- Buffers.cpp - pass 5: bindings, access and the protocol buffers ----===//
//
// Two buffers may not share a (set, binding); stores and writing atomics
// need a read_write buffer; a plain load of a buffer that some handler
// updates atomically is a warning (buffer granularity); the four protocol
// buffers must exist as u32, read_write, atomic buffers.
//
//===----------------------------------------------------------------------===//
#include "SemaContext.h"

#include <map>

using namespace vyre;
using namespace vyre::sema;

namespace {

bool writes(AtomicOp op) { return op != AtomicOp::Load; }

} // namespace

void vyre::sema::runBufferChecks(SemaContext &ctx) {
  DiagnosticEngine &diags = ctx.diags;

  // (set, binding) must be unique.
  std::map<std::pair<uint32_t, uint32_t>, const BufferDecl *> bindings;
  for (auto &f : ctx.module.files)
    for (auto &b : f->buffers) {
      if ((b->set && !b->set->constValue) || !b->binding ||
          !b->binding->constValue)
        continue; // not evaluated: already reported
      if (ctx.buffers.lookup(b->name) != b.get())
        continue; // a redefinition: already reported
      auto key = std::make_pair(b->setValue, b->bindingValue);
      auto [it, inserted] = bindings.try_emplace(key, b.get());
      if (!inserted) {
        diags.error(b->loc, "buffer '" + b->name + "' uses set " +
                                llvm::Twine(key.first) + ", binding " +
                                llvm::Twine(key.second) + ", which buffer '" +
                                it->second->name + "' already uses");
        diags.note(it->second->loc, "'" + it->second->name +
                                        "' is declared here");
      }
    }

  // Writes to read-only buffers; where each buffer is first updated
  // atomically.
  llvm::DenseMap<const BufferDecl *, llvm::SMLoc> atomicWrite;
  auto readOnly = [&](const BufferRef &ref, llvm::SMLoc loc,
                      const llvm::Twine &what) {
    if (!ref.decl || ref.decl->access != Access::Read)
      return;
    diags.error(loc, what + " buffer '" + ref.name +
                         "', which is declared 'read'");
    diags.note(ref.decl->loc, "'" + ref.name + "' is declared here");
  };
  // Each handler's stores first, then its atomics, in source order; the
  // loads wait until every handler's atomics are known.
  std::vector<const LoadExpr *> loads;
  for (const HandlerAccesses &h : ctx.handlerAccesses()) {
    for (const StoreStmt *st : h.stores)
      readOnly(st->buffer, st->buffer.loc, "cannot store to");
    for (const Expr *e : h.loadsAndAtomics) {
      if (auto *l = llvm::dyn_cast<LoadExpr>(e)) {
        if (l->buffer.decl)
          loads.push_back(l);
        continue;
      }
      auto *a = llvm::cast<AtomicExpr>(e);
      if (!writes(a->op))
        continue;
      readOnly(a->buffer, a->loc, spelling(a->op) + " writes to");
      if (a->buffer.decl)
        atomicWrite.try_emplace(a->buffer.decl, a->loc);
    }
  }

  // Plain loads of atomically updated buffers.
  for (const LoadExpr *l : loads) {
    auto it = atomicWrite.find(l->buffer.decl);
    if (it == atomicWrite.end())
      continue;
    diags.warning(DiagGroup::AtomicPlainLoad, l->loc, "buffer '" + l->buffer.name +
                              "' is updated atomically; this plain load "
                              "may see a torn or stale value; use "
                              "atomic_load");
    diags.note(it->second, "'" + l->buffer.name +
                               "' is updated atomically here");
  }

  // The protocol buffers.
  llvm::SMLoc rootStart = ctx.fileStart(ctx.rootFile());
  for (BufferRole role : kProtocolBufferRoles) {
    llvm::StringRef name = spelling(role);
    auto it = ctx.buffers.find(name);
    if (it == ctx.buffers.end()) {
      diags.error(rootStart, llvm::Twine("missing protocol buffer '") +
                                 name + "' (the prelude declares it; was "
                                           "the prelude left out?)");
      continue;
    }
    const BufferDecl *b = it->second;
    ctx.result.protocolBuffer(role) = b;
    if (b->elementType != Type::U32)
      diags.error(b->elementTypeLoc, llvm::Twine("protocol buffer '") +
                                         name + "' must hold u32 words");
    if (b->access != Access::ReadWrite)
      diags.error(b->loc, llvm::Twine("protocol buffer '") + name +
                              "' must be read_write");
    if (!b->atomic)
      diags.error(b->loc, llvm::Twine("protocol buffer '") + name +
                              "' must be declared 'atomic'");
  }
}
