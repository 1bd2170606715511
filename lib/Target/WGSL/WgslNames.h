//===- WgslNames.h - valid, unique WGSL identifiers ----------------------===//
//
// Every name the WGSL target declares at module scope (buffers, overrides,
// functions, entry points) goes through one WgslNames: a vyre identifier
// that WGSL reserves (a keyword, a reserved word, a predeclared type or
// built-in function, which a declaration would shadow) gets a `_`, one
// that starts with `_` a `v` in front (WGSL reserves `__` prefixes; the
// renderer's own names are `_N`), and a clash a number.
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_LIB_TARGET_WGSL_WGSLNAMES_H
#define VYRE_LIB_TARGET_WGSL_WGSLNAMES_H

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/StringSet.h"

#include <string>

namespace vyre::wgsl {

/// True if WGSL reserves \p s or predeclares it (so a module-scope
/// declaration of that name would be an error or would shadow what the
/// renderer calls).
bool isReservedWord(llvm::StringRef s);

/// \p s with every character WGSL does not allow in an identifier made a
/// `_` (for names built from readable text).
std::string identifierChars(llvm::StringRef s);

class WgslNames {
public:
  /// Reserves \p s as is (the renderer's own module names).
  void reserve(llvm::StringRef s) { used.insert(s); }
  /// A new module-scope identifier for \p wanted: valid, not reserved,
  /// used by nothing else.
  std::string unique(llvm::StringRef wanted);

private:
  llvm::StringSet<> used;
};

} // namespace vyre::wgsl

#endif
