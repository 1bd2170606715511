//===- JsonParse.h - parsing untrusted JSON with a nesting limit ---------===//
//
// llvm::json::parse, and json::Value's copy and destruction, recurse once
// per level of nesting, so an 80 KB run of '[' overflows the stack. Every
// JSON that vyrec's tools read from outside (vyre-lsp's messages, scenarios
// and manifests for vyre-interp and vyre-run) goes through parseJson, which
// refuses deeper nesting before llvm::json::parse sees the text.
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_BASIC_JSONPARSE_H
#define VYRE_BASIC_JSONPARSE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

namespace vyre {

/// The deepest nesting of arrays and objects parseJson accepts. Scenarios,
/// manifests and LSP messages nest fewer than 10 levels.
constexpr unsigned kMaxJsonDepth = 512;

/// llvm::json::parse, after a scan that refuses nesting deeper than
/// kMaxJsonDepth with "[LINE:COL, byte=OFFSET]: JSON nested deeper than 512
/// levels" (the shape of llvm::json::parse's own errors).
llvm::Expected<llvm::json::Value> parseJson(llvm::StringRef text);

} // namespace vyre

#endif
