//===- HostLayout.cpp - what a host knows about a compiled megakernel ------===//
//
// The layout read from a manifest (docs/manifest.md), and the host.h Layout
// of a set of protocol values.
//
//===----------------------------------------------------------------------===//
#include "vyre/Scenario/HostLayout.h"
#include "JsonRead.h"

#include "llvm/ADT/STLExtras.h"

using namespace vyre;
using namespace vyre::scenario;
using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;

namespace {

/// A binding's "role" (a manifest without one: the buffer's name). The
/// short spellings "ring", "debug" and "io" are accepted too.
BufferRole roleFromString(llvm::StringRef role, llvm::StringRef name) {
  llvm::StringRef r = role.empty() ? name : role;
  for (BufferRole known : kBufferRoles)
    if (r == spelling(known))
      return known;
  if (r == "ring")
    return BufferRole::Ring;
  if (r == "debug")
    return BufferRole::DebugLog;
  if (r == "io")
    return BufferRole::IoQueue;
  return BufferRole::User;
}

} // namespace

int HostLayout::find(BufferRole role) const {
  for (unsigned i = 0; i < buffers.size(); ++i)
    if (buffers[i].role == role)
      return static_cast<int>(i);
  return -1;
}

int HostLayout::find(llvm::StringRef name) const {
  for (unsigned i = 0; i < buffers.size(); ++i)
    if (buffers[i].name == name)
      return static_cast<int>(i);
  return -1;
}

//===-- The manifest ------------------------------------------------------===//

namespace {

/// "protocol": every row of the table.
llvm::Error readProtocolValues(const Object &m, HostLayout &layout) {
  const Object *proto = m.getObject("protocol");
  if (!proto)
    return err("manifest: missing \"protocol\"");
  for (unsigned i = 0; i < kNumProtocolValues; ++i) {
    PV pv = static_cast<PV>(i);
    const ProtocolInfo &info = protocolInfo(pv);
    const Object *group = proto->getObject(info.group);
    const Value *v = group ? group->get(info.key) : nullptr;
    if (!v)
      return err("manifest: protocol value " + protocolName(pv) + " is missing");
    auto x = getNumber(*v, "manifest: protocol value " + protocolName(pv));
    if (!x)
      return x.takeError();
    layout.protocol.set(pv, static_cast<uint32_t>(*x));
  }
  return llvm::Error::success();
}

/// "workgroup_size": a number or [x, y, z] (default kernel.WORKGROUP_SIZE).
llvm::Error readWorkgroupSize(const Object &m, HostLayout &layout) {
  if (const Value *wg = m.get("workgroup_size")) {
    const Value *x = wg;
    if (const Array *a = wg->getAsArray())
      x = a->empty() ? nullptr : &(*a)[0];
    if (!x)
      return err("manifest: empty \"workgroup_size\"");
    auto n = getNumber(*x, "manifest: workgroup_size");
    if (!n)
      return n.takeError();
    layout.workgroupSize = static_cast<uint32_t>(*n);
  } else {
    layout.workgroupSize = layout.protocol[PV::kernel_WORKGROUP_SIZE];
  }
  return llvm::Error::success();
}

/// One entry of "bindings".
llvm::Expected<HostBuffer> readBinding(const Object &b) {
  HostBuffer hb;
  auto name = b.getString("name");
  if (!name)
    return err("manifest: a binding has no \"name\"");
  hb.name = name->str();
  llvm::StringRef role = b.getString("role").getValueOr("");
  hb.role = roleFromString(role, hb.name);
  if (const Value *s = b.get("set")) {
    auto x = getNumber(*s, "manifest: " + hb.name + ".set");
    if (!x)
      return x.takeError();
    hb.set = static_cast<uint32_t>(*x);
  }
  const Value *bn = b.get("binding");
  if (!bn)
    return err("manifest: binding " + hb.name + " has no \"binding\"");
  auto x = getNumber(*bn, "manifest: " + hb.name + ".binding");
  if (!x)
    return x.takeError();
  hb.binding = static_cast<uint32_t>(*x);
  if (const Value *w = b.get("words"); w && w->kind() != Value::Null) {
    auto n = getNumber(*w, "manifest: " + hb.name + ".words", ~0ull);
    if (!n)
      return n.takeError();
    hb.words = *n;
  }
  return hb;
}

/// "bindings", sorted by (set, binding).
llvm::Error readBindings(const Object &m, HostLayout &layout) {
  const Array *bindings = m.getArray("bindings");
  if (!bindings)
    return err("manifest: missing \"bindings\"");
  for (const Value &bv : *bindings) {
    const Object *b = bv.getAsObject();
    if (!b)
      return err("manifest: a binding is not an object");
    auto hb = readBinding(*b);
    if (!hb)
      return hb.takeError();
    layout.buffers.push_back(std::move(*hb));
  }
  llvm::sort(layout.buffers, [](const HostBuffer &a, const HostBuffer &b) {
    return std::make_pair(a.set, a.binding) < std::make_pair(b.set, b.binding);
  });
  return llvm::Error::success();
}

/// "opcodes": name and value of every handler opcode.
llvm::Error readOpcodes(const Object &m, HostLayout &layout) {
  if (const Array *opcodes = m.getArray("opcodes")) {
    for (const Value &ov : *opcodes) {
      const Object *o = ov.getAsObject();
      auto name = o ? o->getString("name") : llvm::None;
      const Value *value = o ? o->get("value") : nullptr;
      if (!name || !value)
        return err("manifest: an opcode needs \"name\" and \"value\"");
      auto x = getNumber(*value, "manifest: opcode " + *name);
      if (!x)
        return x.takeError();
      layout.opcodes.emplace_back(name->str(), static_cast<uint32_t>(*x));
    }
  }
  return llvm::Error::success();
}

/// "spec_constants": named "group.KEY" or matched by spec id.
llvm::Error readSpecConstants(const Object &m, HostLayout &layout) {
  if (const Array *specs = m.getArray("spec_constants")) {
    for (const Value &sv : *specs) {
      const Object *s = sv.getAsObject();
      const Value *id = s ? s->get("spec_id") : nullptr;
      if (!id)
        return err("manifest: a spec constant has no \"spec_id\"");
      auto x = getNumber(*id, "manifest: spec_id");
      if (!x)
        return x.takeError();
      std::optional<PV> pv;
      if (auto name = s->getString("name")) {
        auto [g, k] = name->split('.');
        if (auto p = lookupProtocolValue(g, k))
          pv = *p;
      }
      if (!pv)
        for (unsigned i = 0; i < kNumProtocolValues; ++i)
          if (protocolInfo(static_cast<PV>(i)).specId == static_cast<int>(*x))
            pv = static_cast<PV>(i);
      if (!pv)
        return err("manifest: spec constant " + llvm::Twine(*x) +
                   " is no protocol value");
      layout.specConstants.push_back({*pv, static_cast<uint32_t>(*x)});
    }
  }
  return llvm::Error::success();
}

} // namespace

