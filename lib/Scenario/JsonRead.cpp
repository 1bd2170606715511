//===- JsonRead.cpp - reading numbers and flags from JSON ------------------===//
#include "JsonRead.h"

#include "vyre/Basic/JsonParse.h"
#include "vyre/Scenario/HostLayout.h"
#include "vyre/Scenario/Scenario.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace vyre;

llvm::Error scenario::err(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

std::string scenario::protocolName(PV v) {
  const ProtocolInfo &info = protocolInfo(v);
  return (info.group + "." + info.key).str();
}

llvm::Expected<uint64_t> scenario::getNumber(const llvm::json::Value &v,
                                             const llvm::Twine &what,
                                   uint64_t max) {
  uint64_t x = 0;
  if (auto i = v.getAsInteger()) {
    if (*i < 0)
      return err(what + ": negative value");
    x = static_cast<uint64_t>(*i);
  } else if (auto u = v.getAsUINT64()) {
    x = *u;
  } else if (auto s = v.getAsString()) {
    std::string digits;
    for (char c : *s)
      if (c != '_')
        digits += c;
    unsigned long long y;
    if (llvm::StringRef(digits).getAsInteger(0, y))
      return err(what + ": '" + *s + "' is not a number");
    x = y;
  } else {
    return err(what + ": expected a number");
  }
  if (x > max)
    return err(what + ": " + llvm::Twine(x) + " is out of range (at most " +
               llvm::Twine(max) + ")");
  return x;
}

bool scenario::oneOf(llvm::StringRef key, std::initializer_list<llvm::StringRef> keys) {
  return llvm::is_contained(keys, key);
}

llvm::Expected<bool> scenario::getBool(const llvm::json::Value &v, const llvm::Twine &what) {
  if (auto b = v.getAsBoolean())
    return *b;
  return err(what + ": expected true or false");
}

llvm::Expected<llvm::json::Value> vyre::readJsonFile(llvm::StringRef path) {
  auto buf = llvm::MemoryBuffer::getFileOrSTDIN(path);
  if (!buf)
    return scenario::err(path + ": " + buf.getError().message());
  auto v = parseJson((*buf)->getBuffer()); // nesting capped: see JsonParse.h
  if (!v)
    return scenario::err(path + ": " + llvm::toString(v.takeError()));
  return std::move(*v);
}

llvm::Expected<vyre::ManifestFile>
vyre::readManifestFile(llvm::StringRef path) {
  auto json = readJsonFile(path);
  if (!json)
    return json.takeError();
  auto layout = layoutFromManifest(*json);
  if (!layout)
    return scenario::err(path + ": " + llvm::toString(layout.takeError()));
  return ManifestFile{std::move(*json), std::move(*layout)};
}

llvm::Expected<vyre::Scenario>
vyre::readScenarioFile(llvm::StringRef path, const HostLayout &layout) {
  auto json = readJsonFile(path);
  if (!json)
    return json.takeError();
  auto scenario = loadScenario(*json, layout);
  if (!scenario)
    return scenario::err(path + ": " + llvm::toString(scenario.takeError()));
  return std::move(*scenario);
}
