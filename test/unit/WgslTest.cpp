//===- WgslTest.cpp - the WGSL target through its builder ----------------===//
//
// Drives WgslKernelBuilder by hand (a loop, an if, a compare-exchange, a
// guarded access, a switch left from inside, a subgroup vote) and checks
// the text line by line; emitWgsl's shell and facts (through the
// megakernel stand-in while lib/Kernel's is being written); and what
// checkWgslSupport refuses. Each expected module was validated by Tint
// (Dawn's node bindings, backend=null) when it was written.
//
//===----------------------------------------------------------------------===//
#include "TestSupport.h"
#include "WgslKernelBuilder.h"
#include "vyre/Prelude/Prelude.h"
#include "vyre/Sema/Sema.h"
#include "vyre/Target/WGSL.h"

#include "llvm/Support/raw_ostream.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <functional>

using namespace vyre;
using namespace vyre::kernel;

namespace {

struct Checked : test::InMemoryModule {
  SemaResult sema;

  explicit Checked(llvm::StringRef user) {
    addFile(preludeSource(), preludeBufferName(), true);
    addFile(user, "test.vyre", false);
    REQUIRE_MESSAGE(!diags.hasErrors(), diagOs.str());
    REQUIRE_MESSAGE(runSema(module, diags, sema), diagOs.str());
  }

  /// checkWgslSupport's verdict; its diagnostics are in diagText.
  bool supported() {
    return checkWgslSupport(module, sema, KernelPlan::make(sema, {}), diags);
  }
};

/// WGSL_DUMP=DIR: writes \p text to DIR/\p file, for a WGSL validator
/// outside the test (Tint, through Dawn's node bindings).
void dumpForTint(llvm::StringRef file, llvm::StringRef text) {
  const char *dir = std::getenv("WGSL_DUMP");
  if (!dir)
    return;
  std::error_code ec;
  llvm::raw_fd_ostream os((llvm::Twine(dir) + "/" + file).str(), ec);
  REQUIRE_MESSAGE(!ec, ec.message());
  os << text;
}

std::string text(llvm::Expected<WgslModule> m, llvm::StringRef dumpAs) {
  if (m)
    dumpForTint(dumpAs, m->text);
  if (!m) {
    FAIL(llvm::toString(m.takeError()));
    return "";
  }
  return m->text;
}

/// The plan of a test that builds one loop by hand and makes it the only
/// entry point: \p opts' skeleton without the portable loop's entry point
/// beside it (emitWgsl's tests below check that one).
KernelPlan oneLoopPlan(const SemaResult &sema, const KernelOptions &opts) {
  KernelPlan plan = KernelPlan::make(sema, opts);
  plan.entryPoints.resize(1);
  return plan;
}

} // namespace

