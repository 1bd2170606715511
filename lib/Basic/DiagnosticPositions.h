//===- DiagnosticPositions.h - what the JSON and SARIF writers share -----===//
//
// Private to lib/Basic: a diagnostic with its notes, and where an SMLoc is
// in bytes and in UTF-16 code units.
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_LIB_BASIC_DIAGNOSTICPOSITIONS_H
#define VYRE_LIB_BASIC_DIAGNOSTICPOSITIONS_H

#include "vyre/Basic/Diagnostics.h"

#include <optional>
#include <string>
#include <vector>

namespace vyre {

/// A diagnostic and the notes that follow it.
struct DiagWithNotes {
  const RecordedDiag *main;
  std::vector<const RecordedDiag *> notes;
};
std::vector<DiagWithNotes> groupNotes(const std::vector<RecordedDiag> &diags);

struct DiagPosition {
  std::string file; ///< the path as the compiler opened it
  unsigned line = 0, column = 0; ///< column: 1-based, in bytes
  size_t utf16Column = 0;        ///< the same column in UTF-16 code units
  llvm::StringRef lineText;      ///< the whole source line, without its end
};
std::optional<DiagPosition> diagPosition(llvm::SourceMgr &sm, llvm::SMLoc loc);

} // namespace vyre

#endif
