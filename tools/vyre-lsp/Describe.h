//===- Describe.h - how vyre-lsp writes values and code for the user ----===//
#ifndef VYRE_LSP_DESCRIBE_H
#define VYRE_LSP_DESCRIBE_H

#include "llvm/ADT/StringExtras.h"

#include <cstdint>
#include <optional>
#include <string>

namespace vyre::lsp {

inline std::string hex(uint32_t v) { return llvm::utohexstr(v); }

/// `16 (0x10)`; a value Sema could not evaluate says so.
inline std::string valueText(std::optional<uint32_t> v) {
  if (!v)
    return "(not evaluated)";
  return std::to_string(*v) + (*v > 9 ? " (0x" + hex(*v) + ")" : "");
}

/// Markdown: \p code as a vyre block, then \p doc.
inline std::string withDoc(std::string code, llvm::StringRef doc) {
  std::string md = "```vyre\n" + code + "\n```";
  if (!doc.empty())
    md += "\n\n" + doc.str();
  return md;
}

} // namespace vyre::lsp

#endif
