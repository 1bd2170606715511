//===- JsonRead.h - reading numbers and flags from JSON -------------------===//
//
// Private to lib/Scenario: the manifest reader and the scenario reader read
// numbers the same way (a JSON integer or a string such as "0x10"), and
// report errors the same way.
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_LIB_SCENARIO_JSONREAD_H
#define VYRE_LIB_SCENARIO_JSONREAD_H

#include "vyre/Protocol/Protocol.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <initializer_list>
#include <string>

namespace vyre::scenario {

llvm::Error err(const llvm::Twine &msg);

/// "group.KEY" of a protocol value.
std::string protocolName(PV v);

/// A u32/u64 given as a JSON integer or a string ("0x10", "42").
llvm::Expected<uint64_t> getNumber(const llvm::json::Value &v,
                                   const llvm::Twine &what,
                                   uint64_t max = 0xFFFFFFFFull);

bool oneOf(llvm::StringRef key, std::initializer_list<llvm::StringRef> keys);

llvm::Expected<bool> getBool(const llvm::json::Value &v,
                             const llvm::Twine &what);

} // namespace vyre::scenario

#endif
