//===- Printer.h - canonical .vyre text for the IR -----------------------===//
//
// The printed form is itself valid .vyre: parsing it and printing again
// gives the same text (the round trip the lit suite checks on every file).
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_IR_PRINTER_H
#define VYRE_IR_PRINTER_H

#include "vyre/IR/IR.h"
#include "llvm/Support/raw_ostream.h"

namespace vyre {
void printSourceFile(const SourceFile &file, llvm::raw_ostream &os);
/// `vyrec --format`: the canonical text plus every comment of the file
/// (SourceFile::comments), each where it was relative to the code; blank
/// lines between statements and items are kept (at most one); so are a
/// UTF-8 byte-order mark and CRLF line endings (where the first line ends
/// with CRLF, every line does). Idempotent, and the result parses to the
/// same IR.
void formatSourceFile(const SourceFile &file, llvm::raw_ostream &os);
void printExpr(const Expr &e, llvm::raw_ostream &os);
void printStmt(const Stmt &s, llvm::raw_ostream &os, unsigned indent = 0);
} // namespace vyre

#endif
