//===- Bounds.cpp - pass 7: constant indices and the protocol layout -----===//
//
// A constant index must lie inside a fixed-size buffer. The evaluated
// protocol must describe a layout the kernel can run: slot words inside the
// slot and distinct, a packed slot able to carry one op, control regions
// disjoint and inside control.WORDS, debug and IO offsets inside their
// records, distinct status values, a legal workgroup size, and protocol
// buffers large enough for the layout. Every layout diagnostic points at
// the protocol entry that finally set the value (an override, if any).
//
//===----------------------------------------------------------------------===//
#include "SemaContext.h"

#include "vyre/host/packed_slot.h"

using namespace vyre;
using namespace vyre::sema;

namespace {

class LayoutChecker {
public:
  explicit LayoutChecker(SemaContext &ctx) : ctx(ctx), diags(ctx.diags) {}
  void run();

private:
  /// All of \p vs are known; fills \p out.
  bool get(std::initializer_list<PV> vs) {
    for (PV v : vs)
      if (!ctx.protocolValue(v))
        return false;
    return true;
  }
  uint64_t val(PV v) { return *ctx.protocolValue(v); }
  void error(PV at, const llvm::Twine &msg) {
    diags.error(ctx.protocolLoc(at), msg);
  }
  void error(std::initializer_list<PV> at, const llvm::Twine &msg) {
    diags.error(ctx.protocolLoc(at), msg);
  }
  void noteAt(PV at, const llvm::Twine &msg) {
    diags.note(ctx.protocolLoc(at), msg);
  }
  std::string v(PV p) { return protocolName(p) + " (" + std::to_string(val(p)) + ")"; }

  void checkSlot();
  void checkPacked();
  void checkControl();
  void checkDebug();
  void checkIo();
  void checkDistinct(std::initializer_list<PV> vs, llvm::StringRef what);
  void checkKernel();
  void checkSchedule();
  void checkBufferSizes();

