//===- SemanticTokens.h - the legend of textDocument/semanticTokens ------===//
//
// The TextMate grammar colours keywords, numbers and comments; semantic
// tokens add what only the compiler knows: which name is a handler, a
// const, a local, a handler input, a buffer, a protocol value.
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_LSP_SEMANTICTOKENS_H
#define VYRE_LSP_SEMANTICTOKENS_H

#include "llvm/Support/JSON.h"

namespace vyre::lsp {

/// The token types, in the legend's order (the index is what the data says).
enum class TokenType { Function, Variable, Parameter, Namespace, EnumMember };
/// The modifiers, as bits.
enum TokenModifier : unsigned { Declaration = 1, Readonly = 2 };

/// SemanticTokensLegend: tokenTypes and tokenModifiers.
llvm::json::Object semanticTokensLegend();

} // namespace vyre::lsp

#endif
