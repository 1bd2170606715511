//===- OutputFile.h - all-or-nothing output files ------------------------===//
#ifndef VYRE_BASIC_OUTPUTFILE_H
#define VYRE_BASIC_OUTPUTFILE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace vyre {
/// Writes \p bytes to \p path ("-" is standard output) through a temporary
/// file in the same directory that is renamed over \p path only once fully
/// written, so a failed or interrupted compile never leaves a half file.
llvm::Error writeFileAtomically(llvm::StringRef path, llvm::StringRef bytes);
} // namespace vyre

#endif
