//===- Interp.cpp - a tree-walking interpreter of the validated IR -------===//
//
// Small on purpose: it is the executable specification the SPIR-V backend is
// tested against. Values are u32 (bools are 0 or 1); every operand is
// evaluated left to right; `&&`/`||` evaluate both sides; x / 0 == x % 0 ==
// 0; shifts use the amount & 31; atomics return the previous value.
//
//===----------------------------------------------------------------------===//
#include "vyre/Interp/Interp.h"
#include "vyre/Kernel/KernelPlan.h"
#include "vyre/host/host.h"
#include "vyre/host/packed_slot.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Casting.h"

#include <algorithm>

using namespace vyre;
using llvm::cast;
using llvm::dyn_cast;

HostLayout vyre::layoutFromSema(const Module &, const SemaResult &sema) {
  HostLayout layout;
  layout.protocol = sema.protocol;
  layout.workgroupSize = sema.protocol[PV::kernel_WORKGROUP_SIZE];
  for (const BufferDecl *b : sema.buffers) {
    HostBuffer hb;
    hb.name = b->name;
    hb.set = b->setValue;
    hb.binding = b->bindingValue;
    if (b->size)
      hb.words = b->sizeValue;
    hb.role = sema.roleOf(b);
    layout.buffers.push_back(std::move(hb));
  }
  std::stable_sort(layout.buffers.begin(), layout.buffers.end(),
                   [](const HostBuffer &a, const HostBuffer &b) {
                     return std::make_pair(a.set, a.binding) <
                            std::make_pair(b.set, b.binding);
                   });
  for (const HandlerDecl *h : sema.handlers)
    if (h->opcodeValue)
      layout.opcodes.emplace_back(h->name, *h->opcodeValue);
  for (unsigned i = 0; i < kNumProtocolValues; ++i)
    if (protocolInfo(static_cast<PV>(i)).specId >= 0)
      layout.specConstants.push_back(
          {static_cast<PV>(i),
           static_cast<uint32_t>(protocolInfo(static_cast<PV>(i)).specId)});
  return layout;
}

namespace {

/// Thrown to stop the run (a fault or a hang).
struct Stop {
  InterpResult::Status status;
  std::string message;
  llvm::SMLoc loc;
};

enum class Flow { Normal, Break };

class Machine {
public:
  Machine(const SemaResult &sema, const HostLayout &layout, const Scenario &s,
          const ShardPlan *plan, InterpResult &out)
      : sema(sema), layout(layout), s(s), plan(plan), P(s.protocol),
        mem(out.memory),
        serviced(out.serviced), steps(out.steps) {
    for (unsigned i = 0; i < layout.buffers.size(); ++i)
      bufferIndex[layout.buffers[i].name] = i;
    control = layout.find(BufferRole::Control);
    ring = layout.find(BufferRole::Ring);
    ioQueue = layout.find(BufferRole::IoQueue);
    completions = layout.find(BufferRole::Completions);
  }

  /// One dispatch: every shard's persistent loop, one after another (an
  /// unsharded module has one). With "publish": "live", dispatches again
  /// while the host has not requested the shutdown, as vyre-run does
  /// (Host::relaunchLive); a dispatch in which neither the kernel nor the
  /// host did anything can only be followed by identical ones, so it is
  /// the hang vyre-run reports after timeout_ms.
  void run() {
    if (s.publishLive)
      startLive();
    for (;;) {
      bool progress = false;
      for (unsigned i = 0, n = plan ? plan->shards.size() : 1; i < n; ++i)
        progress |= runShard(i);
      if (!s.publishLive || live.shutdown)
        return;
      if (!progress)
        throw Stop{InterpResult::Hang, liveHang(), {}};
    }
  }

private:
  const SemaResult &sema;
  const HostLayout &layout;
  const Scenario &s;
  const ShardPlan *plan; // null: unsharded
  const ProtocolValues &P;
  std::vector<std::vector<uint32_t>> &mem;
  IoLog &serviced;
  uint64_t &steps;

