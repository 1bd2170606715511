//===- InterpTest.cpp - the interpreter and the scenario host ------------===//
//
// These tests do not depend on lib/Sema: a small resolver below fills in
// what the interpreter reads (resolved names, protocol values, opcode
// values, buffer sizes) for the prelude plus a test's own handlers, the way
// Sema does for valid programs.
//
//===----------------------------------------------------------------------===//
#include "TestSupport.h"
#include "vyre/Interp/Interp.h"
#include "vyre/Scenario/Scenario.h"
#include "vyre/Parse/Parser.h"
#include "vyre/Prelude/Prelude.h"

#include "llvm/ADT/StringMap.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <map>

using namespace vyre;
using llvm::cast;
using llvm::dyn_cast;

namespace {

/// Parses the prelude and \p user, and resolves them like Sema would.
struct Program : test::InMemoryModule {
  SemaResult sema;
  HostLayout layout;

  std::map<PV, const Expr *> protocolExprs;
  llvm::StringMap<ConstDecl *> consts;
  llvm::StringMap<BufferDecl *> buffers;

  explicit Program(llvm::StringRef user) {
    addFile(preludeSource(), "prelude.vyre", true);
    addFile(user, "test.vyre", false);
    REQUIRE_MESSAGE(!diags.hasErrors(), diagOs.str());
    resolve();
    layout = layoutFromSema(module, sema);
  }

  uint32_t constEval(const Expr &e) {
    if (auto *i = dyn_cast<IntLit>(&e))
      return i->value;
    if (auto *m = dyn_cast<MemberExpr>(&e)) {
      if (auto pv = lookupProtocolValue(m->group, m->member))
        return constEval(*protocolExprs.at(*pv));
      for (auto &f : module.files)
        for (auto &h : f->handlers)
          if (m->group == "opcode" && h->name == m->member)
            return constEval(*h->opcode);
      FAIL("unknown member " << m->group << "." << m->member);
    }
    if (auto *n = dyn_cast<NameExpr>(&e))
      return constEval(*consts.lookup(n->name)->init);
    auto *b = cast<BinaryExpr>(&e);
    uint32_t x = constEval(*b->lhs), y = constEval(*b->rhs);
    switch (b->op) {
    case BinaryOp::Add: return x + y;
    case BinaryOp::Sub: return x - y;
    case BinaryOp::Mul: return x * y;
    case BinaryOp::Div: return x / y;
    case BinaryOp::Min: return std::min(x, y);
    default: FAIL("unsupported constant operator"); return 0;
    }
  }

  // Scopes of locals while walking a handler.
  std::vector<std::vector<LocalDecl *>> scopes;
  LocalDecl *lookupLocal(llvm::StringRef name) {
    for (auto s = scopes.rbegin(); s != scopes.rend(); ++s)
      for (auto d = s->rbegin(); d != s->rend(); ++d)
        if ((*d)->name == name)
          return *d;
    return nullptr;
  }

  void resolveExpr(Expr &e) {
    switch (e.kind) {
    case Expr::Kind::Name: {
      auto &n = cast<NameExpr>(e);
      if ((n.local = lookupLocal(n.name))) {
        n.target = NameTarget::Local;
      } else if (ConstDecl *c = consts.lookup(n.name)) {
        n.target = NameTarget::Const;
        n.constant = c;
      } else if (auto in = lookupHandlerInput(n.name)) {
        n.target = NameTarget::Input;
        n.input = *in;
      }
      REQUIRE_MESSAGE(n.target != NameTarget::Unresolved, n.name);
      break;
    }
    case Expr::Kind::Member: {
      // As Sema's Names pass: a protocol value, else a handler's opcode.
      auto &m = cast<MemberExpr>(e);
      if (auto pv = lookupProtocolValue(m.group, m.member)) {
        m.target = MemberTarget::Protocol;
        m.protocol = *pv;
      } else {
        for (auto &f : module.files)
          for (auto &h : f->handlers)
            if (m.group == "opcode" && h->name == m.member) {
              m.target = MemberTarget::Opcode;
              m.handler = h.get();
            }
      }
      REQUIRE_MESSAGE(m.target != MemberTarget::Unresolved, m.member);
      break;
    }
    case Expr::Kind::Unary:
      resolveExpr(*cast<UnaryExpr>(e).operand);
      break;
    case Expr::Kind::Binary:
      resolveExpr(*cast<BinaryExpr>(e).lhs);
      resolveExpr(*cast<BinaryExpr>(e).rhs);
      break;
    case Expr::Kind::Select:
      resolveExpr(*cast<SelectExpr>(e).cond);
      resolveExpr(*cast<SelectExpr>(e).ifTrue);
      resolveExpr(*cast<SelectExpr>(e).ifFalse);
      break;
    case Expr::Kind::Load:
      cast<LoadExpr>(e).buffer.decl = buffers.lookup(cast<LoadExpr>(e).buffer.name);
      resolveExpr(*cast<LoadExpr>(e).index);
      break;
    case Expr::Kind::Atomic: {
      auto &a = cast<AtomicExpr>(e);
      a.buffer.decl = buffers.lookup(a.buffer.name);
      resolveExpr(*a.index);
      for (auto &o : a.operands)
        resolveExpr(*o);
      break;
    }
    default:
      break;
    }
  }