TEST_CASE("WGSL: the vocabulary's statements, rendered") {
  Checked c("");
  KernelOptions opts;
  opts.skeleton = Skeleton::Subgroup;
  KernelPlan plan = oneLoopPlan(c.sema, opts);
  wgsl::WgslKernelBuilder k(c.sema, plan);
  const BufferDecl *ring = c.sema.ringBuffer;

  Fn probe = k.declare();
  k.define(probe, "probe", 1, Ty::U32, Inline::Never, {"limit"},
           [&](llvm::ArrayRef<Val> p) {
    Var count = k.local(Ty::U32);
    k.name(count, "count");
    k.loop([&] { return k.binary(BinaryOp::Lt, k.get(count), p[0]); },
           [&] {
             Val gid = k.builtin(Builtin::GlobalIdX);
             Val old = k.atomic(AtomicOp::CompareExchange, MemoryOrder::AcqRel,
                                k.element(ring, gid), {k.u32(0), k.u32(1)});
             k.ifThen(k.binary(BinaryOp::Eq, old, k.u32(0)),
                      [&] { k.breakLoop(); });
             Val w = k.guardedAccess(ring, gid, true, {}, [&](Ptr at) {
               return k.load(at);
             });
             k.switchOn(
                 w, {1, 2, 3}, [](size_t i) { return i != 1; },
                 [&](size_t i) {
                   if (i == 2)
                     return k.breakLoop();
                   k.store(k.element(ring, gid), k.u32(5));
                 },
                 [&] {});
             k.breakIf(k.group(GroupOp::Any,
                               {k.binary(BinaryOp::Eq, w, k.u32(7))}));
           },
           [&] {
             k.set(count, k.binary(BinaryOp::Add, k.get(count), k.u32(1)));
           });
    k.returnValue(k.get(count));
  });
  Fn loop = k.declare();
  k.define(loop, "main", 0, std::nullopt, Inline::Default, {},
           [&](llvm::ArrayRef<Val>) {
             k.call(probe, Ty::U32, {k.protocol(PV::slot_COUNT)});
           });
  k.entryPoint(loop, 0);
  // The loop's header is a let and a break; its body is not a block of its
  // own (the continuing part sees its lets); the strong compare-exchange
  // retries the weak one; the switch's case 3 leaves the loop through a
  // flag, reset after the loop; the kernel's own `main` gives its name to
  // the entry point.
  CHECK(text(k.finish(), "statements.wgsl") == R"(enable subgroups;
diagnostic(off, subgroup_uniformity);

@id(0) override slot_COUNT: u32 = 256u;
@id(1) override kernel_ITERATION_BUDGET: u32 = 1048576u;
@id(2) override io_POLL_LIMIT: u32 = 1000000u;
@id(3) override kernel_WORKGROUP_SIZE: u32 = 64u;
@id(4) override kernel_PORTABLE_LOOP: u32 = 0u;
@group(0) @binding(0) var<storage, read_write> control: array<atomic<u32>>;
@group(0) @binding(1) var<storage, read_write> ring_buffer: array<atomic<u32>>;
@group(0) @binding(2) var<storage, read_write> debug_log: array<atomic<u32>>;
@group(0) @binding(3) var<storage, read_write> io_queue: array<atomic<u32>>;
var<private> _gid_x: u32;

fn probe(_p2_limit: u32) -> u32 {
  var _v3_count: u32;
  var _v10: u32;
  var _v16: u32;
  var _v22: bool;
  loop {
    let _4 = _v3_count;
    let _5 = _4 < _p2_limit;
    if !_5 { break; }
    loop {
      let _11 = atomicCompareExchangeWeak(&ring_buffer[_gid_x], 0u, 1u);
      if _11.exchanged || _11.old_value != 0u {
        _v10 = _11.old_value;
        break;
      }
    }
    let _12 = _v10;
    let _13 = _12 == 0u;
    if _13 {
      break;
    }
    let _14 = arrayLength(&ring_buffer);
    let _15 = _gid_x < _14;
    if _15 {
      let _18 = atomicLoad(&ring_buffer[_gid_x]);
      _v16 = _18;
    } else {
      record_out_of_bounds();
      _v16 = 0u;
    }
    let _19 = _v16;
    switch _19 {
      case 2u: {}
      case 1u: {
        atomicStore(&ring_buffer[_gid_x], 5u);
      }
      case 3u: {
        _v22 = true; break;
      }
      default: {}
    }
    if _v22 { break; }
    let _24 = _19 == 7u;
    let _25 = subgroupAny(_24);
    if _25 { break; }
    continuing {
      let _26 = _v3_count;
      let _27 = _26 + 1u;
      _v3_count = _27;
    }
  }
  _v22 = false;
  let _29 = _v3_count;
  return _29;
}

fn main_loop() {
  let _31 = slot_COUNT;
  let _32 = probe(_31);
}

// Out of range (docs/protocol.md, "Robustness").
fn record_out_of_bounds() {
  atomicAdd(&control[142u], 1u);
}

@compute @workgroup_size(kernel_WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) _gid: vec3<u32>) {
  _gid_x = _gid.x;
  main_loop();
}
)");
}

