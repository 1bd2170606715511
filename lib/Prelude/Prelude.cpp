//===- Prelude.cpp - the embedded builtins.vyre ---------------------------===//
#include "vyre/Prelude/Prelude.h"

llvm::StringRef vyre::preludeSource() {
  static const char text[] =
#include "BuiltinsSource.inc"
      ;
  return llvm::StringRef(text, sizeof(text) - 1);
}

llvm::StringRef vyre::preludeBufferName() { return "<prelude>/builtins.vyre"; }