  llvm::StringMap<unsigned> bufferIndex;
  int control, ring, ioQueue;
  int completions; // the completion mirror, or -1

  /// "publish": "live": vyre-run's host (Host::publishLive), made
  /// deterministic: it acts before every invocation's pass, as soon as it
  /// can, publishing slot k once DONE_COUNT reaches k and requesting the
  /// shutdown once every slot is done.
  struct LiveHost {
    std::vector<uint32_t> slots; // the scenario's ring
    unsigned published = 0;
    bool shutdown = false;
  } live;
  void startLive();
  /// One look by the live host; true if it published or shut down.
  bool liveHostStep();
  std::string liveHang();

  // The running handler.
  const HandlerDecl *handler = nullptr;
  uint32_t inputs[kNumHandlerInputs] = {};
  llvm::DenseMap<const LocalDecl *, uint32_t> locals;

  [[noreturn]] void fault(llvm::SMLoc loc, const std::string &msg) {
    throw Stop{InterpResult::Fault, msg, loc};
  }
  void step() {
    if (++steps > s.maxSteps)
      throw Stop{InterpResult::Hang,
                 "no result after " + std::to_string(s.maxSteps) +
                     " steps (scenario max_steps)",
                 {}};
  }

  uint32_t &word(unsigned buffer, uint64_t index, llvm::SMLoc loc);
  /// A handler's access to ref[index], bounds-checked like the kernel's
  /// guard (docs/protocol.md, "Robustness"): null, and
  /// control[OUT_OF_BOUNDS_COUNT] += 1, when index is outside the buffer.
  uint32_t *guardedWord(const BufferRef &ref, uint32_t index, llvm::SMLoc loc);
  void countError(PV counter) { word(control, P[counter], {}) += 1; }

  uint32_t eval(const Expr &e);
  uint32_t evalAtomic(const AtomicExpr &e);
  Flow exec(const Stmt &st);
  Flow execBlock(const BlockStmt &b);

