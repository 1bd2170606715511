//===- Shards.h - which entry point of a sharded module owns an opcode ---===//
//
// A sharded module (vyrec --shards=K, docs/protocol.md "Shards") holds K
// entry points over the same buffers. Each runs the persistent loop but
// claims only the slots whose opcode it owns, so a driver compiles K small
// pipelines (in parallel) instead of one large one:
//
//   shard 0       the built-ins, PACKED_SLOT, every opcode below 256 (packed
//                 slots name inner ops in one byte, and decode_packed lives in
//                 shard 0 only) and every opcode no other shard owns, so
//                 unknown opcodes are counted exactly once;
//   shard 1..K-1  one contiguous range of user opcodes each, less any
//                 built-in opcode value inside it.
//
// This is the one home of the ownership rule: the emitter, the manifest
// writer and the interpreter all read it.
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_SEMA_SHARDS_H
#define VYRE_SEMA_SHARDS_H

#include "vyre/Sema/Sema.h"

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vyre {

struct ShardPlan {
  struct Shard {
    std::string entryPoint;
    /// Shards >= 1: the closed opcode range [first, last] they own, except
    /// the values in `excluded` (built-in opcodes, owned by shard 0).
    /// Shard 0 owns every opcode that no other shard owns.
    uint32_t first = 0, last = 0;
    std::vector<uint32_t> excluded;
    /// Its handlers, in SemaResult::handlers order.
    std::vector<const HandlerDecl *> handlers;
  };
  std::vector<Shard> shards; // never empty; shards[0] is the rest

  bool sharded() const { return shards.size() > 1; }
  /// The index of the shard that claims slots with \p opcode.
  unsigned owner(uint32_t opcode) const;
};

/// Opcodes below this stay in shard 0: a packed slot names its inner ops in
/// one byte (docs/protocol.md, "Packed slot").
constexpr uint32_t kPackedNameableOpcodes = 256;

/// Splits \p sema's user handlers with opcodes >= 256 into \p requested - 1
/// ranges of about equal handler count (fewer if there are fewer such
/// handlers; none for \p requested == 1; \p requested == 0 is
/// autoShardCount). A module with the priority schedule (kernel.SCHEDULE =
/// schedule.PRIORITY) is never sharded. Shard 0 is named \p entry, shard i
/// `entry_shard<i>`.
ShardPlan planShards(const SemaResult &sema, unsigned requested,
                     llvm::StringRef entry);

/// False for a module with the priority schedule: claim_by_priority has no
/// shard filter, so such a module keeps one entry point.
bool shardable(const SemaResult &sema);

/// `--shards=auto`: for the n user handlers with opcodes >= 256, one shard
/// per max(kAutoShardHandlers, ceil(sqrt(n))) of them, plus shard 0;
/// unsharded (1) when that makes one user shard. Each pipeline's build
/// grows superlinearly with its handlers, but every pipeline also pays for
/// the whole module, so shards grow slowly with n (docs/embedding.md,
/// "Sharded modules", has the measurements).
constexpr unsigned kAutoShardHandlers = 16;
unsigned autoShardCount(const SemaResult &sema);

/// The --shards argument of vyrec and vyre-interp: "auto" (0) or a count
/// 1..kMaxShards; nullopt if it is neither.
constexpr unsigned kMaxShards = 4096;
std::optional<unsigned> parseShardCount(llvm::StringRef text);
/// The command-line check: "" if \p text parses, else what is wrong.
std::string shardCountError(const std::string &text);

} // namespace vyre

#endif