  void resolveBlock(BlockStmt &b) {
    scopes.emplace_back();
    for (auto &s : b.body)
      resolveStmt(*s);
    scopes.pop_back();
  }

  void resolveStmt(Stmt &s) {
    switch (s.kind) {
    case Stmt::Kind::Let: {
      auto &l = cast<LetStmt>(s);
      resolveExpr(*l.init);
      scopes.back().push_back(&l.decl);
      break;
    }
    case Stmt::Kind::Assign: {
      auto &a = cast<AssignStmt>(s);
      resolveExpr(*a.value);
      a.target = lookupLocal(a.name);
      REQUIRE(a.target);
      break;
    }
    case Stmt::Kind::Store: {
      auto &st = cast<StoreStmt>(s);
      st.buffer.decl = buffers.lookup(st.buffer.name);
      resolveExpr(*st.index);
      resolveExpr(*st.value);
      break;
    }
    case Stmt::Kind::If: {
      auto &i = cast<IfStmt>(s);
      resolveExpr(*i.cond);
      resolveBlock(*i.thenBlock);
      if (i.elseStmt)
        resolveStmt(*i.elseStmt);
      break;
    }
    case Stmt::Kind::For: {
      auto &f = cast<ForStmt>(s);
      resolveExpr(*f.lo);
      resolveExpr(*f.hi);
      scopes.emplace_back(std::vector<LocalDecl *>{&f.var});
      resolveBlock(*f.body);
      scopes.pop_back();
      break;
    }
    case Stmt::Kind::Block:
      resolveBlock(cast<BlockStmt>(s));
      break;
    case Stmt::Kind::ExprStmt:
      resolveExpr(*cast<ExprStmt>(s).expr);
      break;
    case Stmt::Kind::Break:
      break;
    }
  }

  void resolve() {
    for (auto &f : module.files) {
      for (auto &block : f->protocolBlocks)
        for (ProtocolEntry &e : block)
          protocolExprs[*lookupProtocolValue(e.group, e.key)] = e.value.get();
      for (auto &c : f->consts)
        consts[c->name] = c.get();
      for (auto &b : f->buffers)
        buffers[b->name] = b.get();
    }
    for (auto &[pv, e] : protocolExprs)
      sema.protocol.set(pv, constEval(*e));
    for (auto &f : module.files) {
      for (auto &c : f->consts)
        c->value = constEval(*c->init);
      for (auto &b : f->buffers) {
        if (b->size)
          b->sizeValue = constEval(*b->size);
        b->bindingValue = constEval(*b->binding);
        b->setValue = b->set ? constEval(*b->set) : 0;
        sema.buffers.push_back(b.get());
      }
      for (auto &h : f->handlers) {
        h->opcodeValue = constEval(*h->opcode);
        h->fromPrelude = f->isPrelude;
        resolveBlock(*h->body);
        sema.handlers.push_back(h.get());
      }
    }
    std::stable_sort(sema.handlers.begin(), sema.handlers.end(),
                     [](const HandlerDecl *a, const HandlerDecl *b) {
                       return *a->opcodeValue < *b->opcodeValue;
                     });
    sema.control = buffers.lookup("control");
    sema.ringBuffer = buffers.lookup("ring_buffer");
    sema.debugLog = buffers.lookup("debug_log");
    sema.ioQueue = buffers.lookup("io_queue");
  }

  Scenario scenario(llvm::StringRef json) {
    auto v = llvm::json::parse(json);
    REQUIRE_MESSAGE(bool(v), llvm::toString(v.takeError()));
    auto s = loadScenario(*v, layout);
    REQUIRE_MESSAGE(bool(s), llvm::toString(s.takeError()));
    return std::move(*s);
  }

  std::string scenarioError(llvm::StringRef json) {
    auto v = llvm::json::parse(json);
    REQUIRE(bool(v));
    auto s = loadScenario(*v, layout);
    REQUIRE_FALSE(bool(s));
    return llvm::toString(s.takeError());
  }

  InterpResult run(const Scenario &s) {
    return interpret(module, sema, layout, s);
  }

  /// Runs and returns the final words of buffer \p name.
  std::vector<uint32_t> runFor(llvm::StringRef json, llvm::StringRef name) {
    Scenario s = scenario(json);
    InterpResult r = run(s);
    REQUIRE_MESSAGE(r.status == InterpResult::Ok, r.message);
    return r.memory[layout.find(name)];
  }

