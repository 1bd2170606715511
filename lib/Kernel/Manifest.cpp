//===- Manifest.cpp - the "vyre-manifest/1" JSON document ----------------===//
//
// Everything a host needs to drive the megakernel: bindings, every
// protocol value (walked from ProtocolTable.def), the specialization
// constants, the slot life cycle, the debug-log and IO-queue layouts, the
// packed-slot encoding and the opcodes. docs/manifest.md describes every key
// and docs/manifest.schema.json is its JSON Schema. What depends on the
// target (its identity, requirements and interface) comes from the
// TargetFacts it reports.
//
//===----------------------------------------------------------------------===//
#include "vyre/Kernel/Manifest.h"

#include "vyre/IR/Walk.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/SHA256.h"

#include "vyre/IR/Printer.h"
#include "vyre/host/packed_slot.h"

#include <algorithm>

using namespace vyre;
using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;

namespace {

bool mentionsProtocol(const Expr *e) {
  return e && anyNode(
                  *e, [](const Expr &x) { return llvm::isa<MemberExpr>(x); },
                  /*throughConsts=*/true);
}

std::string exprText(const Expr &e) {
  std::string s;
  llvm::raw_string_ostream os(s);
  printExpr(e, os);
  return os.str();
}

class ManifestWriter {
public:
  ManifestWriter(const Module &m, const SemaResult &s, const KernelOptions &o,
                 llvm::SourceMgr &sm, const TargetFacts &facts)
      : module(m), sema(s), opts(o), sm(sm), plan(KernelPlan::make(s, o)),
        facts(facts) {}

  Value build() {
    const ProtocolValues &pv = sema.protocol;
    Object root;
    root["schema"] = "vyre-manifest/1";
    root["entry_point"] = opts.entryPoint;
    root["workgroup_size"] = Array{pv[PV::kernel_WORKGROUP_SIZE], 1, 1};
    root["target_env"] = facts.targetEnv;
    root["spirv_version"] =
        facts.spirvVersion ? Value(*facts.spirvVersion) : Value(nullptr);
    root["memory_model"] = facts.memoryModel;
    root["skeleton"] = skeleton();
    root["module_sha256"] = facts.moduleSha256;
    root["requires"] = Object(facts.requirements);
    root["bindings"] = bindings();
    root["protocol"] = protocol();
    root["spec_constants"] = specConstants();
    root["status_transitions"] = statusTransitions(plan.sharded());
    root["debug_log"] = debugLog();
    root["io_queue"] = ioQueue();
    root["packed_slot"] = packedSlot();
    root["schedule"] = schedule();
    root["publish"] = publish();
    root["opcodes"] = opcodes();
    if (plan.sharded())
      root["shards"] = shards(plan.shards);
    return Value(std::move(root));
  }

private:
  const Module &module;
  const SemaResult &sema;
  const KernelOptions &opts;
  llvm::SourceMgr &sm;
  KernelPlan plan;
  const TargetFacts &facts;

  uint32_t v(PV p) const { return sema.protocol[p]; }

  /// docs/manifest.md, "shards": every entry point a host must dispatch.
  static Array shards(const ShardPlan &plan) {
    Array out;
    for (unsigned i = 0; i < plan.shards.size(); ++i) {
      const ShardPlan::Shard &s = plan.shards[i];
      Object o;
      o["entry_point"] = s.entryPoint;
      if (i) {
        o["first_opcode"] = s.first;
        o["last_opcode"] = s.last;
        Array ex;
        for (uint32_t e : s.excluded)
          ex.push_back(e);
        o["excluded_opcodes"] = std::move(ex);
      } else {
        o["rest"] = true;
      }
      Array hs;
      for (const HandlerDecl *h : s.handlers)
        hs.push_back(h->name);
      o["handlers"] = std::move(hs);
      out.push_back(std::move(o));
    }
    return out;
  }

  /// What a host does with a buffer while the kernel runs, so an engine can
  /// place it (docs/embedding.md, "Buffer placement"): it writes SHUTDOWN
  /// and reads DONE_COUNT, metrics and counters; publishes and recycles
  /// slots; may read PRINTF records; services IO requests. User buffers are
  /// written before the dispatch and read after it. The completion mirror
  /// is polled (and its word cleared before each publish: a host store
  /// into its own memory, which the kernel need not see).
  static llvm::StringRef hostAccessWhileRunning(BufferRole role) {
    if (role == BufferRole::DebugLog || role == BufferRole::Completions)
      return "read";
    if (role == BufferRole::User)
      return "none";
    return "read_write";
  }