TEST_CASE("WGSL: a portable module enables nothing and refuses subgroups") {
  Checked c("");
  KernelOptions opts;
  opts.skeleton = Skeleton::Portable;
  KernelPlan plan = oneLoopPlan(c.sema, opts);
  {
    wgsl::WgslKernelBuilder k(c.sema, plan);
    Fn loop = k.declare();
    k.define(loop, "main", 0, std::nullopt, Inline::Default, {},
             [&](llvm::ArrayRef<Val>) {
               // Constants fold as WGSL computes them at run time: WGSL
               // rejects a constant shift by 32 or division by zero.
               Val gid = k.builtin(Builtin::GlobalIdX);
               Val shifted = k.binary(BinaryOp::Shl, gid, k.u32(33));
               Val folded = k.binary(BinaryOp::Div, k.u32(7), k.u32(0));
               Val byZero = k.binary(BinaryOp::Rem, shifted, k.u32(0));
               Val pick = k.select(Ty::U32, k.unary(UnaryOp::LogicalNot,
                                                    k.boolean(false)),
                                   folded, byZero);
               k.store(k.element(c.sema.control, k.u32(3)), pick);
               k.fence(true, true);
             });
    k.entryPoint(loop, 0);
    CHECK(text(k.finish(), "portable.wgsl") == R"(@id(0) override slot_COUNT: u32 = 256u;
@id(1) override kernel_ITERATION_BUDGET: u32 = 1048576u;
@id(2) override io_POLL_LIMIT: u32 = 1000000u;
@id(3) override kernel_WORKGROUP_SIZE: u32 = 64u;
@id(4) override kernel_PORTABLE_LOOP: u32 = 0u;
@group(0) @binding(0) var<storage, read_write> control: array<atomic<u32>>;
@group(0) @binding(1) var<storage, read_write> ring_buffer: array<atomic<u32>>;
@group(0) @binding(2) var<storage, read_write> debug_log: array<atomic<u32>>;
@group(0) @binding(3) var<storage, read_write> io_queue: array<atomic<u32>>;
var<private> _gid_x: u32;

fn main_loop() {
  let _5 = _gid_x << 1u;
  let _10 = select(0u, 7u, true);
  atomicStore(&control[3u], _10);
  // fence(acquire, release): WGSL has no device-scope fence (docs/protocol.md, "WebGPU")
}

@compute @workgroup_size(kernel_WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) _gid: vec3<u32>) {
  _gid_x = _gid.x;
  main_loop();
}
)");
  }
  wgsl::WgslKernelBuilder k(c.sema, plan);
  Fn loop = k.declare();
  k.define(loop, "main", 0, std::nullopt, Inline::Default, {},
           [&](llvm::ArrayRef<Val>) { k.group(GroupOp::Elect, {}); });
  k.entryPoint(loop, 0);
  llvm::Expected<WgslModule> m = k.finish();
  REQUIRE(!m);
  CHECK(llvm::toString(m.takeError()) ==
        "WGSL: a subgroup operation in a module without subgroups");
}