  std::string location(llvm::SMLoc loc) {
    auto [line, col] = sm.getLineAndColumn(loc);
    return std::to_string(line) + ":" + std::to_string(col);
  }
};

// The prelude's values the tests rely on.
constexpr unsigned DONE_COUNT = 1, METRICS = 96, UNKNOWN = 141, OBS = 160,
                   EPOCH = 128, SLOT_WORDS = 16, DONE = 3;

} // namespace

TEST_CASE("layoutFromSema: the prelude's buffers, opcodes and tunables") {
  Program p("");
  REQUIRE(p.layout.buffers.size() == 4);
  CHECK(p.layout.buffers[0].name == "control");
  CHECK(p.layout.buffers[0].role == BufferRole::Control);
  CHECK(*p.layout.buffers[0].words == 224);
  CHECK(p.layout.buffers[1].role == BufferRole::Ring);
  CHECK_FALSE(p.layout.buffers[1].words.has_value());
  CHECK(*p.layout.buffers[2].words == 257);
  CHECK(*p.layout.buffers[3].words == 512);
  CHECK(p.layout.workgroupSize == 64);
  // with kernel.WORKGROUP_SIZE and kernel.PORTABLE_LOOP
  CHECK(p.layout.specConstants.size() == 5);
}

TEST_CASE("STORE_U32 and ATOMIC_ADD: metrics, done count, DONE marks") {
  Program p("");
  auto c = p.runFor(R"({"shutdown": true, "slots": [
      {"opcode": "STORE_U32", "args": [7, 170]},
      {"opcode": "ATOMIC_ADD", "args": [5, 171]},
      {"opcode": 2, "args": [6, 171]}]})",
                    "control");
  CHECK(c[170] == 7);
  CHECK(c[171] == 11);
  CHECK(c[METRICS + 1] == 1);
  CHECK(c[METRICS + 2] == 2);
  CHECK(c[DONE_COUNT] == 3);
  CHECK(c[UNKNOWN] == 0);
  auto ring = p.runFor(R"({"shutdown": true, "slots": [
      {"opcode": "NOP"}, {"opcode": "NOP", "status": "EMPTY"}]})",
                       "ring_buffer");
  CHECK(ring[0] == DONE);
  CHECK(ring[SLOT_WORDS] == 0); // never published, never run
}

TEST_CASE("the slots are spread over invocations and passes") {
  Program p("");
  // 200 slots, 64 invocations: gid 0 runs slots 0, 64, 128, 192.
  std::string slots;
  for (int i = 0; i < 200; ++i)
    slots += std::string(i ? "," : "") + R"({"opcode": "ATOMIC_ADD", "args": [1, 170]})";
  auto c = p.runFor(R"({"shutdown": true, "slots": [)" + slots + "]}", "control");
  CHECK(c[170] == 200);
  CHECK(c[DONE_COUNT] == 200);
  CHECK(c[METRICS + 2] == 200);
}

TEST_CASE("LOAD_U32, COMPARE_SWAP, MEMCPY, BATCH_FENCE") {
  Program p("");
  auto c = p.runFor(R"({"shutdown": true,
      "buffers": {"control": {"10": 42, "11": 5, "12": 9, "20": 1, "21": 2, "22": 3}},
      "slots": [
        {"opcode": "LOAD_U32", "args": [10, 3]},
        {"opcode": "COMPARE_SWAP", "args": [11, 5, 50]},
        {"opcode": "COMPARE_SWAP", "args": [12, 8, 80]},
        {"opcode": "MEMCPY", "args": [20, 30, 3]},
        {"opcode": "BATCH_FENCE", "args": [0, 77]}]})",
                    "control");
  CHECK(c[OBS + 3] == 42);
  CHECK(c[11] == 50);       // swapped
  CHECK(c[OBS + 11] == 5);  // previous value
  CHECK(c[12] == 9);        // not swapped
  CHECK(c[OBS + 12] == 9);
  CHECK(c[30] == 1);
  CHECK(c[31] == 2);
  CHECK(c[32] == 3);
  CHECK(c[EPOCH] == 1);
  CHECK(c[OBS] == 77);
}

TEST_CASE("SHUTDOWN: pre-published slots still run") {
  Program p("");
  auto c = p.runFor(R"({"slots": [
      {"opcode": "SHUTDOWN"},
      {"opcode": "ATOMIC_ADD", "args": [1, 170]},
      {"opcode": "ATOMIC_ADD", "args": [1, 170]}]})",
                    "control");
  CHECK(c[0] == 1);
  CHECK(c[170] == 2);
  CHECK(c[DONE_COUNT] == 3);
  CHECK(c[UNKNOWN] == 0); // SHUTDOWN and PRINTF have handlers but no metrics
}

