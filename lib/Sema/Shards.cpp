//===- Shards.cpp - the opcode-to-shard plan -----------------------------===//
#include "vyre/Sema/Shards.h"

#include <algorithm>

using namespace vyre;

namespace {

/// User opcodes a shard other than 0 may own, ascending and distinct.
std::vector<uint32_t> shardableOpcodes(const SemaResult &sema) {
  std::vector<uint32_t> ops;
  for (const HandlerDecl *h : sema.handlers)
    if (!h->fromPrelude && h->opcodeValue &&
        *h->opcodeValue >= kPackedNameableOpcodes &&
        *h->opcodeValue != sema.protocol[PV::opcode_PACKED_SLOT])
      ops.push_back(*h->opcodeValue);
  std::sort(ops.begin(), ops.end());
  ops.erase(std::unique(ops.begin(), ops.end()), ops.end());
  return ops;
}

bool inRange(const ShardPlan::Shard &s, uint32_t op) {
  return op >= s.first && op <= s.last &&
         std::find(s.excluded.begin(), s.excluded.end(), op) == s.excluded.end();
}

} // namespace

bool vyre::shardable(const SemaResult &sema) {
  return sema.protocol[PV::kernel_SCHEDULE] != sema.protocol[PV::schedule_PRIORITY];
}

unsigned ShardPlan::owner(uint32_t opcode) const {
  for (unsigned i = 1; i < shards.size(); ++i)
    if (inRange(shards[i], opcode))
      return i;
  return 0;
}

ShardPlan vyre::planShards(const SemaResult &sema, unsigned requested,
                           llvm::StringRef entry) {
  ShardPlan plan;
  plan.shards.emplace_back();
  plan.shards[0].entryPoint = entry.str();
  std::vector<uint32_t> ops = shardableOpcodes(sema);
  if (!requested)
    requested = autoShardCount(sema);
  // The priority schedule's claim (claim_by_priority) has no shard filter.
  if (!shardable(sema))
    requested = 1;
  size_t groups = std::min<size_t>(requested ? requested - 1 : 0, ops.size());
  // Values inside a range that still belong to shard 0.
  std::vector<uint32_t> reserved{sema.protocol[PV::opcode_PACKED_SLOT]};
  for (const HandlerDecl *h : sema.handlers)
    if (h->fromPrelude && h->opcodeValue)
      reserved.push_back(*h->opcodeValue);
  std::sort(reserved.begin(), reserved.end());
  reserved.erase(std::unique(reserved.begin(), reserved.end()), reserved.end());
  for (size_t g = 0; g < groups; ++g) {
    // Group g takes ops[begin, end): sizes differ by at most one.
    size_t begin = ops.size() * g / groups, end = ops.size() * (g + 1) / groups;
    ShardPlan::Shard s;
    s.entryPoint = (entry + "_shard" + std::to_string(g + 1)).str();
    s.first = ops[begin];
    // Contiguous ranges: the gap up to the next group's first opcode is
    // this shard's too (its unknown opcodes are counted by this shard).
    s.last = end < ops.size() ? ops[end] - 1 : ops.back();
    for (uint32_t r : reserved)
      if (r >= s.first && r <= s.last)
        s.excluded.push_back(r);
    plan.shards.push_back(std::move(s));
  }
  for (const HandlerDecl *h : sema.handlers)
    if (h->opcodeValue)
      plan.shards[plan.owner(*h->opcodeValue)].handlers.push_back(h);
  return plan;
}

unsigned vyre::autoShardCount(const SemaResult &sema) {
  size_t n = shardableOpcodes(sema).size();
  size_t per = kAutoShardHandlers;
  while (per * per < n) // ceil(sqrt(n)), when larger
    ++per;
  size_t groups = (n + per - 1) / per;
  // One group would only move the handlers out of shard 0: no gain.
  return groups <= 1 ? 1 : 1 + static_cast<unsigned>(groups);
}

std::optional<unsigned> vyre::parseShardCount(llvm::StringRef text) {
  if (text == "auto")
    return 0;
  unsigned n = 0;
  if (text.getAsInteger(10, n) || n < 1 || n > kMaxShards)
    return std::nullopt;
  return n;
}

std::string vyre::shardCountError(const std::string &text) {
  return parseShardCount(text) ? std::string()
                               : "must be 'auto' or 1.." +
                                     std::to_string(kMaxShards);
}