TEST_CASE("WGSL: the grouped loop's operations, and a break out of two "
          "switches") {
  Checked c("buffer select: u32[4] read @binding(4);\n"
            "handler H = 0x100 { atomic_add(control[0], select[arg0 % 4]); }\n");
  KernelOptions opts;
  opts.skeleton = Skeleton::Grouped;
  KernelPlan plan = oneLoopPlan(c.sema, opts);
  REQUIRE(plan.grouped());
  wgsl::WgslKernelBuilder k(c.sema, plan);
  const BufferDecl *control = c.sema.control;
  const BufferDecl *table = c.sema.buffers.back();
  REQUIRE(table->name == "select");

  Fn helper = k.declare();
  Fn loop = k.declare();
  k.define(loop, "main", 0, std::nullopt, Inline::Default, {},
           [&](llvm::ArrayRef<Val>) {
    Val lane = k.builtin(Builtin::SubgroupLane);
    Val groups = k.builtin(Builtin::NumWorkgroupsX);
    Val word = k.load(k.element(table, lane)); // read-only: no atomic
    Val sum = k.group(GroupOp::Add, {word});
    Val lo = k.group(GroupOp::Min, {sum});
    Val hi = k.group(GroupOp::Max, {lo});
    Val before = k.group(GroupOp::ExclusiveAdd, {hi});
    Val first = k.group(GroupOp::BroadcastFirst, {before});
    Val other = k.group(GroupOp::Shuffle, {first, k.u32(1)});
    Val all = k.group(GroupOp::All, {k.binary(BinaryOp::Ne, other, groups)});
    Val low = k.bits(BitOp::FindLsb, k.unary(UnaryOp::BitNot, other));
    Val count = k.bits(BitOp::Count, low);
    for (AtomicOp op : {AtomicOp::Sub, AtomicOp::And, AtomicOp::Or,
                        AtomicOp::Xor, AtomicOp::Min, AtomicOp::Max,
                        AtomicOp::Exchange})
      k.atomic(op, MemoryOrder::Relaxed, k.element(control, k.u32(9)),
               {count});
    Val both = k.binary(BinaryOp::Eq, all, k.boolean(false), Ty::Bool);
    Var v = k.local(Ty::Bool);
    k.name(v, "both ways");
    k.set(v, k.select(Ty::Bool, both, all, k.boolean(true)));
    k.loop([&] { return k.boolean(true); },
           [&] {
             k.switchOn(
                 count, {4}, [](size_t) { return true; },
                 [&](size_t) {
                   k.switchOn(
                       low, {}, [](size_t) { return false; },
                       [](size_t) {}, [&] { k.breakLoop(); });
                   k.call(helper, std::nullopt, {});
                 },
                 [&] {});
             k.ifElse(k.get(v), [&] { k.breakLoop(); },
                      [&] { k.breakLoop(); });
             CHECK(!k.open()); // both arms left
           },
           [&] {});
  });
  // Defined after its caller, inside no other function.
  k.define(helper, "helper", 0, std::nullopt, Inline::Never, {},
           [&](llvm::ArrayRef<Val>) { k.subgroupBarrier(); });
  k.entryPoint(loop, 0);
  // `select` (a WGSL built-in) is escaped; the switch in a switch leaves
  // the loop through one flag, tested after each switch.
  CHECK(text(k.finish(), "grouped.wgsl") == R"(enable subgroups;
diagnostic(off, subgroup_uniformity);

@id(0) override slot_COUNT: u32 = 256u;
@id(1) override kernel_ITERATION_BUDGET: u32 = 1048576u;
@id(2) override io_POLL_LIMIT: u32 = 1000000u;
@id(3) override kernel_WORKGROUP_SIZE: u32 = 64u;
@id(4) override kernel_PORTABLE_LOOP: u32 = 0u;
@group(0) @binding(0) var<storage, read_write> control: array<atomic<u32>>;
@group(0) @binding(1) var<storage, read_write> ring_buffer: array<atomic<u32>>;
@group(0) @binding(2) var<storage, read_write> debug_log: array<atomic<u32>>;
@group(0) @binding(3) var<storage, read_write> io_queue: array<atomic<u32>>;
@group(0) @binding(4) var<storage, read> select_: array<u32>;
var<private> _nwg_x: u32;
var<private> _lane: u32;

fn main_loop() {
  var _v36_both_ways: bool;
  var _v39: bool;
  let _6 = select_[_lane];
  let _7 = subgroupAdd(_6);
  let _8 = subgroupMin(_7);
  let _9 = subgroupMax(_8);
  let _10 = subgroupExclusiveAdd(_9);
  let _11 = subgroupBroadcastFirst(_10);
  let _13 = subgroupShuffle(_11, 1u);
  let _14 = _13 != _nwg_x;
  let _15 = subgroupAll(_14);
  let _16 = ~_13;
  let _17 = firstTrailingBit(_16);
  let _18 = countOneBits(_17);
  let _21 = atomicSub(&control[9u], _18);
  let _23 = atomicAnd(&control[9u], _18);
  let _25 = atomicOr(&control[9u], _18);
  let _27 = atomicXor(&control[9u], _18);
  let _29 = atomicMin(&control[9u], _18);
  let _31 = atomicMax(&control[9u], _18);
  let _33 = atomicExchange(&control[9u], _18);
  let _35 = _15 == false;
  let _38 = select(true, _15, _35);
  _v36_both_ways = _38;
  loop {
    switch _18 {
      case 4u: {
        switch _17 {
          default: {
            _v39 = true; break;
          }
        }
        if _v39 { break; }
        helper();
      }
      default: {}
    }
    if _v39 { break; }
    let _40 = _v36_both_ways;
    if _40 {
      break;
    } else {
      break;
    }
  }
  _v39 = false;
}

fn helper() {
  // subgroup barrier: WGSL has none (docs/protocol.md, "WebGPU")
}

@compute @workgroup_size(kernel_WORKGROUP_SIZE)
fn main(@builtin(num_workgroups) _nwg: vec3<u32>, @builtin(subgroup_invocation_id) _lane_in: u32) {
  _nwg_x = _nwg.x;
  _lane = _lane_in;
  main_loop();
}
)");
}