TEST_CASE("unknown opcodes are counted, and metered only below METRICS_SLOTS") {
  Program p("");
  auto c = p.runFor(R"({"shutdown": true, "slots": [
      {"opcode": 31}, {"opcode": 32}, {"opcode": 1000}]})",
                    "control");
  CHECK(c[UNKNOWN] == 3);
  CHECK(c[METRICS + 31] == 1);
  CHECK(c[128] == 0); // METRICS_BASE + 32 is EPOCH: untouched
  CHECK(c[DONE_COUNT] == 3);
}

TEST_CASE("PRINTF: records, and the guard once the log is full") {
  Program p("");
  std::string slots;
  for (int i = 0; i < 66; ++i)
    slots += std::string(i ? "," : "") + R"({"opcode": "PRINTF", "args": [9, 8, 7]})";
  auto log = p.runFor(R"({"shutdown": true, "slots": [)" + slots + "]}", "debug_log");
  CHECK(log[0] == 66 * 4);       // the cursor counts every reservation
  CHECK(log[1] == 9);            // first record: fmt, arg1, arg2, slot_base
  CHECK(log[4] == 0);
  CHECK(log[253] == 9);          // the 64th record is the last that fits
  // Invocation g runs slots g and g + 64 in the first pass, so records go
  // to slots 0, 64, 1, 65, 2, 3, ...: the 64th is slot 61's.
  CHECK(log[256] == 61 * SLOT_WORDS);
}

TEST_CASE("PACKED_SLOT: encoding, dispatch, clamping and the arity check") {
  Program p("");
  Scenario s = p.scenario(R"({"shutdown": true, "slots": [{"packed": [
      {"opcode": "STORE_U32", "args": [7, 170]},
      {"opcode": "ATOMIC_ADD", "args": [5, 171]}]}]})");
  auto &ring = s.memory[p.layout.find("ring_buffer")];
  CHECK(ring[1] == 0x80000001);
  // count 2, pairs (1, 0) (2, 3): bytes 02 00 01 00 | 02 03; 2 metadata words.
  CHECK(ring[4] == 0x00010002);
  CHECK(ring[5] == 0x00000302);
  CHECK(ring[6] == 7);
  CHECK(ring[7] == 170);
  CHECK(ring[9] == 5);
  CHECK(ring[10] == 171);
  InterpResult r = p.run(s);
  REQUIRE(r.status == InterpResult::Ok);
  auto &c = r.memory[p.layout.find("control")];
  CHECK(c[170] == 7);
  CHECK(c[171] == 5);
  CHECK(c[METRICS + 1] == 1);
  CHECK(c[METRICS + 2] == 1);
  CHECK(c[UNKNOWN] == 0);
  CHECK(c[DONE_COUNT] == 1);

  // Four ops (the maximum) sharing one argument triple; a count of 255 is
  // clamped to 4; an op whose arguments leave the slot is skipped.
  auto c2 = p.runFor(R"({"shutdown": true, "slots": [
      {"packed": [{"opcode": 2, "args": [1, 170]}, {"opcode": 2, "arg_offset": 0},
                  {"opcode": 2, "arg_offset": 0}, {"opcode": 2, "arg_offset": 0}]},
      {"count": 255, "packed": [{"opcode": 2, "args": [10, 171]}]},
      {"packed": [{"opcode": 2, "args": [100, 172]}, {"opcode": 2, "arg_offset": 9}]}]})",
                     "control");
  CHECK(c2[170] == 4);
  CHECK(c2[171] == 10);  // ops 2..4 of the clamped count are NOPs at offset 0
  CHECK(c2[METRICS + 0] == 3);
  CHECK(c2[172] == 100); // the second op (2 + 9 + 3 > 12) is skipped
  CHECK(c2[METRICS + 2] == 4 + 1 + 1);
  CHECK(c2[DONE_COUNT] == 3);
  CHECK(c2[143] == 1); // PACKED_CLAMPED_COUNT: the count of 255
  CHECK(c2[144] == 1); // PACKED_ARITY_COUNT: the skipped op
  CHECK(c2[UNKNOWN] == 0);
}

TEST_CASE("LOAD_MISS: the simulated host services the request") {
  Program p("");
  Scenario s = p.scenario(R"({"shutdown": true, "slots": [
      {"opcode": "LOAD_MISS", "args": [42]}]})");
  InterpResult r = p.run(s);
  REQUIRE(r.status == InterpResult::Ok);
  REQUIRE(r.serviced.size() == 1);
  CHECK(r.serviced[0] == std::vector<uint32_t>{1, 42, 42, 0, 0, 0, 1, 42});
  auto &io = r.memory[p.layout.find("io_queue")];
  CHECK(io[6] == 0); // the kernel saw OK and recycled the request
  CHECK(io[7] == 42);

  // No host and a small poll limit: the kernel gives up, the request stays.
  Scenario s2 = p.scenario(R"({"shutdown": true, "service_io": false,
      "spec": {"io.POLL_LIMIT": 5}, "slots": [{"opcode": "LOAD_MISS", "args": [42]}]})");
  InterpResult r2 = p.run(s2);
  REQUIRE(r2.status == InterpResult::Ok);
  CHECK(r2.serviced.empty());
  CHECK(r2.memory[p.layout.find("io_queue")][6] == 1);
  // Counted in IO_TIMEOUT_COUNT (145); an answered request is not.
  CHECK(r2.memory[p.layout.find("control")][145] == 1);
  CHECK(r.memory[p.layout.find("control")][145] == 0);
}

