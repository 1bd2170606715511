//===- Protocol.h - the protocol table and the evaluated layout ----------===//
#ifndef VYRE_PROTOCOL_PROTOCOL_H
#define VYRE_PROTOCOL_PROTOCOL_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <array>
#include <cstdint>
#include <optional>

namespace vyre {

enum class ProtocolKind : uint8_t { Word, Count, Status, Code, Tunable, Choice };
llvm::StringRef spelling(ProtocolKind k);

/// Identifies one row of ProtocolTable.def, e.g. PV::control_SHUTDOWN.
enum class PV : unsigned {
#define PROTOCOL_VALUE(G, K, KIND, SPEC, DOC) G##_##K,
#include "vyre/Protocol/ProtocolTable.def"
  NumValues
};
constexpr unsigned kNumProtocolValues = static_cast<unsigned>(PV::NumValues);

struct ProtocolInfo {
  llvm::StringRef group, key;
  ProtocolKind kind;
  int specId; // -1 when not a specialization constant
  llvm::StringRef doc;
};

llvm::ArrayRef<ProtocolInfo> protocolTable();
const ProtocolInfo &protocolInfo(PV v);
std::optional<PV> lookupProtocolValue(llvm::StringRef group, llvm::StringRef key);
/// True if some row has this group (so `group.X` is a protocol reference).
bool isProtocolGroup(llvm::StringRef group);

/// The four protocol buffers (docs/protocol.md), the opt-in completion
/// mirror, and User for every other buffer. A protocol buffer is the buffer
/// declared with its role's name.
enum class BufferRole : uint8_t {
  Control,
  Ring,
  DebugLog,
  IoQueue,
  Completions,
  User
};
/// The protocol buffers every module has (the prelude declares them).
constexpr BufferRole kProtocolBufferRoles[] = {
    BufferRole::Control, BufferRole::Ring, BufferRole::DebugLog,
    BufferRole::IoQueue};
/// Every role but User: the protocol buffers and the buffers a module may
/// declare to opt in ("completions": docs/protocol.md, "The completion
/// mirror").
constexpr BufferRole kBufferRoles[] = {
    BufferRole::Control, BufferRole::Ring, BufferRole::DebugLog,
    BufferRole::IoQueue, BufferRole::Completions};
/// "control", "ring_buffer", "debug_log", "io_queue", "completions" (each
/// role's buffer name and its manifest role) or "user".
llvm::StringRef spelling(BufferRole r);

/// The evaluated value of every row, as Sema computed it from the protocol
/// blocks. Later stages read values only through this.
class ProtocolValues {
public:
  uint32_t operator[](PV v) const { return values[static_cast<unsigned>(v)]; }
  void set(PV v, uint32_t x) { values[static_cast<unsigned>(v)] = x; }

private:
  std::array<uint32_t, kNumProtocolValues> values{};
};

} // namespace vyre

#endif
