//===- OutputSet.h - every output of one compile, written together -------===//
//
// A build system must never see a partial set of outputs: the driver builds
// all of them in memory, then commits them together, removing the ones it
// already wrote if a later one fails.
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_DRIVER_OUTPUTSET_H
#define VYRE_DRIVER_OUTPUTSET_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace vyre {

class OutputSet {
public:
  /// Queues \p bytes for \p path ("-" is standard output).
  void add(std::string path, std::string bytes);
  /// Writes every queued output (each through writeFileAtomically); on the
  /// first failure removes the files already written and returns its error.
  llvm::Error commit();

private:
  std::vector<std::pair<std::string, std::string>> outputs;
};

/// Make syntax `targets: deps`, with spaces, '#' and '$' escaped as GCC does.
std::string makeDepfile(const std::vector<std::string> &targets,
                        const std::vector<std::string> &deps);

} // namespace vyre

#endif