TEST_CASE("robustness: out-of-range accesses, the ring's scan bound") {
  Program p(R"(
buffer table: u32[] read_write @binding(4);
handler PEEK = 0x100 {
  atomic_store(control[170 + arg0], table[arg0] + 1);
}
)");
  auto c = p.runFor(R"({"shutdown": true, "buffer_words": {"table": 2},
      "buffers": {"table": [5, 6]}, "slots": [
      {"opcode": "PEEK", "args": [1]}, {"opcode": "PEEK", "args": [2]},
      {"opcode": "ATOMIC_ADD", "args": [1, 4294967295]}]})",
                    "control");
  CHECK(c[171] == 7);  // table[1] + 1
  CHECK(c[172] == 1);  // table[2] is outside: the load yields 0
  CHECK(c[142] == 2);  // OUT_OF_BOUNDS_COUNT: table[2], control[0xFFFFFFFF]
  CHECK(c[DONE_COUNT] == 3);

  // A ring of 2.5 slots: only slots 0 and 1 are scanned.
  auto c2 = p.runFor(R"({"shutdown": true, "spec": {"slot.COUNT": 4},
      "buffer_words": {"ring_buffer": 40, "table": 1},
      "buffers": {"ring_buffer": {"32": 1, "33": 2, "36": 1, "37": 171}},
      "slots": [{"opcode": "ATOMIC_ADD", "args": [1, 171], "repeat": 2}]})",
                     "control");
  CHECK(c2[171] == 2);
  CHECK(c2[DONE_COUNT] == 2);
  CHECK(p.scenarioError(R"({"buffer_words": {"nope": 3}})") ==
        "buffer_words: no buffer named 'nope'");
}

TEST_CASE("value semantics") {
  Program p(R"(
handler SEM = 0x100 {
  atomic_store(control[170], 7 / arg0);
  atomic_store(control[171], 7 % arg0);
  atomic_store(control[172], 1 << (arg1 + 33));
  atomic_store(control[173], 0x80000000 >> 63);
  atomic_store(control[174], arg0 - 1);
  atomic_store(control[175], select(arg1 < arg2, min(arg1, arg2), max(arg1, arg2)));
  // && and || evaluate both sides, left to right.
  if atomic_add(control[180], 1) == 99 && atomic_add(control[181], 1) == 0 {
    atomic_store(control[182], 1);
  }
  if atomic_add(control[183], 1) == 0 || atomic_add(control[184], 1) == 0 {
    atomic_store(control[185], 1);
  }
  // Left to right: the index, then the value.
  atomic_store(control[atomic_add(control[186], 1) + 187], atomic_add(control[186], 10));
  var total = 0;
  for i in 3..min(arg2, 7) {
    if i == 6 { break; }
    total = total + i;
  }
  atomic_store(control[190], total);
  atomic_store(control[191], ~arg0);
  if !(arg0 == 0) { atomic_store(control[192], 5); } else { atomic_store(control[192], 6); }
}
)");
  auto c = p.runFor(R"({"shutdown": true, "slots": [
      {"opcode": "SEM", "args": [0, 2, 9]}]})",
                    "control");
  CHECK(c[170] == 0);
  CHECK(c[171] == 0);
  CHECK(c[172] == 8);
  CHECK(c[173] == 1);
  CHECK(c[174] == 0xFFFFFFFF);
  CHECK(c[175] == 2);
  CHECK(c[180] == 1);
  CHECK(c[181] == 1);
  CHECK(c[182] == 0);
  CHECK(c[183] == 1);
  CHECK(c[184] == 1);
  CHECK(c[185] == 1);
  CHECK(c[186] == 11);
  CHECK(c[187] == 1); // index 0 + 187 gets the second add's previous value
  CHECK(c[190] == 3 + 4 + 5);
  CHECK(c[191] == 0xFFFFFFFF);
  CHECK(c[192] == 6);
}

TEST_CASE("a handler may publish more work, run in a later pass") {
  Program p(R"(
handler CHAIN = 0x100 {
  if arg0 != 0 {
    let next = slot_base + slot.WORDS;
    ring_buffer[next + slot.OPCODE_WORD] = opcode.CHAIN;
    ring_buffer[next + slot.ARG0_WORD] = arg0 - 1;
    atomic_store(ring_buffer[next + slot.STATUS_WORD], status.PUBLISHED);
  }
  atomic_add(control[170], 1);
}
)");
  auto c = p.runFor(R"({"shutdown": true, "spec": {"slot.COUNT": 8},
      "slots": [{"opcode": "CHAIN", "args": [5]}]})",
                    "control");
  CHECK(c[170] == 6);
  CHECK(c[DONE_COUNT] == 6);
}

