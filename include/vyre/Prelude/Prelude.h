//===- Prelude.h - the built-in handlers, compiled into vyrec ------------===//
#ifndef VYRE_PRELUDE_PRELUDE_H
#define VYRE_PRELUDE_PRELUDE_H

#include "llvm/ADT/StringRef.h"

namespace vyre {
/// The text of lib/Prelude/builtins.vyre, embedded at build time so the
/// compiler never depends on where it was installed.
llvm::StringRef preludeSource();
/// The name diagnostics show for the embedded prelude.
llvm::StringRef preludeBufferName();
} // namespace vyre

#endif
