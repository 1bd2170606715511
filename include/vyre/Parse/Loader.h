//===- Loader.h - read a root file, the prelude and every import ---------===//
#ifndef VYRE_PARSE_LOADER_H
#define VYRE_PARSE_LOADER_H

#include "vyre/Basic/Diagnostics.h"
#include "vyre/IR/IR.h"

#include <string>
#include <vector>

namespace vyre {

struct LoadOptions {
  std::vector<std::string> includeDirs; // -I, searched after the importer's dir
  bool usePrelude = true;
  std::string preludePath; // empty: the prelude built into vyrec
  bool followImports = true; // false: parse the root file alone (formatting)
};

/// Parses \p inputPath ("-" reads standard input), the prelude and every file
/// they import into \p module, in dependency order (the prelude first, every
/// file after the files it imports, the root file last). Missing files and
/// import cycles are reported with the include chain. Returns false if any
/// error was reported. \p dependencies, if given, receives every file read
/// from disk (for depfiles).
bool loadModule(llvm::StringRef inputPath, const LoadOptions &opts,
                DiagnosticEngine &diags, Module &module,
                std::vector<std::string> *dependencies = nullptr);

} // namespace vyre

#endif