TEST_CASE("ITERATION_BUDGET bounds the passes") {
  Program p("");
  Scenario s = p.scenario(R"({"spec": {"kernel.ITERATION_BUDGET": 0},
      "slots": [{"opcode": "NOP"}]})");
  InterpResult r = p.run(s);
  REQUIRE(r.status == InterpResult::Ok);
  CHECK(r.memory[p.layout.find("ring_buffer")][0] == 1); // still PUBLISHED
  // No shutdown: the kernel spins to the end of its budget, which changes
  // nothing after the first idle pass.
  InterpResult r2 = p.run(p.scenario(R"({"slots": [{"opcode": "NOP"}]})"));
  REQUIRE(r2.status == InterpResult::Ok);
  CHECK(r2.memory[p.layout.find("control")][DONE_COUNT] == 1);
}

TEST_CASE("faults and hangs") {
  Program p(R"(
handler POKE = 0x100 {
  atomic_store(control[arg0], 1);
}
handler SPIN = 0x101 {
  for i in 0..arg0 {
    atomic_add(control[170], 1);
  }
}
)");
  // An out-of-range access is skipped and counted, as by the kernel's
  // bounds guard (docs/protocol.md, "Robustness"); the run goes on.
  InterpResult r = p.run(p.scenario(R"({"shutdown": true, "slots": [
      {"opcode": "POKE", "args": [224]}, {"opcode": "POKE", "args": [223]}]})"));
  REQUIRE(r.status == InterpResult::Ok);
  const std::vector<uint32_t> &control = r.memory[p.layout.find("control")];
  CHECK(control[1] == 2);   // DONE_COUNT
  CHECK(control[142] == 1); // OUT_OF_BOUNDS_COUNT
  CHECK(control[223] == 1);

  InterpResult h = p.run(p.scenario(R"({"shutdown": true, "max_steps": 1000,
      "slots": [{"opcode": "SPIN", "args": [4000000000]}]})"));
  CHECK(h.status == InterpResult::Hang);
}

TEST_CASE("scenario errors") {
  Program p("");
  CHECK(p.scenarioError(R"({"slots": [{"opcode": "NOPE"}]})") ==
        "slots[0].opcode: unknown opcode 'NOPE'");
  CHECK(p.scenarioError(R"({"slots": [{"opcode": 1, "args": [1,2,3,4,5,6,7,8,9,10,11,12,13]}]})") ==
        "slots[0]: more than 12 args (slot.ARGS)");
  CHECK(p.scenarioError(R"({"spec": {"slot.WORDS": 3}})") ==
        "spec: 'slot.WORDS' is not a specialization constant");
  CHECK(p.scenarioError(R"({"buffers": {"control": {"224": 1}}})") ==
        "buffers.control: word 224 is outside control (224 words)");
  CHECK(p.scenarioError(R"({"slots": [{"packed": [{"opcode": "PRINTF"}]}]})") ==
        "slots[0].packed[0]: opcode 65534 does not fit in the packed opcode byte");
  CHECK(p.scenarioError(R"({"slots": [{"packed": [{"opcode": 1, "args": [1]},
        {"opcode": 1, "arg_offset": 0, "args": [2]}]}]})") ==
        "slots[0].packed[1]: argument 0 conflicts with an earlier op's argument");
  CHECK(p.scenarioError(R"({"slots": [{"packed": [{"opcode": 1, "arg_offset": 10, "args": [1, 2]}]}]})") ==
        "slots[0].packed[0]: argument 1 falls outside the slot's 12 argument words");
  CHECK(p.scenarioError(R"({"bogus": 1})") == "scenario: unknown key \"bogus\"");
  // Tenants, priorities and vyre's encoding.
  CHECK(p.scenarioError(R"({"priority_partitions": [0, 1]})") ==
        "priority_partitions: expected \"default\" or 6 first-slot words (priority.LEVELS + 1)");
  CHECK(p.scenarioError(R"({"slots": [{"opcode": 1, "encoding": "rust"}]})") ==
        "slots[0]: \"encoding\" must be \"vyre\"");
  CHECK(p.scenarioError(R"({"slots": [{"opcode": 1, "encoding": "vyre", "priority": 0}]})") ==
        "slots[0]: vyre's host always writes priority.NORMAL");
  CHECK(p.scenarioError(R"({"slots": [{"encoding": "vyre", "packed": [{"opcode": 1, "arg_offset": 0}]}]})") ==
        "slots[0].packed[0]: unknown key \"arg_offset\" (vyre's host places the arguments itself)");
  CHECK(p.scenarioError(R"({"slots": [{"encoding": "vyre", "packed": [{"opcode": 1,
        "args": [1,2,3,4,5,6,7,8,9,10,11,12]}]}]})") ==
        "slots[0]: vyre's host refuses this packed slot (more than 255 ops, or metadata and arguments past slot.ARGS words)");
  // What vyre's publish_slot refuses: reserved opcodes, slots in flight.
  CHECK(p.scenarioError(R"({"slots": [{"encoding": "vyre", "opcode": "LOAD_MISS", "args": [1]}]})") ==
        "slots[0]: vyre's host refuses opcode 0xFFFD (reserved: the high bit, 0xFFF0 .. 0xFFFF; it writes a LOAD_MISS slot with encode_load_miss, not publish_slot)");
  CHECK(p.scenarioError(R"({"slots": [{"encoding": "vyre", "opcode": "0x80000005"}]})") ==
        "slots[0]: vyre's host refuses opcode 0x80000005 (reserved: the high bit, 0xFFF0 .. 0xFFFF; it writes a LOAD_MISS slot with encode_load_miss, not publish_slot)");
  CHECK(p.scenarioError(R"({"buffers": {"ring_buffer": {"16": 2}},
        "slots": [{"encoding": "vyre", "opcode": 1}, {"encoding": "vyre", "opcode": 1}]})") ==
        "slots[1]: vyre's host refuses to publish over a slot whose status is 2 (only EMPTY and DONE slots)");
  // Its built-ins, a DONE slot recycled, and LOAD_MISS without "encoding".
  p.scenario(R"({"buffers": {"ring_buffer": {"0": 3}},
      "slots": [{"encoding": "vyre", "opcode": "PACKED_SLOT"}, {"encoding": "vyre", "opcode": "SHUTDOWN"},
                {"encoding": "vyre", "opcode": "PRINTF"}, {"opcode": "LOAD_MISS"}]})");
}

