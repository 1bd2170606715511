//===- Scenario.cpp - reading a scenario against a layout ------------------===//
//
// docs/scenario.md: the specialization values, the initial words of every
// buffer (published slots, packed slots encoded) and what to print.
//
//===----------------------------------------------------------------------===//
#include "vyre/Scenario/Scenario.h"
#include "JsonRead.h"

#include "vyre/host/packed_slot.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <map>

using namespace vyre;
using namespace vyre::scenario;
using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;
namespace packed = vyre::host::packed;

namespace {

class ScenarioReader {
public:
  ScenarioReader(const HostLayout &layout, Scenario &s) : layout(layout), s(s) {}

  llvm::Error read(const Value &root);

private:
  const HostLayout &layout;
  Scenario &s;

  llvm::Expected<uint32_t> opcode(const Value &v, const llvm::Twine &what);
  llvm::Expected<uint32_t> status(const Value &v, const llvm::Twine &what);
  llvm::Error setWord(unsigned buffer, uint64_t index, uint32_t value,
                      const llvm::Twine &what);
  /// One slot as the scenario gives it, before it is written to the ring.
  struct SlotWords {
    bool vyreEncoding = false; // "encoding": "vyre"
    std::optional<uint32_t> tenant, priority;
    uint32_t code = 0, status = 0;
    std::vector<uint32_t> args; // slot.ARGS words
    unsigned nargs = 0;         // how many of them the slot sets
  };
  llvm::Error readSlot(const Value &v, unsigned index);
  llvm::Error readSlotRouting(const Object &slot, SlotWords &w,
                              const std::string &what);
  llvm::Error readSlotPayload(const Object &slot, SlotWords &w,
                              const std::string &what);
  llvm::Error writeSlot(unsigned index, const SlotWords &w,
                        const std::string &what);
  llvm::Error readTenantsAndPartitions(const Object &root);
  /// A packed op's "opcode": present, and 8 bits.
  llvm::Expected<uint32_t> packedOpcode(const Object &op, const std::string &what);
  llvm::Error readPackedAsVyre(const Array &ops, const Object &slot,
                               std::vector<uint32_t> &args,
                               const llvm::Twine &what);
  llvm::Error readPacked(const Array &ops, const Object &slot,
                         std::vector<uint32_t> &args, const llvm::Twine &what);
  llvm::Error readOutput(const Object &out);
  // The parts of read(), in order.
  llvm::Error readRunLimits(const Object &root);
  llvm::Error readSpecialization(const Object &root);
  llvm::Error sizeBuffers(const Object &root);
  llvm::Error readInitialWords(const Object &root);
  llvm::Error readSlots(const Object &root);
  llvm::Error readPublishAndShutdown(const Object &root);
};

llvm::Expected<uint32_t> ScenarioReader::opcode(const Value &v,
                                                const llvm::Twine &what) {
  if (auto name = v.getAsString()) {
    for (const auto &[n, value] : layout.opcodes)
      if (n == *name)
        return value;
    if (*name == "PACKED_SLOT")
      return s.protocol[PV::opcode_PACKED_SLOT];
    if (name->empty() || !isdigit(static_cast<unsigned char>((*name)[0])))
      return err(what + ": unknown opcode '" + *name + "'");
  }
  auto x = getNumber(v, what);
  if (!x)
    return x.takeError();
  return static_cast<uint32_t>(*x);
}

llvm::Expected<uint32_t> ScenarioReader::status(const Value &v,
                                                const llvm::Twine &what) {
  if (auto name = v.getAsString())
    if (auto pv = lookupProtocolValue("status", *name))
      return s.protocol[*pv];
  auto x = getNumber(v, what);
  if (!x)
    return x.takeError();
  return static_cast<uint32_t>(*x);
}

llvm::Error ScenarioReader::setWord(unsigned buffer, uint64_t index,
                                    uint32_t value, const llvm::Twine &what) {
  std::vector<uint32_t> &words = s.memory[buffer];
  if (index >= words.size())
    return err(what + ": word " + llvm::Twine(index) + " is outside " +
               layout.buffers[buffer].name + " (" + llvm::Twine(words.size()) +
               " words)");
  words[index] = value;
  return llvm::Error::success();
}

llvm::Error ScenarioReader::readPacked(const Array &ops, const Object &slot,
                                       std::vector<uint32_t> &args,
                                       const llvm::Twine &what) {
  const uint32_t argsPerSlot = s.protocol[PV::slot_ARGS];
  const uint32_t maxOps = s.protocol[PV::packed_MAX_OPS];
  uint64_t count = ops.size();
  if (const Value *c = slot.get("count")) {
    auto x = getNumber(*c, what + ".count", packed::kByteMax);
    if (!x)
      return x.takeError();
    count = *x;
  }
  if (count > packed::kByteMax)
    return err(what + ": more than " + llvm::Twine(packed::kByteMax) +
               " packed ops");
  // Which payload words are set, so overlapping args must agree.
  std::vector<bool> used(argsPerSlot, false);
  // The metadata byte pairs, and the argument words from metadata_words on
  // (unset words 0): host::encodePackedRaw writes them as given.
  std::vector<host::PackedPair> pairs;
  std::vector<uint32_t> data;
  auto fitsByte = [&](uint64_t k) -> llvm::Error {
    if (k >= uint64_t(argsPerSlot) * packed::kBytesPerWord)
      return err(what + ": the packed header does not fit in " +
                 llvm::Twine(argsPerSlot) + " argument words");
    return llvm::Error::success();
  };
  if (auto e = fitsByte(packed::kCountByte))
    return e;
  // The kernel's formula: metadata words from the clamped count.
  const uint64_t metadataWords =
      packed::metadataWords(packed::clampedCount(count, maxOps));
  uint64_t nextOffset = 0;
  for (unsigned i = 0; i < ops.size(); ++i) {
    std::string opWhat = (what + ".packed[" + llvm::Twine(i) + "]").str();
    const Object *op = ops[i].getAsObject();
    if (!op)
      return err(opWhat + ": expected an object");
    auto code = packedOpcode(*op, opWhat);
    if (!code)
      return code.takeError();
    uint64_t offset = nextOffset;
    if (const Value *a = op->get("arg_offset")) {
      auto x = getNumber(*a, opWhat + ".arg_offset", packed::kByteMax);
      if (!x)
        return x.takeError();
      offset = *x;
    }
    if (offset > packed::kByteMax)
      return err(opWhat + ": arg_offset " + llvm::Twine(offset) +
                 " does not fit in a byte");
    nextOffset = offset + packed::kArgsPerOp;
    if (auto e = fitsByte(packed::argOffsetByte(i)))
      return e;
    pairs.push_back(
        {static_cast<uint8_t>(*code), static_cast<uint8_t>(offset)});
    if (const Value *av = op->get("args")) {
      const Array *a = av->getAsArray();
      if (!a || a->size() > packed::kArgsPerOp)
        return err(opWhat + ": \"args\" must be an array of at most " +
                   llvm::Twine(packed::kArgsPerOp) + " words");
      for (unsigned k = 0; k < a->size(); ++k) {
        auto x = getNumber((*a)[k], opWhat + ".args[" + llvm::Twine(k) + "]");
        if (!x)
          return x.takeError();
        uint64_t w = metadataWords + offset + k;
        if (w >= argsPerSlot)
          return err(opWhat + ": argument " + llvm::Twine(k) +
                     " falls outside the slot's " + llvm::Twine(argsPerSlot) +
                     " argument words");
        if (used[w] && data[w - metadataWords] != *x)
          return err(opWhat + ": argument " + llvm::Twine(k) +
                     " conflicts with an earlier op's argument");
        used[w] = true;
        if (data.size() <= w - metadataWords)
          data.resize(w - metadataWords + 1, 0);
        data[w - metadataWords] = static_cast<uint32_t>(*x);
      }
    }
  }
  // Header bytes must not collide with argument words.
  for (uint64_t w = 0; w < packed::metadataWords(ops.size()) && w < argsPerSlot;
       ++w)
    if (used[w])
      return err(what + ": packed arguments overlap the header");
  if (!host::encodePackedRaw(hostLayout(s.protocol), static_cast<uint8_t>(count),
                             pairs.data(), pairs.size(), data.data(),
                             data.size(), args.data()))
    return err(what + ": the packed slot cannot be encoded");
  return llvm::Error::success();
}

llvm::Expected<uint32_t> ScenarioReader::packedOpcode(const Object &op,
                                                     const std::string &what) {
  const Value *ov = op.get("opcode");
  if (!ov)
    return err(what + ": missing \"opcode\"");
  auto code = opcode(*ov, what + ".opcode");
  if (!code)
    return code.takeError();
  if (*code > packed::kByteMax)
    return err(what + ": opcode " + llvm::Twine(*code) +
               " does not fit in the packed opcode byte");
  return *code;
}

llvm::Error ScenarioReader::readPackedAsVyre(const Array &ops, const Object &slot,
                                             std::vector<uint32_t> &args,
                                             const llvm::Twine &what) {
  if (slot.get("count"))
    return err(what + ": vyre's host writes the op count itself (no \"count\")");
  std::vector<std::vector<uint32_t>> opArgs(ops.size());
  std::vector<host::VyreOp> vops;
  for (unsigned i = 0; i < ops.size(); ++i) {
    std::string opWhat = (what + ".packed[" + llvm::Twine(i) + "]").str();
    const Object *op = ops[i].getAsObject();
    if (!op)
      return err(opWhat + ": expected an object");
    for (const auto &kv : *op)
      if (!oneOf(kv.first, {"opcode", "args"}))
        return err(opWhat + ": unknown key \"" + kv.first.str() +
                   "\" (vyre's host places the arguments itself)");
    auto code = packedOpcode(*op, opWhat);
    if (!code)
      return code.takeError();
    if (const Value *av = op->get("args")) {
      const Array *a = av->getAsArray();
      if (!a)
        return err(opWhat + ": \"args\" must be an array");
      for (unsigned k = 0; k < a->size(); ++k) {
        auto x = getNumber((*a)[k], opWhat + ".args[" + llvm::Twine(k) + "]");
        if (!x)
          return x.takeError();
        opArgs[i].push_back(static_cast<uint32_t>(*x));
      }
    }
    vops.push_back({static_cast<uint8_t>(*code), opArgs[i].data(), opArgs[i].size()});
  }
  if (!host::encodePackedAsVyre(hostLayout(s.protocol), vops.data(), vops.size(),
                                args.data()))
    return err(what + ": vyre's host refuses this packed slot (more than 255 "
                      "ops, or metadata and arguments past slot.ARGS words)");
  return llvm::Error::success();
}

llvm::Error ScenarioReader::readSlot(const Value &v, unsigned index) {
  std::string what = "slots[" + std::to_string(index) + "]";
  const Object *slot = v.getAsObject();
  if (!slot)
    return err(what + ": expected an object");
  if (index >= s.protocol[PV::slot_COUNT])
    return err(what + ": the ring has only " +
               llvm::Twine(s.protocol[PV::slot_COUNT]) + " slots (slot.COUNT)");
  for (const auto &kv : *slot)
    if (!oneOf(kv.first, {"opcode", "args", "packed", "count", "status",
                          "repeat", "tenant", "priority", "encoding"}))
      return err(what + ": unknown key \"" + kv.first.str() + "\"");

  SlotWords w;
  w.args.assign(s.protocol[PV::slot_ARGS], 0);
  if (auto e = readSlotRouting(*slot, w, what))
    return e;
  if (auto e = readSlotPayload(*slot, w, what))
    return e;
  w.status = s.protocol[PV::status_PUBLISHED];
  if (const Value *sv = slot->get("status")) {
    auto x = status(*sv, what + ".status");
    if (!x)
      return x.takeError();
    w.status = *x;
  }
  if (w.vyreEncoding && !host::vyrePublishesOpcode(w.code))
    return err(what + ": vyre's host refuses opcode 0x" + llvm::utohexstr(w.code) +
               " (reserved: the high bit, 0xFFF0 .. 0xFFFF; it writes a "
               "LOAD_MISS slot with encode_load_miss, not publish_slot)");
  return writeSlot(index, w, what);
}

/// "encoding", "tenant" and "priority".
llvm::Error ScenarioReader::readSlotRouting(const Object &slot, SlotWords &w,
                                            const std::string &what) {
  // "encoding": "vyre": published as vyre's host does (publish.rs).
  if (const Value *ev = slot.get("encoding")) {
    if (!ev->getAsString() || *ev->getAsString() != "vyre")
      return err(what + ": \"encoding\" must be \"vyre\"");
    w.vyreEncoding = true;
  }
  if (const Value *tv = slot.get("tenant")) {
    auto x = getNumber(*tv, what + ".tenant");
    if (!x)
      return x.takeError();
    w.tenant = static_cast<uint32_t>(*x);
  }
  if (const Value *pv = slot.get("priority")) {
    if (w.vyreEncoding)
      return err(what + ": vyre's host always writes priority.NORMAL");
    std::optional<PV> named;
    if (pv->getAsString())
      named = lookupProtocolValue("priority", *pv->getAsString());
    if (named) {
      w.priority = s.protocol[*named];
    } else {
      auto x = getNumber(*pv, what + ".priority");
      if (!x)
        return x.takeError();
      w.priority = static_cast<uint32_t>(*x);
    }
  }
  if (w.vyreEncoding) {
    w.tenant = w.tenant.value_or(0);
    w.priority = s.protocol[PV::priority_NORMAL];
  }
  return llvm::Error::success();
}

/// "packed" (with "count"), or "opcode" and "args".
llvm::Error ScenarioReader::readSlotPayload(const Object &slot, SlotWords &w,
                                            const std::string &what) {
  const uint32_t argsPerSlot = s.protocol[PV::slot_ARGS];
  if (const Value *packedOps = slot.get("packed")) {
    if (slot.get("opcode") || slot.get("args"))
      return err(what + ": a packed slot has no \"opcode\" or \"args\"");
    const Array *ops = packedOps->getAsArray();
    if (!ops)
      return err(what + ": \"packed\" must be an array");
    w.code = s.protocol[PV::opcode_PACKED_SLOT];
    if (w.vyreEncoding) {
      if (auto e = readPackedAsVyre(*ops, slot, w.args, what))
        return e;
    } else if (auto e = readPacked(*ops, slot, w.args, what)) {
      return e;
    }
    w.nargs = argsPerSlot;
  } else {
    const Value *ov = slot.get("opcode");
    if (!ov)
      return err(what + ": missing \"opcode\" (or \"packed\")");
    auto c = opcode(*ov, what + ".opcode");
    if (!c)
      return c.takeError();
    w.code = *c;
    if (const Value *av = slot.get("args")) {
      const Array *a = av->getAsArray();
      if (!a)
        return err(what + ": \"args\" must be an array");
      if (a->size() > argsPerSlot)
        return err(what + ": more than " + llvm::Twine(argsPerSlot) +
                   " args (slot.ARGS)");
      for (unsigned k = 0; k < a->size(); ++k) {
        auto x = getNumber((*a)[k], what + ".args[" + llvm::Twine(k) + "]");
        if (!x)
          return x.takeError();
        w.args[k] = static_cast<uint32_t>(*x);
      }
      w.nargs = a->size();
    }
    // vyre's host zeroes every argument word it does not set.
    if (w.vyreEncoding)
      w.nargs = argsPerSlot;
  }
  return llvm::Error::success();
}

/// Writes slot \p index into the ring as the host does.
llvm::Error ScenarioReader::writeSlot(unsigned index, const SlotWords &w,
                                      const std::string &what) {
  const int ring = layout.find(BufferRole::Ring);
  const uint32_t words = s.protocol[PV::slot_WORDS];
  const uint32_t argsPerSlot = s.protocol[PV::slot_ARGS];
  std::vector<uint32_t> args = w.args;
  // The host writes the opcode word, the given argument words and the
  // status word, in this order (the first outside the ring is the error).
  const host::Layout l = hostLayout(s.protocol);
  std::vector<uint32_t> &ringWords = s.memory[ring];
  const uint64_t base = uint64_t(index) * words;
  auto inRing = [&](uint64_t at) -> llvm::Error {
    if (at >= ringWords.size())
      return setWord(ring, at, 0, what); // the error, nothing written
    return llvm::Error::success();
  };
  if (auto e = inRing(base + l.opcodeWord))
    return e;
  for (unsigned k = 0; k < w.nargs; ++k)
    if (auto e = inRing(base + l.arg0Word + k))
      return e;
  if (auto e = inRing(base + l.statusWord))
    return e;
  if (w.vyreEncoding && !host::vyrePublishesOver(l, ringWords[base + l.statusWord]))
    return err(what + ": vyre's host refuses to publish over a slot whose "
                      "status is " + llvm::Twine(ringWords[base + l.statusWord]) +
               " (only EMPTY and DONE slots)");
  // The tenant and priority words, when given, before the status.
  if (w.tenant) {
    if (auto e = inRing(base + l.tenantWord))
      return e;
    ringWords[base + l.tenantWord] = *w.tenant;
  }
  if (w.priority) {
    if (auto e = inRing(base + l.priorityWord))
      return e;
    ringWords[base + l.priorityWord] = *w.priority;
  }
  const uint64_t end =
      base + std::max<uint64_t>({uint64_t(l.opcodeWord) + 1,
                                 uint64_t(l.statusWord) + 1,
                                 uint64_t(l.arg0Word) + argsPerSlot});
  if (end <= ringWords.size()) {
    // host::publishSlot writes all slot.ARGS argument words: those the
    // scenario does not give keep what "buffers" put there.
    for (unsigned k = w.nargs; k < argsPerSlot; ++k)
      args[k] = ringWords[base + l.arg0Word + k];
    host::publishSlot(l, ringWords.data(), index, w.code, args.data(),
                      argsPerSlot);
    ringWords[base + l.statusWord] = w.status;
    return llvm::Error::success();
  }
  // A ring cut short (docs/protocol.md, "Robustness") holds only part of
  // this slot: write the words one by one.
  ringWords[base + l.opcodeWord] = w.code;
  for (unsigned k = 0; k < w.nargs; ++k)
    ringWords[base + l.arg0Word + k] = w.args[k];
  ringWords[base + l.statusWord] = w.status;
  return llvm::Error::success();
}

llvm::Error ScenarioReader::readOutput(const Object &out) {
  s.ringStatus = false;
  s.debug = DebugOutput::Off;
  s.ioSlots = false;
  s.ioRequests = false;
  for (const auto &kv : out) {
    std::string key = kv.first.str();
    const Value &v = kv.second;
    std::string what = "output." + key;
    if (key == "ring_status") {
      auto b = getBool(v, what);
      if (!b)
        return b.takeError();
      s.ringStatus = *b;
    } else if (key == "io_slots") {
      auto b = getBool(v, what);
      if (!b)
        return b.takeError();
      s.ioSlots = *b;
    } else if (key == "io_requests") {
      auto b = getBool(v, what);
      if (!b)
        return b.takeError();
      s.ioRequests = *b;
    } else if (key == "debug_records") {
      auto str = v.getAsString();
      if (auto b = v.getAsBoolean())
        s.debug = *b ? DebugOutput::Sorted : DebugOutput::Off;
      else if (str && *str == "sorted")
        s.debug = DebugOutput::Sorted;
      else if (str && *str == "sorted-noslot")
        s.debug = DebugOutput::SortedNoSlot;
      else if (str && *str == "raw")
        s.debug = DebugOutput::Raw;
      else if (str && *str == "count")
        s.debug = DebugOutput::Count;
      else
        return err(what + ": expected \"sorted\", \"sorted-noslot\", \"raw\", "
                          "\"count\" or false");
    } else {
      int b = layout.find(key);
      if (b < 0)
        return err(what + ": no buffer named '" + key + "'");
      BufferSelection sel;
      sel.buffer = static_cast<unsigned>(b);
      auto str = v.getAsString();
      if (str && *str == "all") {
        sel.mode = BufferSelection::All;
      } else if (str && *str == "nonzero") {
        sel.mode = BufferSelection::NonZero;
      } else if (const Array *a = v.getAsArray()) {
        sel.mode = BufferSelection::Ranges;
        for (const Value &r : *a) {
          if (const Array *pair = r.getAsArray()) {
            if (pair->size() != 2)
              return err(what + ": a range is [first, end)");
            auto lo = getNumber((*pair)[0], what, ~0ull);
            if (!lo)
              return lo.takeError();
            auto hi = getNumber((*pair)[1], what, ~0ull);
            if (!hi)
              return hi.takeError();
            sel.ranges.emplace_back(*lo, *hi);
          } else {
            auto x = getNumber(r, what, ~0ull);
            if (!x)
              return x.takeError();
            sel.ranges.emplace_back(*x, *x + 1);
          }
        }
        for (auto [lo, hi] : sel.ranges)
          if (lo >= hi || hi > s.memory[sel.buffer].size())
            return err(what + ": range [" + llvm::Twine(lo) + ", " +
                       llvm::Twine(hi) + ") is empty or outside " + key + " (" +
                       llvm::Twine(s.memory[sel.buffer].size()) + " words)");
      } else {
        return err(what + ": expected \"all\", \"nonzero\" or a list of "
                          "indices and [first, end) ranges");
      }
      s.print.push_back(std::move(sel));
    }
  }
  llvm::sort(s.print, [](const BufferSelection &a, const BufferSelection &b) {
    return a.buffer < b.buffer;
  });
  return llvm::Error::success();
}

llvm::Error ScenarioReader::readTenantsAndPartitions(const Object &root) {
  const host::Layout l = hostLayout(s.protocol);
  std::vector<uint32_t> &control = s.memory[layout.find(BufferRole::Control)];
  auto fits = [&](uint64_t end, const char *what) -> llvm::Error {
    if (end > control.size())
      return err(llvm::Twine(what) + ": the control buffer has only " +
                 llvm::Twine(control.size()) + " words");
    return llvm::Error::success();
  };
  if (const Value *v = root.get("tenants")) {
    // vyre's encode_control: the table pointer, masks and quotas.
    auto n = getNumber(*v, "tenants");
    if (!n)
      return n.takeError();
    // The whole table is rebuilt, up to TENANT_FAIRNESS_BASE.
    if (auto e = fits(std::max({uint64_t(l.tenantBase) + 1,
                                uint64_t(l.tenantQuotaBase),
                                uint64_t(l.tenantFairnessBase)}),
                      "tenants"))
      return e;
    host::setTenantTable(l, control.data(), static_cast<uint32_t>(*n));
  }
  if (const Value *v = root.get("priority_partitions")) {
    // "default" (vyre's default_priority_offsets over slot.COUNT) or the
    // priority.LEVELS + 1 first-slot words.
    if (auto e = fits(uint64_t(l.priorityOffsetsBase) + l.priorityLevels + 1,
                      "priority_partitions"))
      return e;
    if (v->getAsString() && *v->getAsString() == "default") {
      host::setDefaultPriorityPartitions(l, control.data(), l.slotCount);
    } else {
      const Array *a = v->getAsArray();
      if (!a || a->size() != uint64_t(l.priorityLevels) + 1)
        return err("priority_partitions: expected \"default\" or " +
                   llvm::Twine(l.priorityLevels + 1) +
                   " first-slot words (priority.LEVELS + 1)");
      std::vector<uint32_t> first;
      for (unsigned i = 0; i < a->size(); ++i) {
        auto x = getNumber((*a)[i], "priority_partitions[" + llvm::Twine(i) + "]");
        if (!x)
          return x.takeError();
        first.push_back(static_cast<uint32_t>(*x));
      }
      host::setPriorityPartitions(l, control.data(), first.data());
    }
  }
  return llvm::Error::success();
}

/// "workgroups", "timeout_ms", "max_steps" and "service_io".
llvm::Error ScenarioReader::readRunLimits(const Object &root) {
  if (const Value *v = root.get("workgroups")) {
    auto x = getNumber(*v, "workgroups", 65535);
    if (!x)
      return x.takeError();
    if (*x == 0)
      return err("workgroups: must be at least 1");
    s.workgroups = static_cast<uint32_t>(*x);
  }
  if (const Value *v = root.get("timeout_ms")) {
    auto x = getNumber(*v, "timeout_ms", ~0ull);
    if (!x)
      return x.takeError();
    s.timeoutMs = *x;
  }
  if (const Value *v = root.get("max_steps")) {
    auto x = getNumber(*v, "max_steps", ~0ull);
    if (!x)
      return x.takeError();
    s.maxSteps = *x;
  }
  if (const Value *v = root.get("service_io")) {
    // true, false, or "error": serviced, but every answer is ERROR.
    if (v->getAsString() && *v->getAsString() == "error") {
      s.ioAnswersError = true;
      v = nullptr;
    }
  }
  if (const Value *v = s.ioAnswersError ? nullptr : root.get("service_io")) {
    auto b = getBool(*v, "service_io");
    if (!b)
      return b.takeError();
    s.serviceIo = *b;
  }
  return llvm::Error::success();
}

/// "spec": the specialization values (the rest keep the layout's).
llvm::Error ScenarioReader::readSpecialization(const Object &root) {
  s.protocol = layout.protocol;
  if (const Value *v = root.get("spec")) {
    const Object *spec = v->getAsObject();
    if (!spec)
      return err("spec: expected an object");
    for (const auto &kv : *spec) {
      std::string name = kv.first.str();
      auto [g, k] = llvm::StringRef(name).split('.');
      auto pv = lookupProtocolValue(g, k);
      if (!pv || !llvm::any_of(layout.specConstants, [&](const HostSpecConstant &c) {
            return c.value == *pv;
          }))
        return err("spec: '" + name + "' is not a specialization constant");
      auto x = getNumber(kv.second, "spec." + name);
      if (!x)
        return x.takeError();
      s.protocol.set(*pv, static_cast<uint32_t>(*x));
      s.specified.push_back(*pv);
    }
  }
  for (const HostSpecConstant &c : layout.specConstants)
    s.specValues.emplace_back(c.specId, s.protocol[c.value]);
  if (s.protocol[PV::slot_COUNT] == 0)
    return err("spec: slot.COUNT must be at least 1");
  // Sema's bound on the value the module was compiled with.
  if (uint32_t n = s.protocol[PV::kernel_WORKGROUP_SIZE]; n < 1 || n > 1024)
    return err("spec: kernel.WORKGROUP_SIZE must be between 1 and 1024");
  return llvm::Error::success();
}

/// Every buffer's size ("buffer_words" for the runtime-sized ones and the
/// ring; a runtime-sized completion mirror has slot.COUNT words by
/// default), all words 0.
llvm::Error ScenarioReader::sizeBuffers(const Object &root) {
  std::map<std::string, uint64_t> runtimeWords;
  if (const Value *v = root.get("buffer_words")) {
    const Object *o = v->getAsObject();
    if (!o)
      return err("buffer_words: expected an object");
    for (const auto &kv : *o) {
      auto x = getNumber(kv.second, "buffer_words." + kv.first.str(), 1ull << 28);
      if (!x)
        return x.takeError();
      runtimeWords[kv.first.str()] = *x;
    }
  }
  for (const auto &[name, words] : runtimeWords) {
    if (layout.find(name) < 0)
      return err("buffer_words: no buffer named '" + name + "'");
    // A host cannot bind an empty storage buffer (vyre-run binds at least
    // one word), and the kernel's bounds guards see the bound length.
    if (words == 0)
      return err("buffer_words." + name + ": must be at least 1");
  }
  for (const HostBuffer &b : layout.buffers) {
    uint64_t words;
    if (b.role == BufferRole::Ring) {
      // slot.COUNT slots by default: COUNT is a specialization constant, so
      // a manifest's "words" only holds for its default. A smaller ring may
      // be given to exercise the kernel's scan bound (docs/protocol.md,
      // "Robustness"): only the slots it holds entirely are scanned.
      words = uint64_t(s.protocol[PV::slot_COUNT]) * s.protocol[PV::slot_WORDS];
      if (runtimeWords.count(b.name))
        words = runtimeWords[b.name];
    } else if (runtimeWords.count(b.name)) {
      if (b.words)
        return err("buffer_words: " + b.name + " has a fixed size");
      words = runtimeWords[b.name];
    } else if (b.words) {
      words = *b.words;
    } else if (b.role == BufferRole::Completions) {
      // A runtime-sized completion mirror: a word per slot, as specialized.
      words = s.protocol[PV::slot_COUNT];
    } else {
      return err("buffer_words: " + b.name +
                 " is runtime-sized: give its size in words");
    }
    if (words > (1ull << 28))
      return err(b.name + ": " + llvm::Twine(words) + " words is too large");
    s.memory.emplace_back(words, 0);
  }
  for (BufferRole r : {BufferRole::Control, BufferRole::Ring,
                       BufferRole::DebugLog, BufferRole::IoQueue})
    if (layout.find(r) < 0)
      return err("layout: a protocol buffer is missing");
  return llvm::Error::success();
}

/// "buffers": initial words, as an array or {"index": word}.
llvm::Error ScenarioReader::readInitialWords(const Object &root) {
  if (const Value *v = root.get("buffers")) {
    const Object *o = v->getAsObject();
    if (!o)
      return err("buffers: expected an object");
    for (const auto &kv : *o) {
      std::string name = kv.first.str();
      int b = layout.find(name);
      if (b < 0)
        return err("buffers: no buffer named '" + name + "'");
      std::string what = "buffers." + name;
      if (const Array *a = kv.second.getAsArray()) {
        for (unsigned i = 0; i < a->size(); ++i) {
          auto x = getNumber((*a)[i], what + "[" + llvm::Twine(i) + "]");
          if (!x)
            return x.takeError();
          if (auto e = setWord(b, i, static_cast<uint32_t>(*x), what))
            return e;
        }
      } else if (const Object *words = kv.second.getAsObject()) {
        for (const auto &w : *words) {
          unsigned long long index;
          if (llvm::StringRef(w.first).getAsInteger(10, index))
            return err(what + ": '" + w.first.str() + "' is not a word index");
          auto x = getNumber(w.second, what + "." + w.first.str());
          if (!x)
            return x.takeError();
          if (auto e = setWord(b, index, static_cast<uint32_t>(*x), what))
            return e;
        }
      } else {
        return err(what + ": expected an array of words or {\"index\": word}");
      }
    }
  }
  return llvm::Error::success();
}

/// "slots": the published slots, from slot 0 on.
llvm::Error ScenarioReader::readSlots(const Object &root) {
  if (const Value *v = root.get("slots")) {
    const Array *slots = v->getAsArray();
    if (!slots)
      return err("slots: expected an array");
    unsigned index = 0;
    for (unsigned i = 0; i < slots->size(); ++i) {
      // {"repeat": N, ...}: N consecutive copies of the slot.
      uint64_t repeat = 1;
      if (const Object *o = (*slots)[i].getAsObject())
        if (const Value *r = o->get("repeat")) {
          auto x = getNumber(*r, "slots[" + llvm::Twine(i) + "].repeat",
                             s.protocol[PV::slot_COUNT]);
          if (!x)
            return x.takeError();
          repeat = *x;
        }
      for (uint64_t k = 0; k < repeat; ++k)
        if (auto e = readSlot((*slots)[i], index++))
          return e;
    }
    s.publishedSlots = index;
  }
  return llvm::Error::success();
}

/// "publish" (before the run or live) and "shutdown".
llvm::Error ScenarioReader::readPublishAndShutdown(const Object &root) {
  if (const Value *v = root.get("publish")) {
    auto p = v->getAsString();
    if (!p || (*p != "before" && *p != "live"))
      return err("publish: expected \"before\" or \"live\"");
    s.publishLive = *p == "live";
  }

  if (const Value *v = root.get("shutdown")) {
    auto b = getBool(*v, "shutdown");
    if (!b)
      return b.takeError();
    if (*b && s.publishLive)
      return err("shutdown: with \"publish\": \"live\" the host requests "
                 "the shutdown itself, once every slot is done");
    if (*b)
      if (auto e = setWord(layout.find(BufferRole::Control),
                           s.protocol[PV::control_SHUTDOWN], 1, "shutdown"))
        return e;
  }
  return llvm::Error::success();
}

llvm::Error ScenarioReader::read(const Value &rootValue) {
  const Object *root = rootValue.getAsObject();
  if (!root)
    return err("scenario: expected a JSON object");
  for (const auto &kv : *root)
    if (!oneOf(kv.first, {"workgroups", "spec", "buffers", "buffer_words",
                          "slots", "shutdown", "timeout_ms", "max_steps",
                          "service_io", "publish", "output", "comment",
                          "tenants", "priority_partitions"}))
      return err("scenario: unknown key \"" + kv.first.str() + "\"");
  if (auto e = readRunLimits(*root))
    return e;
  if (auto e = readSpecialization(*root))
    return e;
  if (auto e = sizeBuffers(*root))
    return e;
  // The host's tenant table and priority partitions (host.h), before
  // "buffers", which may change any word of them.
  if (auto e = readTenantsAndPartitions(*root))
    return e;
  if (auto e = readInitialWords(*root))
    return e;
  if (auto e = readSlots(*root))
    return e;
  if (auto e = readPublishAndShutdown(*root))
    return e;
  if (const Value *v = root->get("output")) {
    const Object *o = v->getAsObject();
    if (!o)
      return err("output: expected an object");
    return readOutput(*o);
  }
  setDefaultOutput(s, layout);
  return llvm::Error::success();
}

} // namespace

llvm::Expected<Scenario> vyre::loadScenario(const Value &scenario,
                                            const HostLayout &layout) {
  Scenario s;
  ScenarioReader reader(layout, s);
  if (auto e = reader.read(scenario))
    return e;
  return s;
}