TEST_CASE("WGSL: a loop's continuing part leaves by `break if`") {
  Checked c("");
  KernelPlan plan = oneLoopPlan(c.sema, {});
  for (bool nested : {false, true}) {
    wgsl::WgslKernelBuilder k(c.sema, plan);
    Fn loop = k.declare();
    k.define(loop, "main", 0, std::nullopt, Inline::Default, {},
             [&](llvm::ArrayRef<Val>) {
      Var i = k.local(Ty::U32);
      k.loop([&] { return k.boolean(true); }, [&] {},
             [&] {
               Val next = k.binary(BinaryOp::Add, k.get(i), k.u32(1));
               k.set(i, next);
               Val done = k.binary(BinaryOp::Ge, next, k.u32(8));
               if (nested) { // WGSL's continuing has no `break` but its last
                 k.ifThen(done, [&] { k.breakLoop(); });
               } else {
                 k.breakIf(done);
                 CHECK(!k.open());
               }
             });
    });
    k.entryPoint(loop, 0);
    llvm::Expected<WgslModule> m = k.finish();
    if (nested) {
      REQUIRE(!m);
      CHECK(llvm::toString(m.takeError()) ==
            "WGSL: a break nested inside a loop's continuing part");
      continue;
    }
    CHECK(text(std::move(m), "continuing.wgsl") ==
          R"(enable subgroups;
diagnostic(off, subgroup_uniformity);

@id(0) override slot_COUNT: u32 = 256u;
@id(1) override kernel_ITERATION_BUDGET: u32 = 1048576u;
@id(2) override io_POLL_LIMIT: u32 = 1000000u;
@id(3) override kernel_WORKGROUP_SIZE: u32 = 64u;
@id(4) override kernel_PORTABLE_LOOP: u32 = 0u;
@group(0) @binding(0) var<storage, read_write> control: array<atomic<u32>>;
@group(0) @binding(1) var<storage, read_write> ring_buffer: array<atomic<u32>>;
@group(0) @binding(2) var<storage, read_write> debug_log: array<atomic<u32>>;
@group(0) @binding(3) var<storage, read_write> io_queue: array<atomic<u32>>;

fn main_loop() {
  var _v2: u32;
  loop {
    continuing {
      let _5 = _v2;
      let _6 = _5 + 1u;
      _v2 = _6;
      let _8 = _6 >= 8u;
      break if _8;
    }
  }
}

@compute @workgroup_size(kernel_WORKGROUP_SIZE)
fn main() {
  main_loop();
}
)");
  }
}