  Array bindings() {
    Array out;
    for (const BufferDecl *d : sema.buffers) {
      // The module's interface, not the source's: -O drops a buffer no
      // code uses (Sema warns about it), and a host must not be told to
      // bind what the module does not declare.
      if (!facts.bindings.count({d->setValue, d->bindingValue}))
        continue;
      Object b;
      b["name"] = d->name;
      b["set"] = d->setValue;
      b["binding"] = d->bindingValue;
      b["element_type"] = "u32";
      b["access"] = d->access == Access::Read ? "read" : "read_write";
      b["atomic"] = d->atomic;
      BufferRole role = sema.roleOf(d);
      Value words = nullptr, formula = nullptr;
      if (std::optional<uint64_t> n = bufferWords(sema, *d))
        words = *n;
      if (d->size && mentionsProtocol(d->size.get()))
        formula = exprText(*d->size);
      if (d == sema.ringBuffer && !d->size)
        formula = "slot.COUNT * slot.WORDS";
      b["words"] = std::move(words);
      b["size_formula"] = std::move(formula);
      b["role"] = spelling(role);
      b["host_access_while_running"] = hostAccessWhileRunning(role);
      // Only the completion mirror has a placement of its own (every other
      // buffer's follows from host_access_while_running): host-visible,
      // cached system memory, where the host's polls stay in its caches
      // (docs/embedding.md, "Buffer placement").
      if (role == BufferRole::Completions)
        b["placement"] = "host_cached";
      b["init"] = "zero";
      b["doc"] = d->doc;
      out.push_back(std::move(b));
    }
    return out;
  }

  Object protocol() {
    Object out;
    for (unsigned i = 0; i < kNumProtocolValues; ++i) {
      const ProtocolInfo &info = protocolTable()[i];
      Object *group = out.getObject(info.group);
      if (!group) {
        out[info.group] = Object{};
        group = out.getObject(info.group);
      }
      (*group)[info.key] = sema.protocol[static_cast<PV>(i)];
    }
    return out;
  }

  /// Sorted by spec id.
  Array specConstants() {
    std::vector<unsigned> rows;
    for (unsigned i = 0; i < kNumProtocolValues; ++i) {
      int id = protocolTable()[i].specId;
      if (id >= 0)
        rows.push_back(i);
    }
    std::sort(rows.begin(), rows.end(), [](unsigned a, unsigned b) {
      return protocolTable()[a].specId < protocolTable()[b].specId;
    });
    Array out;
    for (unsigned i : rows) {
      const ProtocolInfo &info = protocolTable()[i];
      out.push_back(Object{{"name", (info.group + "." + info.key).str()},
                           {"spec_id", info.specId},
                           {"default", sema.protocol[static_cast<PV>(i)]},
                           {"doc", info.doc}});
    }
    return out;
  }

  /// The persistent loop's shape and what it needs from the device
  /// (docs/protocol.md, "The subgroup skeleton").
  Object skeleton() {
    bool subgroup = plan.subgroupLoop();
    // Only the skeleton uses subgroup operations.
    Array subgroupOps = facts.subgroupOperations;
    return Object{
        {"kind", spelling(plan.loop)},
        // VkPhysicalDeviceSubgroupProperties::supportedOperations and
        // ::supportedStages must hold these.
        {"subgroup_operations", std::move(subgroupOps)},
        {"subgroup_stages", subgroup ? Array{"compute"} : Array{}},
        // Slots an invocation claims at a time (docs/protocol.md).
        {"claim_batch", plan.claimBatch},
        // The portable loop's entry point beside the skeleton's, which a
        // host builds instead on a CPU device (docs/embedding.md); null
        // where every loop is portable.
        {"portable_entry_point", plan.portableEntry()
                                     ? Value(plan.portableEntry()->name)
                                     : Value(nullptr)}};
  }

