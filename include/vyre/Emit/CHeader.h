//===- CHeader.h - the module as a C/C++ header (--emit=c-header) --------===//
#ifndef VYRE_EMIT_CHEADER_H
#define VYRE_EMIT_CHEADER_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"

#include <cstdint>
#include <string>

namespace vyre {
/// A header holding the SPIR-V words as `NAME[]` (as glslang's --vn does)
/// and, as `#define NAME_group_KEY value`, every protocol value, opcode,
/// binding and specialization-constant id of \p manifest, its
/// `module_sha256` (a string) and its `requires` (API version numbers and
/// null-terminated string lists with their counts). C and C++.
std::string renderCHeader(llvm::ArrayRef<uint32_t> words,
                          const llvm::json::Value &manifest,
                          llvm::StringRef name, llvm::StringRef sourceName);
/// True if \p name is a valid C identifier (for --vn).
bool isCIdentifier(llvm::StringRef name);
} // namespace vyre

#endif