TEST_CASE("WGSL: a switch takes 1022 values and the default") {
  Checked c("");
  KernelPlan plan = oneLoopPlan(c.sema, {});
  for (size_t n : {size_t(1022), size_t(1023)}) {
    wgsl::WgslKernelBuilder k(c.sema, plan);
    CHECK(k.maxSwitchCases() == 1022);
    std::vector<uint32_t> values(n);
    for (size_t i = 0; i < n; ++i)
      values[i] = static_cast<uint32_t>(i);
    Fn loop = k.declare();
    k.define(loop, "main", 0, std::nullopt, Inline::Default, {},
             [&](llvm::ArrayRef<Val>) {
               k.switchOn(k.builtin(Builtin::GlobalIdX), values,
                          [](size_t i) { return i % 2 == 0; },
                          [&](size_t i) {
                            k.store(k.element(c.sema.control, k.u32(1)),
                                    k.u32(static_cast<uint32_t>(i)));
                          },
                          [] {});
             });
    k.entryPoint(loop, 0);
    llvm::Expected<WgslModule> m = k.finish();
    CHECK(bool(m) == (n == 1022));
    if (!m)
      CHECK(llvm::toString(m.takeError()) ==
            "WGSL: a switch over more than maxSwitchCases() values");
    else
      dumpForTint("switch.wgsl", m->text);
  }
}

TEST_CASE("WGSL: module-scope names are valid WGSL identifiers, unique") {
  wgsl::WgslNames names;
  names.reserve("_gid_x");
  CHECK(names.unique("main") == "main");
  CHECK(names.unique("main") == "main_2");
  CHECK(names.unique("loop") == "loop_");
  CHECK(names.unique("select") == "select_");
  CHECK(names.unique("storage") == "storage_");
  CHECK(names.unique("vec3u") == "vec3u_");
  CHECK(names.unique("mat4x2") == "mat4x2_");
  CHECK(names.unique("vec5") == "vec5");
  CHECK(names.unique("__x") == "v__x");
  CHECK(names.unique("_gid_x") == "v_gid_x");
  CHECK(names.unique("9lives") == "v9lives");
  CHECK(names.unique("a-b c") == "a_b_c");
}

/// The facts emitWgsl reports agree with the module and the source: each
/// binding is a buffer's (set, binding, access, escaped name) and declared
/// so, sorted; each override a protocol value with a SpecId, declared with
/// its default, sorted by id.
void checkFacts(const WgslModule &m, const SemaResult &sema) {
  CHECK(m.storageBuffersPerStage == m.bindings.size());
  for (size_t i = 0; i < m.bindings.size(); ++i) {
    const WgslModule::Binding &b = m.bindings[i];
    REQUIRE(b.decl);
    CHECK(b.set == b.decl->setValue);
    CHECK(b.binding == b.decl->bindingValue);
    CHECK(b.readOnly == (b.decl->access == Access::Read));
    CHECK(m.text.find("@group(" + std::to_string(b.set) + ") @binding(" +
                      std::to_string(b.binding) + ") var<storage, " +
                      (b.readOnly ? "read> " + b.name + ": array<u32>;"
                                  : "read_write> " + b.name +
                                        ": array<atomic<u32>>;")) !=
          std::string::npos);
    if (i)
      CHECK(std::make_pair(m.bindings[i - 1].set, m.bindings[i - 1].binding) <
            std::make_pair(b.set, b.binding));
  }
  CHECK(!m.bindings.empty());
  CHECK(m.bindings[0].decl == sema.control); // record_out_of_bounds's
  bool workgroupSize = false;
  for (size_t i = 0; i < m.overrides.size(); ++i) {
    const WgslModule::Override &o = m.overrides[i];
    const ProtocolInfo &info = protocolInfo(o.value);
    CHECK(o.id == static_cast<uint32_t>(info.specId));
    CHECK(o.name == (info.group + "_" + info.key).str());
    CHECK(o.defaultValue == sema.protocol[o.value]);
    CHECK(m.text.find("@id(" + std::to_string(o.id) + ") override " +
                      o.name + ": u32 = " + std::to_string(o.defaultValue) +
                      "u;\n") != std::string::npos);
    if (i)
      CHECK(m.overrides[i - 1].id < o.id);
    workgroupSize |= o.value == PV::kernel_WORKGROUP_SIZE;
  }
  CHECK(workgroupSize);
}

