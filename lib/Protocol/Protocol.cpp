//===- Protocol.cpp - the protocol table and buffer roles -----------------===//
#include "vyre/Protocol/Protocol.h"

using namespace vyre;

static const ProtocolInfo kTable[] = {
#define PROTOCOL_VALUE(G, K, KIND, SPEC, DOC)                                  \
  {#G, #K, ProtocolKind::KIND, SPEC, DOC},
#include "vyre/Protocol/ProtocolTable.def"
};

llvm::ArrayRef<ProtocolInfo> vyre::protocolTable() { return kTable; }

const ProtocolInfo &vyre::protocolInfo(PV v) {
  return kTable[static_cast<unsigned>(v)];
}

std::optional<PV> vyre::lookupProtocolValue(llvm::StringRef group,
                                            llvm::StringRef key) {
  for (unsigned i = 0; i < kNumProtocolValues; ++i)
    if (kTable[i].group == group && kTable[i].key == key)
      return static_cast<PV>(i);
  return std::nullopt;
}

bool vyre::isProtocolGroup(llvm::StringRef group) {
  for (const ProtocolInfo &info : kTable)
    if (info.group == group)
      return true;
  return false;
}

llvm::StringRef vyre::spelling(BufferRole r) {
  switch (r) {
  case BufferRole::Control: return "control";
  case BufferRole::Ring: return "ring_buffer";
  case BufferRole::DebugLog: return "debug_log";
  case BufferRole::IoQueue: return "io_queue";
  case BufferRole::Completions: return "completions";
  case BufferRole::User: return "user";
  }
  return "user";
}

llvm::StringRef vyre::spelling(ProtocolKind k) {
  switch (k) {
  case ProtocolKind::Word: return "word";
  case ProtocolKind::Count: return "count";
  case ProtocolKind::Status: return "status";
  case ProtocolKind::Code: return "code";
  case ProtocolKind::Tunable: return "tunable";
  case ProtocolKind::Choice: return "choice";
  }
  return "?";
}
