//===- ResponseFiles.h - @FILE arguments ----------------------------------===//
//
// clang and gcc replace an argument `@FILE` by the arguments written in
// FILE before parsing options. LLVM's cl::ExpandResponseFiles only says
// that something failed; vyrec names the file and the reason.
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_BASIC_RESPONSEFILES_H
#define VYRE_BASIC_RESPONSEFILES_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/StringSaver.h"

namespace vyre {

/// Replaces every `@FILE` in \p args (after args[0], the program name) by
/// FILE's arguments, split with gcc/clang quoting, recursively; a nested
/// `@FILE` is relative to the directory of the file that names it. A file
/// that cannot be read, or that includes itself, is an error naming it.
llvm::Error expandResponseFiles(llvm::SmallVectorImpl<const char *> &args,
                                llvm::StringSaver &saver);

} // namespace vyre

#endif