TEST_CASE("WGSL: emitWgsl's shell, entry points and facts") {
  Checked c("buffer loop: u32[4] read @binding(4);\n"
            "handler BIG = 0x100 { atomic_add(control[0], loop[arg0 % 4]); }\n"
            "handler BIGGER = 0x101 { atomic_add(control[1], 1); }\n");
  SUBCASE("the subgroup loop needs the subgroups feature") {
    KernelOptions opts;
    opts.skeleton = Skeleton::Subgroup;
    llvm::Expected<WgslModule> m = emitWgsl(c.module, c.sema, opts);
    REQUIRE_MESSAGE(bool(m), llvm::toString(m.takeError()));
    dumpForTint("subgroup.wgsl", m->text);
    CHECK(llvm::StringRef(m->text).startswith(
        "enable subgroups;\ndiagnostic(off, subgroup_uniformity);\n"));
    CHECK(m->features == std::vector<std::string>{"subgroups"});
    // The subgroup loop's entry point, and the portable loop's beside it.
    CHECK(m->entryPoints ==
          std::vector<std::string>{"main", "main_portable"});
    CHECK(m->text.find("@compute @workgroup_size(kernel_WORKGROUP_SIZE)\n"
                       "fn main(") != std::string::npos);
    CHECK(m->text.find("  main_loop();\n}\n") != std::string::npos);
    CHECK(m->text.find("@compute @workgroup_size(kernel_WORKGROUP_SIZE)\n"
                       "fn main_portable(") != std::string::npos);
    CHECK(m->text.find("  main_portable_loop();\n}\n") != std::string::npos);
    checkFacts(*m, c.sema);
  }
  SUBCASE("shards: one entry point each, the portable loop") {
    KernelOptions opts;
    opts.shards = 2;
    opts.entryPoint = "loop"; // a WGSL keyword: escaped
    llvm::Expected<WgslModule> m = emitWgsl(c.module, c.sema, opts);
    REQUIRE_MESSAGE(bool(m), llvm::toString(m.takeError()));
    dumpForTint("shards.wgsl", m->text);
    CHECK(m->features.empty());
    CHECK(m->text.find("enable") == std::string::npos);
    CHECK(m->entryPoints ==
          std::vector<std::string>{"loop_", "loop_shard1"});
    CHECK(m->text.find("fn loop_(") != std::string::npos);
    CHECK(m->text.find("  loop_loop();\n}\n") != std::string::npos);
    CHECK(m->text.find("fn loop_shard1(") != std::string::npos);
    CHECK(m->text.find("  loop_shard1_loop();\n}\n") != std::string::npos);
    checkFacts(*m, c.sema);
  }
}