  SemaContext &ctx;
  DiagnosticEngine &diags;
};

void LayoutChecker::checkDistinct(std::initializer_list<PV> vs,
                                  llvm::StringRef what) {
  std::vector<PV> list(vs);
  for (size_t i = 0; i < list.size(); ++i)
    for (size_t j = 0; j < i; ++j) {
      if (!get({list[i], list[j]}) || val(list[i]) != val(list[j]))
        continue;
      // Report at whichever was set by the later file; note the other.
      PV at = list[i], other = list[j];
      if (ctx.protocolLoc({list[j], list[i]}).getPointer() ==
          ctx.protocolLoc(list[j]).getPointer())
        std::swap(at, other);
      error(at, what + " " + protocolName(at) + " and " + protocolName(other) +
                    " have the same value " + std::to_string(val(at)));
      noteAt(other, protocolName(other) + " is set here");
      break;
    }
}

void LayoutChecker::checkSlot() {
  using P = PV;
  if (get({P::slot_COUNT}) && val(P::slot_COUNT) < 1)
    error(P::slot_COUNT, "slot.COUNT must be at least 1");
  if (get({P::slot_COUNT}) && val(P::slot_COUNT) > (1u << 20))
    error(P::slot_COUNT, "slot.COUNT (" + std::to_string(val(P::slot_COUNT)) +
                             ") exceeds the host limit of 1048576 ring slots");
  if (!get({P::slot_WORDS}))
    return;
  uint64_t words = val(P::slot_WORDS);
  for (PV w : {P::slot_STATUS_WORD, P::slot_OPCODE_WORD, P::slot_TENANT_WORD,
               P::slot_PRIORITY_WORD, P::slot_ARG0_WORD})
    if (get({w}) && val(w) >= words)
      error(w, "slot word " + v(w) + " is outside the slot (slot.WORDS is " +
                   std::to_string(words) + ")");
  checkDistinct({P::slot_STATUS_WORD, P::slot_OPCODE_WORD, P::slot_TENANT_WORD,
                 P::slot_PRIORITY_WORD, P::slot_ARG0_WORD},
                "slot words");
  if (get({P::slot_ARG0_WORD, P::slot_ARGS}) && val(P::slot_ARG0_WORD) < words) {
    if (val(P::slot_ARGS) != words - val(P::slot_ARG0_WORD))
      error({P::slot_ARGS, P::slot_WORDS, P::slot_ARG0_WORD}, "slot.ARGS (" + std::to_string(val(P::slot_ARGS)) +
                              ") must equal slot.WORDS - slot.ARG0_WORD (" +
                              std::to_string(words - val(P::slot_ARG0_WORD)) +
                              ")");
    for (PV w : {P::slot_STATUS_WORD, P::slot_OPCODE_WORD, P::slot_TENANT_WORD,
                 P::slot_PRIORITY_WORD})
      if (get({w}) && val(w) > val(P::slot_ARG0_WORD) && val(w) < words)
        error(w, "slot word " + v(w) + " lies inside the argument words (" +
                     "slot.ARG0_WORD.." + "slot.WORDS)");
  }
}

void LayoutChecker::checkPacked() {
  using P = PV;
  if (!get({P::slot_ARGS, P::packed_MAX_OPS}))
    return;
  namespace packed = host::packed;
  uint64_t args = val(P::slot_ARGS);
  // One inner op: its metadata words, then its argument triple at offset 0.
  if (!packed::argumentsFit(packed::metadataWords(1), 0, args)) {
    error({P::slot_ARGS, P::slot_WORDS, P::slot_ARG0_WORD},
          "a packed slot cannot hold one op: it needs " +
              std::to_string(packed::metadataWords(1)) + " metadata word + " +
              std::to_string(packed::kArgsPerOp) +
              " argument words, but slot.ARGS is " + std::to_string(args));
    return;
  }
  if (val(P::packed_MAX_OPS) != packed::maxOpsFor(args))
    error({P::packed_MAX_OPS, P::slot_ARGS, P::slot_WORDS, P::slot_ARG0_WORD},
          "packed.MAX_OPS (" + std::to_string(val(P::packed_MAX_OPS)) +
              ") must equal slot.ARGS / " + std::to_string(packed::kArgsPerOp) +
              " (" + std::to_string(packed::maxOpsFor(args)) + ")");
}

void LayoutChecker::checkControl() {
  using P = PV;
  struct Region {
    PV base;
    uint64_t len;
    PV lenValue; // base itself when the length is fixed
  };
  std::vector<Region> regions;
  auto add = [&](PV base, std::optional<PV> lenValue, uint64_t len) {
    if (!get({base}))
      return;
    if (lenValue) {
      if (!get({*lenValue}))
        return;
      len = val(*lenValue);
    }
    regions.push_back({base, len, lenValue.value_or(base)});
  };
  add(P::control_SHUTDOWN, {}, 1);
  add(P::control_DONE_COUNT, {}, 1);
  add(P::control_TENANT_BASE, {}, 1);
  add(P::control_TENANT_QUOTA_BASE, {}, 1);
  add(P::control_TENANT_FAIRNESS_BASE, P::control_TENANT_FAIRNESS_SLOTS, 0);
  add(P::control_METRICS_BASE, P::control_METRICS_SLOTS, 0);
  add(P::control_EPOCH, {}, 1);
  // priority.LEVELS partitions need LEVELS + 1 offsets (the last one ends
  // the least urgent partition).
  if (get({P::priority_LEVELS, P::control_PRIORITY_OFFSETS_BASE}))
    regions.push_back({P::control_PRIORITY_OFFSETS_BASE,
                       val(P::priority_LEVELS) + 1, P::priority_LEVELS});
  add(P::control_PRIORITY_STARVATION_COUNTER, {}, 1);
  add(P::control_PRIORITY_FAIRNESS_BASE, P::priority_LEVELS, 0);
  add(P::control_UNKNOWN_OPCODE_COUNT, {}, 1);
  add(P::control_OUT_OF_BOUNDS_COUNT, {}, 1);
  add(P::control_PACKED_CLAMPED_COUNT, {}, 1);
  add(P::control_PACKED_ARITY_COUNT, {}, 1);
  add(P::control_IO_TIMEOUT_COUNT, {}, 1);
  add(P::control_IO_ERROR_COUNT, {}, 1);
  add(P::control_CUT_SHORT_COUNT, {}, 1);
  add(P::control_DOORBELL, {}, 1);
  add(P::control_OBSERVABLE_BASE, P::control_OBSERVABLE_WORDS, 0);

  auto range = [&](const Region &r) {
    return "[" + std::to_string(val(r.base)) + ", " +
           std::to_string(val(r.base) + r.len) + ")";
  };
  for (size_t i = 0; i < regions.size(); ++i) {
    const Region &a = regions[i];
    if (a.len == 0)
      continue;
    for (size_t j = 0; j < i; ++j) {
      const Region &b = regions[j];
      if (b.len == 0)
        continue;
      uint64_t a0 = val(a.base), a1 = a0 + a.len;
      uint64_t b0 = val(b.base), b1 = b0 + b.len;
      if (a0 < b1 && b0 < a1) {
        error({a.base, a.lenValue, b.base, b.lenValue},
              "control region " + protocolName(a.base) + " " +
                          range(a) + " overlaps " + protocolName(b.base) +
                          " " + range(b));
        noteAt(b.base, protocolName(b.base) + " is set here");
        break;
      }
    }
  }
  if (get({P::control_WORDS}))
    for (const Region &r : regions)
      if (val(r.base) + r.len > val(P::control_WORDS)) {
        error({r.base, r.lenValue, P::control_WORDS}, "control region " +
                                              protocolName(r.base) + " " +
                                              range(r) + " extends past control.WORDS (" +
                          std::to_string(val(P::control_WORDS)) + ")");
        noteAt(P::control_WORDS, "control.WORDS is set here");
      }
  if (get({P::control_OBSERVABLE_WORDS}) &&
      val(P::control_OBSERVABLE_WORDS) > (1u << 20))
    error(P::control_OBSERVABLE_WORDS,
          "control.OBSERVABLE_WORDS exceeds the host limit of 1048576 words");
}

void LayoutChecker::checkDebug() {
  using P = PV;
  if (!get({P::debug_CURSOR_WORD, P::debug_RECORDS_BASE, P::debug_RECORD_WORDS,
            P::debug_RECORD_CAPACITY, P::debug_BUFFER_WORDS}))
    return;
  uint64_t base = val(P::debug_RECORDS_BASE), rw = val(P::debug_RECORD_WORDS);
  uint64_t cap = val(P::debug_RECORD_CAPACITY), total = val(P::debug_BUFFER_WORDS);
  uint64_t end = base + rw * cap;
  if (rw < 4)
    error(P::debug_RECORD_WORDS,
          "debug.RECORD_WORDS (" + std::to_string(rw) +
              ") is too small: a PRINTF record has 4 words");
  if (cap > (1u << 20))
    error(P::debug_RECORD_CAPACITY,
          "debug.RECORD_CAPACITY exceeds the host limit of 1048576 records");
  if (end > total)
    error({P::debug_RECORDS_BASE, P::debug_RECORD_CAPACITY,
           P::debug_RECORD_WORDS, P::debug_BUFFER_WORDS},
          "debug records [" + std::to_string(base) + ", " +
              std::to_string(end) + ") extend past debug.BUFFER_WORDS (" +
              std::to_string(total) + ")");
  uint64_t cursor = val(P::debug_CURSOR_WORD);
  if (cursor >= total)
    error({P::debug_CURSOR_WORD, P::debug_BUFFER_WORDS},
          "debug.CURSOR_WORD (" + std::to_string(cursor) + ") is outside the debug log (" +
                                    "debug.BUFFER_WORDS is " +
                                    std::to_string(total) + ")");
  else if (cap != 0 && rw != 0 && cursor >= base && cursor < end)
    error({P::debug_CURSOR_WORD, P::debug_RECORDS_BASE,
           P::debug_RECORD_CAPACITY, P::debug_RECORD_WORDS},
          "debug.CURSOR_WORD (" + std::to_string(cursor) + ") lies inside the records [" + std::to_string(base) + ", " +
              std::to_string(end) + ")");
}

void LayoutChecker::checkIo() {
  using P = PV;
  if (get({P::io_SLOT_WORDS})) {
    uint64_t words = val(P::io_SLOT_WORDS);
    for (PV w : {P::io_word_OP_TYPE, P::io_word_SRC_HANDLE,
                 P::io_word_DST_HANDLE, P::io_word_OFFSET_LO,
                 P::io_word_OFFSET_HI, P::io_word_BYTE_COUNT,
                 P::io_word_STATUS, P::io_word_TAG})
      if (get({w}) && val(w) >= words)
        error(w, "IO request word " + v(w) +
                     " is outside the request (io.SLOT_WORDS is " +
                     std::to_string(words) + ")");
  }
  checkDistinct({P::io_word_OP_TYPE, P::io_word_SRC_HANDLE,
                 P::io_word_DST_HANDLE, P::io_word_OFFSET_LO,
                 P::io_word_OFFSET_HI, P::io_word_BYTE_COUNT,
                 P::io_word_STATUS, P::io_word_TAG},
                "IO request words");
  checkDistinct({P::io_op_READ, P::io_op_WRITE, P::io_op_FENCE}, "IO ops");
  // The request STATUS word holds EMPTY, CLAIMED, PUBLISHED or an io_status.
  checkDistinct({P::status_EMPTY, P::status_CLAIMED, P::status_PUBLISHED,
                 P::io_status_OK, P::io_status_ERROR},
                "IO request status values");
}

void LayoutChecker::checkKernel() {
  using P = PV;
  if (get({P::kernel_WORKGROUP_SIZE})) {
    uint64_t n = val(P::kernel_WORKGROUP_SIZE);
    if (n < 1 || n > 1024)
      error(P::kernel_WORKGROUP_SIZE,
            "kernel.WORKGROUP_SIZE (" + std::to_string(n) +
                ") must be between 1 and 1024");
  }
  checkDistinct({P::status_EMPTY, P::status_PUBLISHED, P::status_CLAIMED,
                 P::status_DONE, P::status_WAIT_IO, P::status_YIELD,
                 P::status_REQUEUE, P::status_FAULT},
                "slot status values");
  checkDistinct({P::priority_CRITICAL, P::priority_HIGH, P::priority_NORMAL,
                 P::priority_LOW, P::priority_IDLE},
                "priorities");
  checkSchedule();
}

/// The schedule and tenant-gate choices, and the priority levels the
/// priority schedule scans (docs/protocol.md, "Schedules").
void LayoutChecker::checkSchedule() {
  using P = PV;
  checkDistinct({P::schedule_STRIDED, P::schedule_PRIORITY}, "schedules");
  if (get({P::kernel_SCHEDULE, P::schedule_STRIDED, P::schedule_PRIORITY}) &&
      val(P::kernel_SCHEDULE) != val(P::schedule_STRIDED) &&
      val(P::kernel_SCHEDULE) != val(P::schedule_PRIORITY))
    error(P::kernel_SCHEDULE, "kernel.SCHEDULE (" +
                                  std::to_string(val(P::kernel_SCHEDULE)) +
                                  ") must be schedule.STRIDED or schedule.PRIORITY");
  if (get({P::kernel_TENANT_GATE}) && val(P::kernel_TENANT_GATE) > 1)
    error(P::kernel_TENANT_GATE, "kernel.TENANT_GATE (" +
                                     std::to_string(val(P::kernel_TENANT_GATE)) +
                                     ") must be 0 or 1");
  checkDistinct({P::publish_SCAN, P::publish_DOORBELL}, "publishing contracts");
  if (get({P::kernel_PUBLISH, P::publish_SCAN, P::publish_DOORBELL}) &&
      val(P::kernel_PUBLISH) != val(P::publish_SCAN) &&
      val(P::kernel_PUBLISH) != val(P::publish_DOORBELL))
    error(P::kernel_PUBLISH, "kernel.PUBLISH (" +
                                 std::to_string(val(P::kernel_PUBLISH)) +
                                 ") must be publish.SCAN or publish.DOORBELL");
  if (get({P::control_TENANT_FAIRNESS_SLOTS}) &&
      val(P::control_TENANT_FAIRNESS_SLOTS) < 1)
    error(P::control_TENANT_FAIRNESS_SLOTS,
          "control.TENANT_FAIRNESS_SLOTS must be at least 1");
  if (!get({P::priority_LEVELS}))
    return;
  uint64_t levels = val(P::priority_LEVELS);
  if (levels < 1 || levels > 32) {
    error(P::priority_LEVELS, "priority.LEVELS (" + std::to_string(levels) +
                                  ") must be between 1 and 32");
    return;
  }
  // The starvation guard counts claims at priority.HIGH or more urgent.
  if (get({P::priority_HIGH}) && val(P::priority_HIGH) >= levels)
    error({P::priority_HIGH, P::priority_LEVELS},
          v(P::priority_HIGH) + " must be below priority.LEVELS (" +
              std::to_string(levels) + ")");
}

void LayoutChecker::checkBufferSizes() {
  using P = PV;
  auto need = [&](const BufferDecl *b, uint64_t words, const std::string &why) {
    if (!b || !b->sizeValue || *b->sizeValue >= words)
      return;
    diags.error(exprStart(*b->size), "buffer '" + b->name + "' holds " +
                                  std::to_string(*b->sizeValue) +
                                  " words, but " + why + " needs " +
                                  std::to_string(words));
  };
  if (get({P::control_WORDS}))
    need(ctx.result.control, val(P::control_WORDS), "control.WORDS");
  if (get({P::debug_BUFFER_WORDS}))
    need(ctx.result.debugLog, val(P::debug_BUFFER_WORDS), "debug.BUFFER_WORDS");
  if (get({P::io_SLOT_COUNT, P::io_SLOT_WORDS}))
    need(ctx.result.ioQueue, val(P::io_SLOT_COUNT) * val(P::io_SLOT_WORDS),
         "io.SLOT_COUNT * io.SLOT_WORDS");
  if (get({P::slot_COUNT, P::slot_WORDS}))
    need(ctx.result.ringBuffer, val(P::slot_COUNT) * val(P::slot_WORDS),
         "slot.COUNT * slot.WORDS");
  if (get({P::slot_COUNT}))
    need(ctx.result.completions, val(P::slot_COUNT),
         "the completion mirror (a word per slot: slot.COUNT)");
}

void LayoutChecker::run() {
  checkSlot();
  checkPacked();
  checkControl();
  checkDebug();
  checkIo();
  checkKernel();
  checkBufferSizes();
}

/// A constant index outside a fixed-size buffer.
void checkIndex(DiagnosticEngine &diags, const BufferRef &ref, const Expr *index) {
  if (!ref.decl || !ref.decl->sizeValue || !index || !index->constValue)
    return;
  if (*index->constValue < *ref.decl->sizeValue)
    return;
  diags.error(exprStart(*index), "index " + llvm::Twine(*index->constValue) +
                              " is out of bounds for buffer '" + ref.name +
                              "' of " + llvm::Twine(*ref.decl->sizeValue) +
                              " words");
  diags.note(ref.decl->loc, "'" + ref.name + "' is declared here");
}

} // namespace

void vyre::sema::runBoundsChecks(SemaContext &ctx) {
  // Each handler's stores, then its loads and atomics.
  for (const HandlerAccesses &h : ctx.handlerAccesses()) {
    for (const StoreStmt *st : h.stores)
      checkIndex(ctx.diags, st->buffer, st->index.get());
    for (const Expr *e : h.loadsAndAtomics) {
      if (auto *l = llvm::dyn_cast<LoadExpr>(e))
        checkIndex(ctx.diags, l->buffer, l->index.get());
      else
        checkIndex(ctx.diags, llvm::cast<AtomicExpr>(e)->buffer,
                   llvm::cast<AtomicExpr>(e)->index.get());
    }
  }
  LayoutChecker(ctx).run();
}
