//===- FuzzParse.cpp - fuzz the lexer, parser and printer -----------------===//
//
// Arbitrary bytes through the lexer and parser (which must diagnose, never
// crash), then the printer round trip: a file that parses cleanly prints to
// text that parses cleanly and prints the same again.
//
//===----------------------------------------------------------------------===//
#include "FuzzCommon.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  vyre::fuzz::checkRoundTrip(
      llvm::StringRef(reinterpret_cast<const char *>(data), size));
  return 0;
}