llvm::Expected<HostLayout> vyre::layoutFromManifest(const Value &manifest) {
  const Object *m = manifest.getAsObject();
  if (!m)
    return err("manifest: expected a JSON object");
  auto schema = m->getString("schema");
  if (!schema || !schema->startswith("vyre-manifest/"))
    return err("manifest: missing or unknown \"schema\"");
  HostLayout layout;
  for (auto read : {readProtocolValues, readWorkgroupSize, readBindings,
                    readOpcodes, readSpecConstants})
    if (auto e = read(*m, layout))
      return e;
  return layout;
}

host::Layout vyre::hostLayout(const ProtocolValues &P) {
  host::Layout l;
  l.slotWords = P[PV::slot_WORDS];
  l.statusWord = P[PV::slot_STATUS_WORD];
  l.opcodeWord = P[PV::slot_OPCODE_WORD];
  l.tenantWord = P[PV::slot_TENANT_WORD];
  l.priorityWord = P[PV::slot_PRIORITY_WORD];
  l.arg0Word = P[PV::slot_ARG0_WORD];
  l.argsPerSlot = P[PV::slot_ARGS];
  l.slotCount = P[PV::slot_COUNT];
  l.statusEmpty = P[PV::status_EMPTY];
  l.statusPublished = P[PV::status_PUBLISHED];
  l.statusClaimed = P[PV::status_CLAIMED];
  l.statusDone = P[PV::status_DONE];
  l.shutdownWord = P[PV::control_SHUTDOWN];
  l.doneCountWord = P[PV::control_DONE_COUNT];
  l.metricsBase = P[PV::control_METRICS_BASE];
  l.metricsSlots = P[PV::control_METRICS_SLOTS];
  l.epochWord = P[PV::control_EPOCH];
  l.unknownOpcodeCountWord = P[PV::control_UNKNOWN_OPCODE_COUNT];
  l.observableBase = P[PV::control_OBSERVABLE_BASE];
  l.tenantBase = P[PV::control_TENANT_BASE];
  l.tenantQuotaBase = P[PV::control_TENANT_QUOTA_BASE];
  l.tenantFairnessBase = P[PV::control_TENANT_FAIRNESS_BASE];
  l.priorityOffsetsBase = P[PV::control_PRIORITY_OFFSETS_BASE];
  l.priorityLevels = P[PV::priority_LEVELS];
  l.priorityNormal = P[PV::priority_NORMAL];
  l.outOfBoundsCountWord = P[PV::control_OUT_OF_BOUNDS_COUNT];
  l.packedClampedCountWord = P[PV::control_PACKED_CLAMPED_COUNT];
  l.packedArityCountWord = P[PV::control_PACKED_ARITY_COUNT];
  l.ioTimeoutCountWord = P[PV::control_IO_TIMEOUT_COUNT];
  l.ioErrorCountWord = P[PV::control_IO_ERROR_COUNT];
  l.cutShortCountWord = P[PV::control_CUT_SHORT_COUNT];
  // A module that ignores the doorbell (docs/protocol.md, "The doorbell")
  // is still served by a host that rings it: in-order publishing with
  // status words is also the scan contract.
  l.doorbell = P[PV::kernel_PUBLISH] == P[PV::publish_DOORBELL] ? 1 : 0;
  l.doorbellWord = P[PV::control_DOORBELL];
  l.debugCursorWord = P[PV::debug_CURSOR_WORD];
  l.debugRecordsBase = P[PV::debug_RECORDS_BASE];
  l.debugRecordWords = P[PV::debug_RECORD_WORDS];
  l.debugBufferWords = P[PV::debug_BUFFER_WORDS];
  l.ioSlotCount = P[PV::io_SLOT_COUNT];
  l.ioSlotWords = P[PV::io_SLOT_WORDS];
  l.ioStatusWord = P[PV::io_word_STATUS];
  l.ioStatusOk = P[PV::io_status_OK];
  l.ioStatusError = P[PV::io_status_ERROR];
  l.packedSlotOpcode = P[PV::opcode_PACKED_SLOT];
  l.packedMaxOps = P[PV::packed_MAX_OPS];
  return l;
}