  Array statusTransitions(bool sharded) {
    auto t = [](const char *from, const char *to, const char *writer) {
      return Object{{"from", from}, {"to", to}, {"writer", writer}};
    };
    Array out{t("EMPTY", "PUBLISHED", "host"),
              t("PUBLISHED", "CLAIMED", "kernel"),
              t("CLAIMED", "DONE", "kernel"), t("DONE", "EMPTY", "host")};
    // A shard hands back a slot it claimed with another shard's opcode
    // (docs/protocol.md, "Shards").
    if (sharded)
      out.push_back(t("CLAIMED", "PUBLISHED", "kernel"));
    return out;
  }

  Object debugLog() {
    return Object{{"cursor_word", v(PV::debug_CURSOR_WORD)},
                  {"records_base", v(PV::debug_RECORDS_BASE)},
                  {"record_words", v(PV::debug_RECORD_WORDS)},
                  {"record_capacity", v(PV::debug_RECORD_CAPACITY)},
                  {"buffer_words", v(PV::debug_BUFFER_WORDS)},
                  {"record_format",
                   Array{"fmt_id", "arg1", "arg2", "slot_base"}},
                  {"cursor_counts", "words"}};
  }

  Object ioQueue() {
    Object words, ops, statuses;
    for (unsigned i = 0; i < kNumProtocolValues; ++i) {
      const ProtocolInfo &info = protocolTable()[i];
      uint32_t x = sema.protocol[static_cast<PV>(i)];
      if (info.group == "io_word")
        words[info.key] = x;
      else if (info.group == "io_op")
        ops[info.key] = x;
      else if (info.group == "io_status")
        statuses[info.key] = x;
    }
    statuses["EMPTY"] = v(PV::status_EMPTY);
    statuses["CLAIMED"] = v(PV::status_CLAIMED);
    statuses["PUBLISHED"] = v(PV::status_PUBLISHED);
    return Object{
        {"slot_count", v(PV::io_SLOT_COUNT)},
        {"slot_words", v(PV::io_SLOT_WORDS)},
        {"word_offsets", std::move(words)},
        {"ops", std::move(ops)},
        {"statuses", std::move(statuses)},
        {"poll_limit_spec_id",
         protocolInfo(PV::io_POLL_LIMIT).specId},
        {"host_services",
         "poll STATUS == PUBLISHED, perform op, write io_status.OK or ERROR"},
        {"kernel_protocol",
         "the kernel claims an EMPTY request slot with a CAS to CLAIMED, "
         "writes the request, release-stores PUBLISHED, polls (acquire) until "
         "OK or ERROR and then stores EMPTY; it gives up after io.POLL_LIMIT "
         "polls or on shutdown, leaving the slot for the host to reset"}};
  }

  /// The format's fixed part comes from vyre/host/packed_slot.h.
  Object packedSlot() {
    namespace packed = host::packed;
    return Object{{"opcode", v(PV::opcode_PACKED_SLOT)},
                  {"max_ops", v(PV::packed_MAX_OPS)},
                  {"count_byte", packed::kCountByte},
                  {"pairs_byte", packed::opcodeByte(0)},
                  {"metadata_words_formula", packed::kMetadataWordsFormula},
                  {"arity_rule", packed::kArityRule},
                  {"inner_opcode_bits", packed::kInnerOpcodeBits}};
  }