TEST_CASE("the tenant gate and the priority schedule") {
  Program gate("protocol { kernel.TENANT_GATE = 1; }");
  // A zeroed control buffer: tenant t's mask is control[0 + t]; tenant 1's
  // is DONE_COUNT, 0 until a slot finishes; tenant 0's is SHUTDOWN.
  auto c = gate.runFor(R"({"shutdown": true, "slots": [
      {"opcode": "ATOMIC_ADD", "args": [1, 170], "tenant": 0},
      {"opcode": "ATOMIC_ADD", "args": [10, 170], "tenant": 1}]})",
                       "control");
  CHECK(c[170] == 11); // slot 0 (SHUTDOWN = 1) runs, then slot 1 (DONE_COUNT = 1)
  auto c2 = gate.runFor(R"({"spec": {"kernel.ITERATION_BUDGET": 3}, "slots": [
      {"opcode": "ATOMIC_ADD", "args": [1, 170], "tenant": 0}]})",
                        "control");
  CHECK(c2[170] == 0); // no shutdown flag: tenant 0's "mask" is 0
  Program prio("protocol { kernel.SCHEDULE = schedule.PRIORITY; }");
  // Zeroed partition offsets: every partition is empty, nothing runs.
  auto c3 = prio.runFor(R"({"shutdown": true, "slots": [
      {"opcode": "ATOMIC_ADD", "args": [1, 170]}]})",
                        "control");
  CHECK(c3[170] == 0);
  CHECK(c3[1] == 0);
}

// vyre-run's live host publishes slot k once DONE_COUNT reaches k: a slot
// that never finishes stops it, and vyre-run reports a hang.
TEST_CASE("publish live: the interpreter models vyre-run's host") {
  Program p("");
  auto c = p.runFor(R"({"publish": "live", "slots": [
      {"opcode": "ATOMIC_ADD", "args": [1, 170]}, {"opcode": "ATOMIC_ADD", "args": [2, 170]}]})",
                    "control");
  CHECK(c[170] == 3);
  CHECK(c[0] == 1); // the host's shutdown, once both are done
  for (const char *stuck : {R"({"opcode": "NOP", "status": "EMPTY"})",
                            R"({"opcode": "NOP", "status": "DONE"})"}) {
    Scenario s = p.scenario(std::string(R"({"publish": "live", "slots": [{"opcode": "NOP"}, )") +
                            stuck + R"(, {"opcode": "NOP"}]})");
    InterpResult r = p.run(s);
    CHECK(r.status == InterpResult::Hang);
    CHECK(r.message == "the live host waits for a slot that never finishes (vyre-run "
                       "reports it after timeout_ms): 2 of 3 slots published live, 1 done");
  }
  // The tenant gate refuses tenant 1 (vyre's one-tenant table).
  Program gate("protocol { kernel.TENANT_GATE = 1; }");
  Scenario s = gate.scenario(R"({"publish": "live", "tenants": 1, "slots": [
      {"opcode": "NOP", "tenant": 1}]})");
  CHECK(gate.run(s).status == InterpResult::Hang);
}

