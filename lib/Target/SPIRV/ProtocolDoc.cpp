//===- ProtocolDoc.cpp - the protocol table as markdown ------------------===//
//
// `vyrec --emit=protocol-doc` prints this; docs/protocol.md holds a copy
// between the `protocol-table` markers, and a lit test keeps them equal.
//
//===----------------------------------------------------------------------===//
#include "vyre/Emit/Emit.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

using namespace vyre;

std::string vyre::renderProtocolDoc(const ProtocolValues &values) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "| group | key | kind | spec id | default | meaning |\n"
     << "|---|---|---|---|---|---|\n";
  for (unsigned i = 0; i < kNumProtocolValues; ++i) {
    const ProtocolInfo &info = protocolTable()[i];
    uint32_t v = values[static_cast<PV>(i)];
    os << "| `" << info.group << "` | `" << info.key << "` | "
       << spelling(info.kind) << " | ";
    if (info.specId >= 0)
      os << info.specId;
    else
      os << "-";
    os << " | ";
    if (info.kind == ProtocolKind::Code && v >= 0x10000)
      os << llvm::format("0x%08X", v);
    else
      os << v;
    os << " | " << info.doc << " |\n";
  }
  return os.str();
}
