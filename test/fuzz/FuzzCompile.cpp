//===- FuzzCompile.cpp - fuzz parse + validate + emit in process ----------===//
//
// Every input that parses and validates (after the in-memory prelude) must
// compile to SPIR-V that passes the validator, for vulkan1.1 and 1.3:
// emitSpirv returning an error is a crash.
//
//===----------------------------------------------------------------------===//
#include "FuzzCommon.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  if (vyre::fuzz::checkCompile(text))
    return 0;
  return 0;
}