// An invocation that saw SHUTDOWN before a pass leaves after it where only
// the host publishes: a slot refused in that pass stays PUBLISHED even if
// a later slot of the pass enabled its tenant (docs/protocol.md).
TEST_CASE("the last pass after SHUTDOWN leaves a refused slot PUBLISHED") {
  Program gate("protocol { kernel.TENANT_GATE = 1; }");
  auto ring = gate.runFor(R"({"shutdown": true, "tenants": 1,
      "spec": {"kernel.WORKGROUP_SIZE": 1}, "slots": [
      {"opcode": "NOP", "tenant": 1},
      {"opcode": "STORE_U32", "args": [1, 4], "tenant": 0}]})",
                          "ring_buffer");
  CHECK(ring[0] == 1);  // PUBLISHED
  CHECK(ring[16] == 3); // DONE
}

TEST_CASE("formatResult: the canonical output") {
  Program p("");
  Scenario s = p.scenario(R"({"shutdown": true,
      "slots": [{"opcode": "PRINTF", "args": [3, 4, 5]}, {"opcode": "PRINTF", "args": [1, 2, 3]},
                {"opcode": "STORE_U32", "args": [9, 170]}],
      "output": {"control": [1, [170, 172]], "ring_status": true,
                 "debug_records": "sorted", "io_requests": true}})");
  InterpResult r = p.run(s);
  REQUIRE(r.status == InterpResult::Ok);
  CHECK(formatResult(p.layout, s, r.memory, r.serviced) ==
        R"({
  "result": "ok",
  "control": {
    "1": 3,
    "170": 9,
    "171": 0
  },
  "ring_status": [3, 3, 3],
  "debug_cursor": 8,
  "debug_records": [
    [1, 2, 3, 16],
    [3, 4, 5, 0]
  ],
  "io_requests": []
}
)");
}

TEST_CASE("layoutFromManifest") {
  llvm::json::Object groups;
  for (unsigned i = 0; i < kNumProtocolValues; ++i) {
    const ProtocolInfo &info = protocolInfo(static_cast<PV>(i));
    if (!groups.getObject(info.group))
      groups[info.group] = llvm::json::Object();
    (*groups.getObject(info.group))[info.key] = i;
  }
  llvm::json::Value m = llvm::json::Object{
      {"schema", "vyre-manifest/1"},
      {"entry_point", "main"},
      {"workgroup_size", llvm::json::Array{64, 1, 1}},
      {"protocol", std::move(groups)},
      {"bindings",
       llvm::json::Array{
           llvm::json::Object{{"name", "ring_buffer"}, {"set", 0}, {"binding", 1},
                              {"words", nullptr}, {"role", "ring_buffer"}},
           llvm::json::Object{{"name", "control"}, {"set", 0}, {"binding", 0},
                              {"words", 224}, {"role", "control"}},
           llvm::json::Object{{"name", "lut"}, {"set", 1}, {"binding", 0},
                              {"words", 16}, {"role", "user"}}}},
      {"spec_constants",
       llvm::json::Array{llvm::json::Object{
           {"name", "slot.COUNT"}, {"spec_id", 0}, {"default", 256}}}},
      {"opcodes", llvm::json::Array{llvm::json::Object{{"name", "NOP"}, {"value", 0}}}}};
  auto layout = layoutFromManifest(m);
  REQUIRE_MESSAGE(bool(layout), llvm::toString(layout.takeError()));
  CHECK(layout->workgroupSize == 64);
  REQUIRE(layout->buffers.size() == 3);
  CHECK(layout->buffers[0].name == "control");
  CHECK(layout->buffers[1].role == BufferRole::Ring);
  CHECK(layout->buffers[2].set == 1);
  CHECK(layout->protocol[PV::slot_ARG0_WORD] ==
        static_cast<unsigned>(PV::slot_ARG0_WORD));
  REQUIRE(layout->specConstants.size() == 1);
  CHECK(layout->specConstants[0].value == PV::slot_COUNT);

  llvm::json::Value bad = llvm::json::Object{{"schema", "vyre-manifest/1"},
                                             {"protocol", llvm::json::Object{}}};
  auto e = layoutFromManifest(bad);
  REQUIRE_FALSE(bool(e));
  CHECK(llvm::toString(e.takeError()) ==
        "manifest: protocol value slot.WORDS is missing");
}

// host.h's Layout defaults are the prelude's values: a host that does not
// read the manifest still agrees with the default kernel. (Layout holds
// only u32 fields, so memcmp compares every one of them.)
TEST_CASE("host::Layout's defaults are the prelude's protocol values") {
  Program p("");
  vyre::host::Layout fromPrelude = hostLayout(p.layout.protocol);
  vyre::host::Layout defaults;
  static_assert(sizeof(vyre::host::Layout) % sizeof(uint32_t) == 0);
  CHECK(std::memcmp(&fromPrelude, &defaults, sizeof defaults) == 0);
}