  /// How the kernel picks slots (docs/protocol.md, "Schedules", "Tenants").
  Object schedule() {
    const bool priority = v(PV::kernel_SCHEDULE) == v(PV::schedule_PRIORITY);
    const bool gate = v(PV::kernel_TENANT_GATE) != 0;
    Array claimable{"PUBLISHED"};
    if (priority) {
      claimable.push_back("YIELD");
      claimable.push_back("REQUEUE");
    }
    Value partitions = nullptr, accounting = nullptr;
    if (priority) {
      partitions = "priority p (0 most urgent .. priority.LEVELS - 1) owns ring "
                   "slots [control[control.PRIORITY_OFFSETS_BASE + p], "
                   "control[control.PRIORITY_OFFSETS_BASE + p + 1])";
      accounting = Array{
          "control.PRIORITY_STARVATION_COUNTER: +1 per claim at priority.HIGH "
          "or more urgent, else 0",
          "control.TENANT_FAIRNESS_BASE + tenant % "
          "control.TENANT_FAIRNESS_SLOTS: +1 per claim",
          "control.PRIORITY_FAIRNESS_BASE + p: +1 per claim"};
    }
    Value mask = nullptr;
    if (gate)
      mask = "control[control[control.TENANT_BASE] + slot[slot.TENANT_WORD]] "
             "!= 0 (u32 sum; a word outside the bound buffer refuses)";
    return Object{{"kind", priority ? "priority" : "strided"},
                  {"claimable", std::move(claimable)},
                  {"tenant_gate", gate},
                  {"tenant_mask", std::move(mask)},
                  {"partitions", std::move(partitions)},
                  {"accounting", std::move(accounting)}};
  }
  /// The publishing contract the kernel relies on (docs/protocol.md, "The
  /// doorbell"): "scan" (the status word, into any slot) or "doorbell" (in
  /// ring order, then the count in control.DOORBELL). A module that asked
  /// for the doorbell but scans anyway (a handler writes the ring, shards,
  /// the priority schedule) says "scan" and why.
  Object publish() {
    const bool asked = v(PV::kernel_PUBLISH) == v(PV::publish_DOORBELL);
    Value doorbell = nullptr, rule = nullptr, ignored = nullptr;
    if (plan.doorbell) {
      doorbell = v(PV::control_DOORBELL);
      // With a completion mirror the host recycles by the mirror's word,
      // never by the ring's DONE, which lands first (docs/protocol.md,
      // "The completion mirror").
      rule = std::string(
                 "publish slot n mod slot.COUNT as the n-th (payload, then "
                 "the status PUBLISHED with release ordering), then store "
                 "n + 1 modulo slot.COUNT * floor((2^32 - 1) / slot.COUNT) "
                 "in control[control.DOORBELL] (release); recycle a slot "
                 "only once ") +
             (sema.completions ? "its completions word is DONE, and clear "
                                 "that word before publishing into it"
                               : "it is DONE");
    } else if (asked) {
      ignored = plan.priority() ? "the priority schedule claims one slot per pass"
                : plan.sharded() ? "a shard hands slots back to the ring"
                                 : "a handler writes ring_buffer";
    }
    return Object{{"contract", plan.doorbell ? "doorbell" : "scan"},
                  {"doorbell_word", std::move(doorbell)},
                  {"rule", std::move(rule)},
                  {"doorbell_ignored", std::move(ignored)},
                  {"window", plan.doorbell ? Value(kDoorbellWindow) : Value(nullptr)}};
  }

  Array opcodes() {
    Array out;
    for (const HandlerDecl *h : sema.handlers) {
      std::optional<uint32_t> op = h->opcodeValue;
      if (!op && h->opcode)
        op = h->opcode->constValue;
      Object o;
      o["name"] = h->name;
      o["value"] = op ? Value(*op) : Value(nullptr);
      o["builtin"] = h->fromPrelude;
      Value file = nullptr, line = nullptr;
      if (h->loc.isValid()) {
        if (unsigned buf = sm.FindBufferContainingLoc(h->loc)) {
          std::string path =
              sm.getMemoryBuffer(buf)->getBufferIdentifier().str();
          for (const auto &f : module.files)
            if (f->bufferId == buf && !f->path.empty())
              path = f->path;
          file = path;
          line = sm.getLineAndColumn(h->loc, buf).first;
        }
      }
      o["file"] = std::move(file);
      o["line"] = std::move(line);
      o["doc"] = h->doc;
      o["metrics"] = op && *op < v(PV::control_METRICS_SLOTS);
      out.push_back(std::move(o));
    }
    return out;
  }
};

} // namespace

llvm::json::Value vyre::buildManifest(const Module &module,
                                     const SemaResult &sema,
                                     const KernelOptions &opts,
                                     llvm::SourceMgr &sm,
                                     const TargetFacts &facts) {
  return ManifestWriter(module, sema, opts, sm, facts).build();
}

std::optional<uint64_t> vyre::bufferWords(const SemaResult &sema,
                                          const BufferDecl &d) {
  if (d.sizeValue)
    return *d.sizeValue;
  // Runtime-sized: the host sizes the ring from the tunable slot.COUNT.
  if (&d == sema.ringBuffer && !d.size)
    return uint64_t(sema.protocol[PV::slot_COUNT]) *
           sema.protocol[PV::slot_WORDS];
  return std::nullopt;
}

std::string vyre::sha256Hex(llvm::StringRef bytes) {
  return llvm::toHex(llvm::SHA256::hash(llvm::arrayRefFromStringRef(bytes)),
                     /*LowerCase=*/true);
}
