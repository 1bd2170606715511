//===- Loader.h - read a root file, the prelude and every import ---------===//
#ifndef VYRE_PARSE_LOADER_H
#define VYRE_PARSE_LOADER_H

#include "vyre/Basic/Diagnostics.h"
#include "vyre/IR/IR.h"

#include "llvm/ADT/IntrusiveRefCntPtr.h"
#include "llvm/Support/VirtualFileSystem.h"

#include <string>
#include <vector>

namespace vyre {

struct LoadOptions {
  std::vector<std::string> includeDirs; // -I, searched after the importer's dir
  bool usePrelude = true;
  std::string preludePath; // empty: the prelude built into vyrec
  bool followImports = true; // false: parse the root file alone (formatting)
  /// Where files are read from; null: the real file system. The fuzzers
  /// pass an llvm::vfs::InMemoryFileSystem.
  llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> fileSystem;
};

/// Imports may nest this deep (a chain of files each importing the next);
/// deeper is an error, as clang limits #include depth, so that the loader's
/// recursion cannot overflow the stack.
constexpr unsigned kMaxImportDepth = 200;

/// Parses \p inputPath ("-" reads standard input), the prelude and every file
/// they import into \p module, in dependency order (the prelude first, every
/// file after the files it imports, the root file last). Missing files,
/// import cycles (however the paths are spelled: relative, `./`, `..`,
/// through symbolic links: files are compared by canonical path) and imports
/// nested past kMaxImportDepth are reported with the include chain.
/// Returns false if any error was reported. \p dependencies, if given,
/// receives every file read from disk (for depfiles).
bool loadModule(llvm::StringRef inputPath, const LoadOptions &opts,
                DiagnosticEngine &diags, Module &module,
                std::vector<std::string> *dependencies = nullptr);

} // namespace vyre

#endif
