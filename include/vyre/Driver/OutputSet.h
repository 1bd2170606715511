//===- OutputSet.h - every output of one compile, written together -------===//
//
// A build system must never see a partial set of outputs: the driver builds
// all of them in memory, then commits them together as one transaction
// (vyre/Basic/OutputFile.h: a failure leaves every earlier output's old
// contents).
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_DRIVER_OUTPUTSET_H
#define VYRE_DRIVER_OUTPUTSET_H

#include "vyre/Basic/OutputFile.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace vyre {

class OutputSet {
public:
  /// Queues \p bytes for \p path ("-" is standard output).
  void add(std::string path, std::string bytes);
  /// Writes every queued output as one transaction (writeOutputs).
  llvm::Error commit();

private:
  std::vector<OutputFileData> outputs;
};

/// Make syntax `targets: deps`, with spaces, '#' and '$' escaped as GCC does
/// (targets given with -MT are written verbatim, as GCC does). \p phony
/// (-MP) adds an empty rule for every dependency but the first (the input).
std::string makeDepfile(const std::vector<std::string> &targets,
                        const std::vector<std::string> &deps,
                        bool phony = false, bool escapeTargets = true);

} // namespace vyre

#endif
