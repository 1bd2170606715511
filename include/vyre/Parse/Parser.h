//===- Parser.h - recursive-descent parser for .vyre files ---------------===//
#ifndef VYRE_PARSE_PARSER_H
#define VYRE_PARSE_PARSER_H

#include "vyre/Basic/Diagnostics.h"
#include "vyre/IR/IR.h"

namespace vyre {

/// Parses the SourceMgr buffer \p bufferId into \p out. Errors go to
/// \p diags; the parser recovers at statement and item boundaries, so one
/// call reports every independent mistake (up to the error cap).
void parseBuffer(unsigned bufferId, DiagnosticEngine &diags, SourceFile &out);

/// Parses a single expression (for `-D NAME=VALUE`). Null on error.
ExprPtr parseExpression(unsigned bufferId, DiagnosticEngine &diags);

} // namespace vyre

#endif
