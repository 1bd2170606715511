//===- OutputFile.h - all-or-nothing output files ------------------------===//
//
// A compile's outputs (the module, the manifest, the depfile) are written as
// one transaction: a build system must never see some of them new and some
// old, a half-written file, or a lost one. How each target is written:
//
//  - "-": standard output.
//  - a symbolic link: followed (chains too; a dangling link creates its
//    target), so the link stays and its target gets the bytes, as GCC and
//    clang write through links.
//  - a regular file that already holds exactly the new bytes: left alone
//    (its inode and times too), so a build system sees nothing new.
//  - a regular file, or no file yet: a temporary file in the target's
//    directory, renamed over the target once complete (the old file keeps
//    its permissions). When the directory cannot take a temporary file but
//    the existing file is writable, the file is written in place, as clang
//    does.
//  - anything else (a character or block device such as /dev/null, a FIFO,
//    a socket): written in place, never replaced (renaming over /dev/null
//    as root would destroy it).
//  - a directory: an error.
//
// Order: every temporary file is written first; then the in-place targets
// and standard output; then the renames. A failure in the first two steps
// leaves every regular target as it was; a failed rename (rare: the
// temporary file is already in the right directory) puts back the files
// already renamed from hard-linked backups. Errors name the path as given,
// never the temporary file.
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_BASIC_OUTPUTFILE_H
#define VYRE_BASIC_OUTPUTFILE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>

namespace vyre {

struct OutputFileData {
  std::string path; ///< as the user gave it; "-" is standard output
  std::string bytes;
};

/// Writes every output as one transaction (see above). Two outputs naming
/// the same file (outputFileKey) are an error before anything is written.
llvm::Error writeOutputs(llvm::ArrayRef<OutputFileData> outputs);

/// writeOutputs with one output.
llvm::Error writeFileAtomically(llvm::StringRef path, llvm::StringRef bytes);

/// What identifies the file a write to \p path reaches: "-" for standard
/// output, else the absolute path with links, `.` and `..` resolved. Empty
/// for a character device (/dev/null): writing one twice loses nothing, so
/// it never counts as the same output twice.
std::string outputFileKey(llvm::StringRef path);

} // namespace vyre

#endif
