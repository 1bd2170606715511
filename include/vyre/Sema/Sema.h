//===- Sema.h - semantic validation of a loaded Module -------------------===//
//
// The passes run in a fixed order (docs/validation.md, "Pass order"): names,
// depth, types, constants and protocol, buffers, opcodes, bounds, loops. They
// fill in the IR in place (types, resolved names, constant values) and
// produce a SemaResult that the emitter, the manifest writer and the
// interpreter read.
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_SEMA_SEMA_H
#define VYRE_SEMA_SEMA_H

#include "vyre/Basic/Diagnostics.h"
#include "vyre/IR/IR.h"
#include "vyre/Protocol/Protocol.h"

#include "llvm/Support/Error.h"

#include <string>
#include <utility>
#include <vector>

namespace vyre {

struct SemaOptions {
  /// `-D NAME=VALUE`: overrides the `const` of that name (in any file), or
  /// defines a new one (owned by the root file, not printed by --emit=ir).
  std::vector<std::pair<std::string, uint32_t>> defines;
};

/// Adds one `-D` option's text, NAME=VALUE (VALUE a u32 literal) or NAME
/// (meaning 1), to \p opts.defines; the error says what is wrong with it.
/// vyrec and vyre-interp share it.
llvm::Error addDefine(llvm::StringRef text, SemaOptions &opts);

/// What validation proved about a module; valid only if runSema succeeded.
struct SemaResult {
  ProtocolValues protocol;
  /// Every handler of every file, prelude first, sorted by opcode value.
  std::vector<const HandlerDecl *> handlers;
  /// Every buffer, sorted by (set, binding).
  std::vector<const BufferDecl *> buffers;
  /// The four protocol buffers, by role.
  const BufferDecl *control = nullptr, *ringBuffer = nullptr,
                   *debugLog = nullptr, *ioQueue = nullptr;
  /// The completion mirror (a buffer named "completions"), or null: the
  /// kernel stores status.DONE into completions[slot] after each slot's
  /// DONE (docs/protocol.md, "The completion mirror").
  const BufferDecl *completions = nullptr;
  /// Some handler stores to the ring buffer or updates it atomically, so a
  /// slot may become PUBLISHED while the kernel runs by the kernel's own
  /// hand (the subgroup skeletons' leave rule, docs/protocol.md).
  bool handlersWriteRing = false;

  /// The field above that holds the buffer of protocol role \p r.
  const BufferDecl *&protocolBuffer(BufferRole r);
  /// \p d's role: a protocol buffer's, the completion mirror's, or User.
  BufferRole roleOf(const BufferDecl *d) const;
};

/// Runs every pass. Returns false if any error was reported.
bool runSema(Module &module, DiagnosticEngine &diags, SemaResult &result,
             const SemaOptions &opts = {});

} // namespace vyre

#endif
