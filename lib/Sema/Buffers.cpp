//===- Buffers.cpp - pass 5: bindings, access and the protocol buffers ----===//
//
// Two buffers may not share a (set, binding); stores and writing atomics
// need a read_write buffer; a plain load of a buffer that some handler
// updates atomically is a warning (buffer granularity); the four protocol
// buffers must exist as u32, read_write, atomic buffers, and so must the
// completion mirror where a module declares one (no handler may write
// it); a user buffer no handler touches is a warning (the module declares
// it and the host must still bind it).
//
//===----------------------------------------------------------------------===//
#include "SemaContext.h"

#include "llvm/ADT/DenseSet.h"

#include <map>

using namespace vyre;
using namespace vyre::sema;

namespace {

bool writes(AtomicOp op) { return op != AtomicOp::Load; }

/// -Wunused-buffer: a buffer declared outside the prelude, not one of the
/// protocol buffers, that no handler of any file names. -O keeps it
/// (Validate.cpp), so the manifest still lists it and a host must bind a
/// buffer nothing reads: almost always a leftover or a misspelt handler.
/// Not after an error (as clang's unused-declaration warnings): no module
/// is written then, and a declaration that failed is already reported.
void warnUnusedBuffers(SemaContext &ctx) {
  if (ctx.diags.hasErrors())
    return;
  llvm::DenseSet<const BufferDecl *> used;
  auto use = [&](const BufferRef &ref) {
    if (ref.decl)
      used.insert(ref.decl);
  };
  for (const HandlerAccesses &h : ctx.handlerAccesses()) {
    for (const StoreStmt *st : h.stores)
      use(st->buffer);
    for (const Expr *e : h.loadsAndAtomics) {
      if (auto *l = llvm::dyn_cast<LoadExpr>(e))
        use(l->buffer);
      else
        use(llvm::cast<AtomicExpr>(e)->buffer);
    }
  }
  for (auto &f : ctx.module.files) {
    if (f->isPrelude)
      continue;
    for (auto &b : f->buffers) {
      if (used.count(b.get()) || ctx.buffers.lookup(b->name) != b.get())
        continue; // used, or a redefinition (already an error)
      bool protocol = false;
      for (BufferRole role : kBufferRoles)
        protocol |= ctx.result.protocolBuffer(role) == b.get();
      if (protocol)
        continue;
      ctx.diags.warning(DiagGroup::UnusedBuffer, b->loc,
                        "buffer '" + b->name +
                            "' is not used by any handler; the module still "
                            "declares it and a host must bind it");
    }
  }
}


/// Where each buffer is first updated atomically.
using AtomicWrites = llvm::DenseMap<const BufferDecl *, llvm::SMLoc>;

/// (set, binding) must be unique.
void checkUniqueBindings(SemaContext &ctx) {
  DiagnosticEngine &diags = ctx.diags;
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
}

/// Stores and writing atomics need a read_write buffer and may not write
/// the completion mirror; returns where each buffer is first updated
/// atomically.
AtomicWrites checkWrites(SemaContext &ctx) {
  DiagnosticEngine &diags = ctx.diags;
  AtomicWrites atomicWrite;
  auto readOnly = [&](const BufferRef &ref, llvm::SMLoc loc,
                      const llvm::Twine &what) {
    if (!ref.decl || ref.decl->access != Access::Read)
      return;
    diags.error(loc, what + " buffer '" + ref.name +
                         "', which is declared 'read'");
    diags.note(ref.decl->loc, "'" + ref.name + "' is declared here");
  };
  // What a handler's write means for the kernel's own buffers (by name:
  // they are recorded later, checkProtocolBuffers and
  // checkCompletionsBuffer): a write to the ring may publish a slot; the
  // completion mirror is the kernel's alone, since a handler's write could
  // make the host take a slot in flight for DONE and publish over it.
  auto kernelBufferWrite = [&](const BufferRef &ref, llvm::SMLoc loc) {
    if (!ref.decl)
      return;
    if (ref.decl->name == spelling(BufferRole::Ring))
      ctx.result.handlersWriteRing = true;
    if (ref.decl->name != spelling(BufferRole::Completions))
      return;
    diags.error(loc, "handlers must not write the completion mirror '" +
                         ref.name +
                         "': the kernel stores status.DONE there after each "
                         "slot, and the host recycles a slot it sees DONE");
    diags.note(ref.decl->loc, "'" + ref.name + "' is declared here");
  };
  // Each handler's stores first, then its atomics, in source order.
  for (const HandlerAccesses &h : ctx.handlerAccesses()) {
    for (const StoreStmt *st : h.stores) {
      readOnly(st->buffer, st->buffer.loc, "cannot store to");
      kernelBufferWrite(st->buffer, st->buffer.loc);
    }
    for (const Expr *e : h.loadsAndAtomics) {
      auto *a = llvm::dyn_cast<AtomicExpr>(e);
      if (!a || !writes(a->op))
        continue;
      readOnly(a->buffer, a->loc, spelling(a->op) + " writes to");
      kernelBufferWrite(a->buffer, a->loc);
      if (a->buffer.decl)
        atomicWrite.try_emplace(a->buffer.decl, a->loc);
    }
  }
  return atomicWrite;
}

/// A plain load of a buffer that a handler updates atomically (a warning).
void checkPlainLoads(SemaContext &ctx, const AtomicWrites &atomicWrite) {
  DiagnosticEngine &diags = ctx.diags;
  for (const HandlerAccesses &h : ctx.handlerAccesses())
    for (const Expr *e : h.loadsAndAtomics) {
      auto *l = llvm::dyn_cast<LoadExpr>(e);
      if (!l || !l->buffer.decl)
        continue;
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
}

/// A buffer the kernel's own loop accesses (a protocol buffer, or the
/// completion mirror: \p what) holds u32 words and is read_write and atomic.
void checkKernelWordsShape(DiagnosticEngine &diags, const BufferDecl *b,
                           const llvm::Twine &what) {
  if (b->elementType != Type::U32)
    diags.error(b->elementTypeLoc, what + " must hold u32 words");
  if (b->access != Access::ReadWrite)
    diags.error(b->loc, what + " must be read_write");
  if (!b->atomic)
    diags.error(b->loc, what + " must be declared 'atomic'");
}

/// The protocol buffers exist as u32, read_write, atomic buffers; records
/// them in the result.
void checkProtocolBuffers(SemaContext &ctx) {
  DiagnosticEngine &diags = ctx.diags;
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
    checkKernelWordsShape(diags, b,
                          llvm::Twine("protocol buffer '") + name + "'");
  }
}

/// The completion mirror (docs/protocol.md, "The completion mirror"), if
/// the module declares a buffer named "completions": u32, read_write,
/// atomic (its size: Bounds.cpp; a handler may read it, never write it:
/// checkWrites); records it in the result.
void checkCompletionsBuffer(SemaContext &ctx) {
  llvm::StringRef name = spelling(BufferRole::Completions);
  auto it = ctx.buffers.find(name);
  if (it == ctx.buffers.end())
    return;
  const BufferDecl *b = it->second;
  ctx.result.completions = b;
  checkKernelWordsShape(ctx.diags, b,
                        llvm::Twine("completion mirror '") + name + "'");
}

} // namespace

void vyre::sema::runBufferChecks(SemaContext &ctx) {
  checkUniqueBindings(ctx);
  checkPlainLoads(ctx, checkWrites(ctx));
  checkProtocolBuffers(ctx);
  checkCompletionsBuffer(ctx);
  warnUnusedBuffers(ctx);
}