TEST_CASE("WGSL: what --target-env=webgpu refuses") {
  SUBCASE("the prelude's orderings pair with the host: accepted") {
    Checked c("");
    CHECK(c.supported());
    CHECK(c.diagText.empty());
  }
  SUBCASE("a user handler's acquire") {
    Checked c("handler H = 0x100 {\n"
              "  let x = atomic_load(control[0], acquire);\n"
              "  atomic_store(control[1], x, relaxed);\n"
              "}\n");
    CHECK(!c.supported());
    CHECK(c.diagText ==
          "test.vyre:2:35: error: memory order 'acquire' of atomic_load "
          "cannot be expressed for --target-env=webgpu: WGSL atomics are "
          "relaxed only\n"
          "  let x = atomic_load(control[0], acquire);\n"
          "                                  ^\n");
  }
  SUBCASE("a handler that writes the ring") {
    Checked c("handler H = 0x100 {\n"
              "  ring_buffer[arg0] = 1;\n"
              "  atomic_or(ring_buffer[arg1], 2);\n"
              "}\n");
    CHECK(!c.supported());
    CHECK(c.diagText.find("test.vyre:2:3: error: handler 'H' storing to "
                          "ring_buffer cannot be expressed for "
                          "--target-env=webgpu: another invocation could claim "
                          "the slot it publishes without release/acquire, "
                          "and WGSL atomics are relaxed only") !=
          std::string::npos);
    CHECK(c.diagText.find("test.vyre:3:3: error: handler 'H' updating "
                          "ring_buffer with atomic_or cannot be expressed") !=
          std::string::npos);
  }
  SUBCASE("statements nested deeper than WGSL compilers take") {
    // 58 nested statements are taken (the lowering adds up to 5 braces:
    // kWgslMaxBraceDepth is 63), 59 are not.
    auto nested = [](unsigned n) {
      std::string body = "handler H = 0x100 {\n";
      for (unsigned i = 0; i < n; ++i)
        body += "if arg0 == " + std::to_string(i) + " {\n";
      body += "let old = atomic_compare_exchange(control[arg1], 0, 1);\n";
      body += std::string(n, '}') + "\n}\n";
      return body;
    };
    Checked ok(nested(58));
    CHECK(ok.supported());
    Checked deep(nested(59));
    CHECK(!deep.supported());
    CHECK(deep.diagText.find(
              "test.vyre:60:1: error: handler 'H' nesting statements 59 deep "
              "cannot be expressed for --target-env=webgpu: WGSL compilers reject "
              "a function nested more than 63 braces deep") !=
          std::string::npos);
  }
}

TEST_CASE("WGSL: the builder refuses statements nested past the limit") {
  // What the limit's arithmetic rests on: a statement 62 braces deep (with
  // its one-line `if`, 63) was taken by Tint; one more is an error here.
  Checked c("");
  KernelPlan plan = oneLoopPlan(c.sema, {});
  for (unsigned depth : {kWgslMaxBraceDepth - 1, kWgslMaxBraceDepth}) {
    wgsl::WgslKernelBuilder k(c.sema, plan);
    Fn loop = k.declare();
    k.define(loop, "main", 0, std::nullopt, Inline::Default, {},
             [&](llvm::ArrayRef<Val>) {
      Val gid = k.builtin(Builtin::GlobalIdX);
      std::function<void(unsigned)> nest = [&](unsigned level) {
        if (level == depth) // the statements of this block
          return k.loop([&] { return k.boolean(true); },
                        [&] { k.breakIf(k.binary(BinaryOp::Eq, gid,
                                                 k.u32(level))); },
                        [] {});
        k.ifThen(k.binary(BinaryOp::Ne, gid, k.u32(level)),
                 [&] { nest(level + 1); });
      };
      nest(2); // the function's braces and the loop's
    });
    k.entryPoint(loop, 0);
    llvm::Expected<WgslModule> m = k.finish();
    if (depth < kWgslMaxBraceDepth) {
      CHECK(text(std::move(m), "deepest.wgsl").size() > 0);
    } else {
      REQUIRE(!m);
      CHECK(llvm::toString(m.takeError()) ==
            "WGSL: statements nested deeper than WGSL compilers take "
            "(kWgslMaxBraceDepth)");
    }
  }
}