  void dispatch(uint32_t opcode, uint32_t a0, uint32_t a1, uint32_t a2,
                uint32_t slotBase);
  void runSlot(uint32_t slotBase);
  /// kernel.TENANT_GATE: control[TENANT_BASE], read once per pass, and
  /// whether the slot at \p slotBase may be claimed.
  uint32_t tenantTable();
  bool tenantAllows(uint32_t table, uint64_t slotBase);
  /// Runs a claimed slot, counts it in DONE_COUNT and marks it DONE.
  void finishSlot(uint64_t slot);
  /// One pass of invocation \p gid; true if it claimed a slot.
  bool stridedPass(uint64_t gid, uint64_t nthreads, uint64_t count);
  /// Claims and runs the slot if it is PUBLISHED (and the tenant gate and
  /// the running shard allow it); true if it did.
  bool claimSlot(uint64_t slot, uint32_t tenantTable);
  /// Whether pass \p pass reads control.SHUTDOWN: every pass, or under
  /// the doorbell every kDoorbellShutdownPasses-th.
  bool readsShutdown(uint32_t pass) const {
    return !doorbell() || pass % kDoorbellShutdownPasses == 0;
  }
  /// kernel.PUBLISH = publish.DOORBELL (KernelPlan::doorbell): the pass of
  /// invocation \p gid, which last saw the doorbell at \p seen.
  bool doorbellPass(uint64_t gid, uint64_t nthreads, uint64_t count,
                    uint32_t pass, bool shutdown, uint32_t &seen);
  bool doorbell() const {
    return P[PV::kernel_PUBLISH] == P[PV::publish_DOORBELL] && singleDrainPass();
  }
  bool priorityPass(uint64_t gid, uint64_t nthreads, uint64_t count);
  /// Whether one pass that began after an invocation saw SHUTDOWN drains
  /// its slots, so it leaves even if it claimed some (docs/protocol.md,
  /// "The persistent loop": only_host_publishes; Megakernel's
  /// singleDrainPass). The priority schedule never does.
  bool singleDrainPass() const {
    return P[PV::kernel_SCHEDULE] != P[PV::schedule_PRIORITY] && !plan &&
           !sema.handlersWriteRing;
  }
  /// One shard's persistent loop; true if anything was claimed, or the
  /// live host acted.
  bool runShard(unsigned shard);
  /// Sharded: does the running shard own the slot at \p slotBase?
  bool shardOwns(uint64_t slotBase) {
    return !plan ||
           plan->owner(word(ring, slotBase + P[PV::slot_OPCODE_WORD], {})) ==
               shard;
  }
  unsigned shard = 0; // the running shard
};

uint32_t &Machine::word(unsigned buffer, uint64_t index, llvm::SMLoc loc) {
  std::vector<uint32_t> &words = mem[buffer];
  if (index >= words.size())
    fault(loc, "out-of-range access " + layout.buffers[buffer].name + "[" +
                   std::to_string(index) + "] (the buffer has " +
                   std::to_string(words.size()) + " words)" +
                   (handler ? " in handler " + handler->name : std::string()));
  uint32_t &w = words[index];
  // The host: it services a published IO request before any access sees it.
  if (static_cast<int>(buffer) == ioQueue && s.serviceIo &&
      w == P[PV::status_PUBLISHED] && P[PV::io_SLOT_WORDS] != 0 &&
      index % P[PV::io_SLOT_WORDS] == P[PV::io_word_STATUS] &&
      index / P[PV::io_SLOT_WORDS] < P[PV::io_SLOT_COUNT] &&
      index - P[PV::io_word_STATUS] + P[PV::io_SLOT_WORDS] <= words.size()) {
    uint64_t first = index - P[PV::io_word_STATUS];
    serviced.emplace_back(words.begin() + first,
                          words.begin() + first + P[PV::io_SLOT_WORDS]);
    w = s.ioAnswersError ? P[PV::io_status_ERROR] : P[PV::io_status_OK];
  }
  return w;
}

uint32_t *Machine::guardedWord(const BufferRef &ref, uint32_t index,
                               llvm::SMLoc loc) {
  auto it = bufferIndex.find(ref.name);
  if (it == bufferIndex.end())
    fault(ref.loc, "no buffer named '" + ref.name + "'");
  // The kernel guards every access except those Sema proved inside a
  // fixed-size buffer, which cannot fail this check: checking all of them
  // is the same behaviour. The buffer's length is what the host bound.
  if (index >= mem[it->second].size()) {
    countError(PV::control_OUT_OF_BOUNDS_COUNT);
    return nullptr;
  }
  return &word(it->second, index, loc);
}

uint32_t Machine::eval(const Expr &e) {
  switch (e.kind) {
  case Expr::Kind::IntLit:
    return cast<IntLit>(e).value;
  case Expr::Kind::BoolLit:
    return cast<BoolLit>(e).value;
  case Expr::Kind::Name: {
    const auto &n = cast<NameExpr>(e);
    switch (n.target) {
    case NameTarget::Local: {
      auto it = locals.find(n.local);
      if (it == locals.end())
        fault(n.loc, "'" + n.name + "' read before it was bound");
      return it->second;
    }
    case NameTarget::Const:
      if (n.constant->value)
        return *n.constant->value;
      return eval(*n.constant->init);
    case NameTarget::Input:
      return inputs[static_cast<unsigned>(n.input)];
    case NameTarget::Unresolved:
      break;
    }
    fault(n.loc, "unresolved name '" + n.name + "'");
  }
  case Expr::Kind::Member: {
    const auto &m = cast<MemberExpr>(e);
    // Protocol values come from the scenario (specialization constants
    // applied), never from a folded constValue.
    if (m.target == MemberTarget::Protocol)
      return P[m.protocol];
    if (m.target == MemberTarget::Opcode && m.handler->opcodeValue)
      return *m.handler->opcodeValue;
    fault(m.loc, "unknown value " + m.group + "." + m.member);
  }
  case Expr::Kind::Unary: {
    const auto &u = cast<UnaryExpr>(e);
    uint32_t x = eval(*u.operand);
    return u.op == UnaryOp::BitNot ? ~x : uint32_t(x == 0);
  }
  case Expr::Kind::Binary: {
    const auto &b = cast<BinaryExpr>(e);
    uint32_t x = eval(*b.lhs);
    uint32_t y = eval(*b.rhs);
    switch (b.op) {
    case BinaryOp::Add: return x + y;
    case BinaryOp::Sub: return x - y;
    case BinaryOp::Mul: return x * y;
    case BinaryOp::Div: return y == 0 ? 0 : x / y;
    case BinaryOp::Rem: return y == 0 ? 0 : x % y;
    case BinaryOp::BitAnd: return x & y;
    case BinaryOp::BitOr: return x | y;
    case BinaryOp::BitXor: return x ^ y;
    case BinaryOp::Shl: return x << (y & 31);
    case BinaryOp::Shr: return x >> (y & 31);
    case BinaryOp::Eq: return x == y;
    case BinaryOp::Ne: return x != y;
    case BinaryOp::Lt: return x < y;
    case BinaryOp::Le: return x <= y;
    case BinaryOp::Gt: return x > y;
    case BinaryOp::Ge: return x >= y;
    case BinaryOp::LogicalAnd: return (x != 0) && (y != 0);
    case BinaryOp::LogicalOr: return (x != 0) || (y != 0);
    case BinaryOp::Min: return std::min(x, y);
    case BinaryOp::Max: return std::max(x, y);
    }
    fault(b.loc, "unknown binary operator");
  }
  case Expr::Kind::Select: {
    const auto &sel = cast<SelectExpr>(e);
    uint32_t c = eval(*sel.cond);
    uint32_t t = eval(*sel.ifTrue);
    uint32_t f = eval(*sel.ifFalse);
    return c ? t : f;
  }
  case Expr::Kind::Load: {
    const auto &l = cast<LoadExpr>(e);
    uint32_t index = eval(*l.index);
    uint32_t *w = guardedWord(l.buffer, index, l.loc);
    return w ? *w : 0;
  }
  case Expr::Kind::Atomic:
    return evalAtomic(cast<AtomicExpr>(e));
  }
  fault(e.loc, "unknown expression");
}

uint32_t Machine::evalAtomic(const AtomicExpr &e) {
  uint32_t index = eval(*e.index);
  uint32_t v[2] = {0, 0};
  for (unsigned i = 0; i < e.operands.size() && i < 2; ++i)
    v[i] = eval(*e.operands[i]);
  uint32_t *p = guardedWord(e.buffer, index, e.loc);
  if (!p)
    return 0; // skipped: yields 0
  uint32_t &w = *p;
  uint32_t old = w;
  switch (e.op) {
  case AtomicOp::Load: break;
  case AtomicOp::Store: w = v[0]; return 0;
  case AtomicOp::Add: w = old + v[0]; break;
  case AtomicOp::Sub: w = old - v[0]; break;
  case AtomicOp::And: w = old & v[0]; break;
  case AtomicOp::Or: w = old | v[0]; break;
  case AtomicOp::Xor: w = old ^ v[0]; break;
  case AtomicOp::Min: w = std::min(old, v[0]); break;
  case AtomicOp::Max: w = std::max(old, v[0]); break;
  case AtomicOp::Exchange: w = v[0]; break;
  case AtomicOp::CompareExchange:
    if (old == v[0])
      w = v[1];
    break;
  }
  return old;
}

Flow Machine::execBlock(const BlockStmt &b) {
  for (const StmtPtr &st : b.body)
    if (exec(*st) == Flow::Break)
      return Flow::Break;
  return Flow::Normal;
}

Flow Machine::exec(const Stmt &st) {
  step();
  switch (st.kind) {
  case Stmt::Kind::Let: {
    const auto &l = cast<LetStmt>(st);
    locals[&l.decl] = eval(*l.init);
    return Flow::Normal;
  }
  case Stmt::Kind::Assign: {
    const auto &a = cast<AssignStmt>(st);
    if (!a.target)
      fault(a.loc, "unresolved assignment to '" + a.name + "'");
    locals[a.target] = eval(*a.value);
    return Flow::Normal;
  }
  case Stmt::Kind::Store: {
    const auto &store = cast<StoreStmt>(st);
    uint32_t index = eval(*store.index);
    uint32_t value = eval(*store.value);
    if (uint32_t *w = guardedWord(store.buffer, index, store.loc))
      *w = value;
    return Flow::Normal;
  }
  case Stmt::Kind::If: {
    const auto &i = cast<IfStmt>(st);
    if (eval(*i.cond))
      return execBlock(*i.thenBlock);
    if (i.elseStmt)
      return exec(*i.elseStmt);
    return Flow::Normal;
  }
  case Stmt::Kind::For: {
    const auto &f = cast<ForStmt>(st);
    uint32_t lo = eval(*f.lo);
    uint32_t hi = eval(*f.hi);
    for (uint32_t i = lo; i < hi; ++i) {
      step();
      locals[&f.var] = i;
      if (execBlock(*f.body) == Flow::Break)
        break;
    }
    return Flow::Normal;
  }
  case Stmt::Kind::Break:
    return Flow::Break;
  case Stmt::Kind::Block:
    return execBlock(cast<BlockStmt>(st));
  case Stmt::Kind::ExprStmt:
    eval(*cast<ExprStmt>(st).expr);
    return Flow::Normal;
  }
  fault(st.loc, "unknown statement");
}

/// Metrics, then every handler whose opcode matches (or the unknown-opcode
/// counter), as vyre's dispatch_opcode_body (handlers.rs).
void Machine::dispatch(uint32_t opcode, uint32_t a0, uint32_t a1, uint32_t a2,
                       uint32_t slotBase) {
  if (opcode < P[PV::control_METRICS_SLOTS])
    word(control, uint64_t(P[PV::control_METRICS_BASE]) + opcode, {}) += 1;
  bool matched = false;
  for (const HandlerDecl *h : sema.handlers) {
    if (!h->opcodeValue || *h->opcodeValue != opcode)
      continue;
    matched = true;
    handler = h;
    inputs[static_cast<unsigned>(HandlerInput::Opcode)] = opcode;
    inputs[static_cast<unsigned>(HandlerInput::Arg0)] = a0;
    inputs[static_cast<unsigned>(HandlerInput::Arg1)] = a1;
    inputs[static_cast<unsigned>(HandlerInput::Arg2)] = a2;
    inputs[static_cast<unsigned>(HandlerInput::SlotBase)] = slotBase;
    locals.clear();
    execBlock(*h->body);
    handler = nullptr;
  }
  if (!matched && opcode != P[PV::opcode_PACKED_SLOT])
    countError(PV::control_UNKNOWN_OPCODE_COUNT);
}

void Machine::runSlot(uint32_t slotBase) {
  const uint64_t args = uint64_t(slotBase) + P[PV::slot_ARG0_WORD];
  uint32_t opcode = word(ring, uint64_t(slotBase) + P[PV::slot_OPCODE_WORD], {});
  uint32_t a0 = word(ring, args + 0, {});
  uint32_t a1 = word(ring, args + 1, {});
  uint32_t a2 = word(ring, args + 2, {});
  dispatch(opcode, a0, a1, a2, slotBase);
  if (opcode != P[PV::opcode_PACKED_SLOT])
    return;
  // The format: vyre/host/packed_slot.h.
  namespace packed = host::packed;
  auto byte = [&](uint32_t k) {
    return (word(ring, args + k / packed::kBytesPerWord, {}) >>
            (k % packed::kBytesPerWord * 8)) &
           packed::kByteMax;
  };
  const uint32_t countByte = byte(packed::kCountByte);
  if (countByte > P[PV::packed_MAX_OPS])
    countError(PV::control_PACKED_CLAMPED_COUNT);
  const uint32_t count = static_cast<uint32_t>(
      packed::clampedCount(countByte, P[PV::packed_MAX_OPS]));
  const uint32_t metadataWords =
      static_cast<uint32_t>(packed::metadataWords(count));
  for (uint32_t i = 0; i < count; ++i) {
    step();
    uint32_t inner = byte(packed::opcodeByte(i));
    uint32_t argOffset = byte(packed::argOffsetByte(i));
    if (!packed::argumentsFit(metadataWords, argOffset, P[PV::slot_ARGS])) {
      // The arity check: the op's arguments leave the slot.
      countError(PV::control_PACKED_ARITY_COUNT);
      continue;
    }
    uint32_t base = metadataWords + argOffset;
    dispatch(inner, word(ring, args + base, {}), word(ring, args + base + 1, {}),
             word(ring, args + base + 2, {}), slotBase);
  }
}

uint32_t Machine::tenantTable() {
  return P[PV::kernel_TENANT_GATE] ? word(control, P[PV::control_TENANT_BASE], {}) : 0;
}

bool Machine::tenantAllows(uint32_t table, uint64_t slotBase) {
  if (P[PV::kernel_TENANT_GATE] == 0)
    return true;
  // vyre's gate: tenant t's mask is control[control[TENANT_BASE] + t]
  // (u32 arithmetic); a mask word outside the bound control buffer refuses
  // the slot, like a zero mask.
  uint32_t tenant = word(ring, slotBase + P[PV::slot_TENANT_WORD], {});
  uint32_t at = table + tenant;
  return at < mem[control].size() && word(control, at, {}) != 0;
}

void Machine::finishSlot(uint64_t slot) {
  const uint64_t slotWords = P[PV::slot_WORDS];
  runSlot(static_cast<uint32_t>(slot * slotWords));
  word(control, P[PV::control_DONE_COUNT], {}) += 1;
  word(ring, slot * slotWords + P[PV::slot_STATUS_WORD], {}) = P[PV::status_DONE];
  // The completion mirror, after the DONE, where the bound buffer holds
  // the slot's word (the kernel's bounds check).
  if (completions >= 0 && slot < mem[completions].size())
    mem[completions][slot] = P[PV::status_DONE];
}

bool Machine::stridedPass(uint64_t gid, uint64_t nthreads, uint64_t count) {
  bool claimed = false;
  const uint32_t table = tenantTable();
  for (uint64_t slot = gid; slot < count; slot += nthreads) {
    step();
    claimed |= claimSlot(slot, table);
  }
  return claimed;
}

bool Machine::claimSlot(uint64_t slot, uint32_t table) {
  const uint64_t slotBase = slot * P[PV::slot_WORDS];
  uint32_t &status = word(ring, slotBase + P[PV::slot_STATUS_WORD], {});
  if (status != P[PV::status_PUBLISHED] || !tenantAllows(table, slotBase) ||
      !shardOwns(slotBase))
    return false;
  status = P[PV::status_CLAIMED];
  finishSlot(slot);
  return true;
}

bool Machine::doorbellPass(uint64_t gid, uint64_t nthreads, uint64_t count,
                           uint32_t pass, bool shutdown, uint32_t &seen) {
  const uint32_t bell = word(control, P[PV::control_DOORBELL], {});
  const uint32_t slots = std::max<uint32_t>(P[PV::slot_COUNT], 1);
  const uint32_t announced =
      bell >= seen ? bell - seen : bell - seen + host::doorbellModulus(slots);
  const uint32_t first = seen % slots;
  seen = bell;
  if (pass == 0 || shutdown || announced > std::min(kDoorbellWindow, slots))
    return stridedPass(gid, nthreads, count);
  bool claimed = false;
  const uint32_t table = tenantTable();
  for (uint32_t i = 0; i < announced; ++i) {
    step();
    uint64_t p = uint64_t(first) + i;
    if (p >= slots)
      p -= slots;
    if (p % nthreads == gid && p < count)
      claimed |= claimSlot(p, table);
  }
  return claimed;
}

bool Machine::priorityPass(uint64_t gid, uint64_t nthreads, uint64_t count) {
  const uint64_t slotWords = P[PV::slot_WORDS];
  const uint32_t levels = P[PV::priority_LEVELS];
  // The starvation guard: after STARVATION_THRESHOLD urgent claims in a
  // row, the pass starts at the first less urgent partition (and still
  // reaches the urgent ones last).
  const bool starving = word(control, P[PV::control_PRIORITY_STARVATION_COUNTER], {}) >=
                        P[PV::priority_STARVATION_THRESHOLD];
  const uint32_t first = starving ? (P[PV::priority_HIGH] + 1) % levels : 0;
  const uint32_t table = tenantTable();
  for (uint32_t q = 0; q < levels; ++q) {
    const uint32_t p = (first + q) % levels;
    const uint64_t offsets = P[PV::control_PRIORITY_OFFSETS_BASE];
    const uint64_t lo = std::min<uint64_t>(word(control, offsets + p, {}), count);
    const uint64_t hi = std::min<uint64_t>(word(control, offsets + p + 1, {}), count);
    for (uint64_t slot = lo + gid; slot < hi; slot += nthreads) {
      step();
      const uint64_t base = slot * slotWords;
      uint32_t &status = word(ring, base + P[PV::slot_STATUS_WORD], {});
      if (status != P[PV::status_PUBLISHED] && status != P[PV::status_YIELD] &&
          status != P[PV::status_REQUEUE])
        continue;
      if (!tenantAllows(table, base))
        continue;
      status = P[PV::status_CLAIMED];
      // The accounting (scheduler.rs), before the slot runs.
      uint32_t &streak = word(control, P[PV::control_PRIORITY_STARVATION_COUNTER], {});
      streak = p <= P[PV::priority_HIGH] ? streak + 1 : 0;
      uint32_t tenant = word(ring, base + P[PV::slot_TENANT_WORD], {});
      word(control, uint64_t(P[PV::control_TENANT_FAIRNESS_BASE]) +
                        tenant % P[PV::control_TENANT_FAIRNESS_SLOTS], {}) += 1;
      word(control, uint64_t(P[PV::control_PRIORITY_FAIRNESS_BASE]) + p, {}) += 1;
      finishSlot(slot);
      return true;
    }
  }
  return false;
}

bool Machine::runShard(unsigned shardIndex) {
  shard = shardIndex;
  // The scenario's kernel.WORKGROUP_SIZE (a spec constant: "spec" may set it).
  const uint64_t nthreads = uint64_t(s.workgroups) * P[PV::kernel_WORKGROUP_SIZE];
  const uint64_t slotWords = P[PV::slot_WORDS];
  // The scan stops at the slots the bound ring really holds (the kernel's
  // min(slot.COUNT, OpArrayLength / slot.WORDS)).
  const uint64_t count = std::min<uint64_t>(
      P[PV::slot_COUNT], mem[ring].size() / std::max<uint64_t>(slotWords, 1));
  const bool priority = P[PV::kernel_SCHEDULE] == P[PV::schedule_PRIORITY];
  std::vector<bool> left(nthreads, false);
  std::vector<uint32_t> seenBell(doorbell() ? nthreads : 0, 0);
  bool any = false;
  for (uint32_t pass = 0; pass < P[PV::kernel_ITERATION_BUDGET]; ++pass) {
    bool progress = false;
    for (uint64_t gid = 0; gid < nthreads; ++gid) {
      if (left[gid])
        continue;
      if (s.publishLive)
        progress |= liveHostStep();
      // The flag is read before the scan: a pass that began after it was
      // seen drains (docs/protocol.md, "The persistent loop"). Under the
      // doorbell only every kDoorbellShutdownPasses-th pass reads it.
      const bool shutdown = readsShutdown(pass) &&
                            word(control, P[PV::control_SHUTDOWN], {}) != 0;
      bool claimed =
          priority     ? priorityPass(gid, nthreads, count)
          : doorbell() ? doorbellPass(gid, nthreads, count, pass, shutdown,
                                      seenBell[gid])
                       : stridedPass(gid, nthreads, count);
      progress |= claimed;
      if (shutdown && (singleDrainPass() || !claimed))
        left[gid] = true;
    }
    any |= progress;
    // A pass in which no invocation claimed anything (and the host did
    // nothing) changed nothing, so every later pass claims nothing either:
    // the invocations have left (on shutdown) or spin without effect until
    // the budget runs out. Unless the pass did not read SHUTDOWN: a later
    // one that does may scan.
    if (!progress && readsShutdown(pass))
      break;
  }
  return any;
}

void Machine::startLive() {
  // vyre-run's device starts with an empty ring; the host keeps the
  // scenario's slots and publishes them one at a time.
  live.slots = mem[ring];
  std::fill(mem[ring].begin(), mem[ring].end(), 0u);
}

bool Machine::liveHostStep() {
  if (live.shutdown)
    return false;
  const std::vector<uint32_t> &c = mem[control];
  std::vector<uint32_t> &r = mem[ring];
  const uint32_t doneAt = P[PV::control_DONE_COUNT];
  if (doneAt >= c.size())
    return false;
  bool acted = false;
  // Payload first, then the status (the host's release store).
  while (live.published < s.publishedSlots && c[doneAt] >= live.published) {
    const uint64_t base = uint64_t(live.published) * P[PV::slot_WORDS];
    for (uint32_t w = 0; w < P[PV::slot_WORDS] && base + w < r.size(); ++w)
      if (w != P[PV::slot_STATUS_WORD])
        r[base + w] = live.slots[base + w];
    if (base + P[PV::slot_STATUS_WORD] < r.size())
      r[base + P[PV::slot_STATUS_WORD]] = live.slots[base + P[PV::slot_STATUS_WORD]];
    ++live.published;
    acted = true;
  }
  // publish.DOORBELL: the host counts its slots (host::Publisher::announce;
  // the live host publishes slot k as its k-th).
  if (acted && P[PV::control_DOORBELL] < c.size())
    host::ringDoorbell(hostLayout(P), mem[control].data(), live.published);
  if (live.published == s.publishedSlots && c[doneAt] >= live.published &&
      P[PV::control_SHUTDOWN] < c.size()) {
    mem[control][P[PV::control_SHUTDOWN]] = 1;
    live.shutdown = true;
    acted = true;
  }
  return acted;
}

std::string Machine::liveHang() {
  const std::vector<uint32_t> &c = mem[control];
  const uint32_t doneAt = P[PV::control_DONE_COUNT];
  const uint32_t done = doneAt < c.size() ? c[doneAt] : 0;
  return "the live host waits for a slot that never finishes (vyre-run "
         "reports it after timeout_ms): " +
         std::to_string(live.published) + " of " +
         std::to_string(s.publishedSlots) + " slots published live, " +
         std::to_string(done) + " done";
}

} // namespace

InterpResult vyre::interpret(const Module &, const SemaResult &sema,
                             const HostLayout &layout, const Scenario &scenario,
                             const ShardPlan *shards) {
  InterpResult result;
  result.memory = scenario.memory;
  Machine machine(sema, layout, scenario, shards, result);
  try {
    machine.run();
    // The host's last look at the queue after the kernel finished.
    int io = layout.find(BufferRole::IoQueue);
    if (scenario.serviceIo && io >= 0)
      serviceIoRequests(scenario, result.memory[io].data(),
                        result.memory[io].size(), result.serviced);
  } catch (const Stop &stop) {
    result.status = stop.status;
    result.message = stop.message;
    result.loc = stop.loc;
  }
  return result;
}
