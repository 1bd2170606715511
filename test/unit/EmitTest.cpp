//===- EmitTest.cpp - the SPIR-V backend through the libraries -----------===//
//
// Parses the prelude plus generated user handlers, runs Sema and the
// backend, and checks the module: it validates (emit() asks emitSpirv to
// validate every module it returns), dispatch is one OpSwitch up to SPIR-V's
// limit of 16,383 targets and a tree of them past it, and each handler body
// is emitted once.
//
//===----------------------------------------------------------------------===//
#include "TestSupport.h"
#include "vyre/Emit/Emit.h"
#include "vyre/Parse/Parser.h"
#include "vyre/Prelude/Prelude.h"
#include "vyre/Sema/Sema.h"

#include "llvm/Support/FormatVariadic.h"

#include <doctest/doctest.h>

#include <spirv/unified1/spirv.hpp11>

using namespace vyre;

namespace {

struct Compiled : test::InMemoryModule {
  SemaResult sema;

  explicit Compiled(llvm::StringRef user) {
    addFile(preludeSource(), preludeBufferName(), true);
    addFile(user, "test.vyre", false);
    REQUIRE_MESSAGE(!diags.hasErrors(), diagOs.str());
    REQUIRE_MESSAGE(runSema(module, diags, sema), diagOs.str());
  }

  /// The module, checked with the SPIR-V validator (emitSpirv fails on an
  /// invalid one).
  std::vector<uint32_t> emit(EmitOptions opts = {}) {
    opts.sm = &sm;
    opts.validate = true;
    llvm::Expected<std::vector<uint32_t>> words = emitSpirv(module, sema, opts);
    if (!words) {
      FAIL(llvm::toString(words.takeError()));
      return {};
    }
    return std::move(*words);
  }
};

/// Instructions of \p words (after the 5-word header) with opcode \p op.
std::vector<llvm::ArrayRef<uint32_t>> instructions(llvm::ArrayRef<uint32_t> words,
                                                   spv::Op op) {
  std::vector<llvm::ArrayRef<uint32_t>> out;
  for (size_t i = 5; i < words.size();) {
    uint32_t count = words[i] >> 16;
    if (count == 0)
      break; // malformed: stop rather than loop
    if ((words[i] & 0xFFFF) == static_cast<uint32_t>(op))
      out.push_back(words.slice(i, count));
    i += count;
  }
  return out;
}

std::string thousandHandlers() {
  std::string text = "buffer hits: u32[1024] read_write atomic @binding(4);\n";
  for (unsigned i = 0; i < 1000; ++i)
    text += llvm::formatv("handler USER_{0} = {1} {{\n"
                          "  atomic_add(hits[{2}], arg0 + {0});\n"
                          "}\n",
                          i, 0x1000 + i, i % 1024)
                .str();
  return text;
}

} // namespace

/// OpFunctionCalls with (true) or without (false) arguments: the calls
/// without are the bounds guards' record_out_of_bounds().
size_t calls(llvm::ArrayRef<uint32_t> words, bool withArgs) {
  size_t n = 0;
  for (llvm::ArrayRef<uint32_t> inst : instructions(words, spv::Op::OpFunctionCall))
    n += (inst.size() > 4) == withArgs;
  return n;
}

TEST_CASE("emit: 1,000 user handlers validate and dispatch through one OpSwitch") {
  Compiled c(thousandHandlers());
  REQUIRE(c.sema.handlers.size() == 1010); // 10 built-ins + 1000
  Compiled prelude("");
  for (TargetEnv env :
       {TargetEnv::Vulkan1_1, TargetEnv::Vulkan1_2, TargetEnv::Vulkan1_3}) {
    EmitOptions opts;
    opts.targetEnv = env;
    std::vector<uint32_t> words = c.emit(opts); // validated by emitSpirv
    std::vector<uint32_t> preludeWords = prelude.emit(opts);
    // The user handlers index `hits` with constants inside its 1024 words:
    // no bounds guard, so the guards are exactly the prelude's.
    CHECK(calls(preludeWords, false) > 0);
    CHECK(calls(words, false) == calls(preludeWords, false));
    CHECK(instructions(words, spv::Op::OpArrayLength).size() ==
          instructions(preludeWords, spv::Op::OpArrayLength).size());
    REQUIRE_FALSE(words.empty());
    auto switches = instructions(words, spv::Op::OpSwitch);
    REQUIRE(switches.size() == 1);
    // OpSwitch selector default (literal label)*: every handler is a case,
    // plus PACKED_SLOT (decoded by main, not counted as unknown).
    CHECK((switches[0].size() - 3) / 2 == 1010 + 1);
    // Each handler body is one function, shared by both entry points:
    // 1010 handlers, dispatch_op, decode_packed, record_out_of_bounds,
    // main and main_portable.
    CHECK(instructions(words, spv::Op::OpFunction).size() == 1010 + 5);
    CHECK(instructions(words, spv::Op::OpEntryPoint).size() == 2);
    // Each handler is called once, from its switch case.
    // (main runs a slot in the grouped loop's own rounds and in its spread
    // rest, main_portable in its portable step: three calls of dispatch_op
    // and of decode_packed; decode_packed -> dispatch_op.)
    CHECK(calls(words, true) == 1010 + 7);
  }
}

TEST_CASE("emit: past SPIR-V's 16,383 OpSwitch targets, dispatch splits") {
  // 16,500 user handlers + 10 built-ins + PACKED_SLOT = 16,511 cases: two
  // switches of 8,256 and 8,255 cases under one `opcode < X` selection.
  constexpr unsigned kUser = 16500;
  std::string text = "buffer hits: u32[64] read_write atomic @binding(4);\n";
  for (unsigned i = 0; i < kUser; ++i)
    text += llvm::formatv("handler U{0} = {1} { atomic_add(hits[{2}], arg0); }\n",
                          i, 0x100 + i, i % 64)
                .str();
  Compiled c(text);
  REQUIRE(c.sema.handlers.size() == kUser + 10);
  std::vector<uint32_t> words = c.emit(); // validated by emitSpirv
  REQUIRE_FALSE(words.empty());
  auto switches = instructions(words, spv::Op::OpSwitch);
  REQUIRE(switches.size() == 2);
  std::vector<std::vector<uint32_t>> literals(2);
  for (size_t k = 0; k < 2; ++k) {
    // OpSwitch selector default (literal label)*
    for (size_t i = 3; i + 1 < switches[k].size(); i += 2)
      literals[k].push_back(switches[k][i]);
    CHECK(literals[k].size() <= 16383);
    CHECK(std::is_sorted(literals[k].begin(), literals[k].end()));
  }
  CHECK(literals[0].size() == 8256);
  CHECK(literals[1].size() == 8255);
  // The low switch holds the seven built-ins 0..5, 7 and the first 8,249
  // user opcodes (0x100..0x2138), the high one the other 8,251, then 0xFFFD,
  // 0xFFFE, PACKED_SLOT and SHUTDOWN.
  CHECK(literals[0].front() == 0);
  CHECK(literals[0].back() == 0x100 + 8248);
  CHECK(literals[1].front() == 0x100 + 8249);
  CHECK(literals[1].back() == 0xFFFFFFFFu);
  // The tree tests `opcode < first opcode of the high switch`.
  bool split = false;
  for (llvm::ArrayRef<uint32_t> lt : instructions(words, spv::Op::OpULessThan))
    for (llvm::ArrayRef<uint32_t> k : instructions(words, spv::Op::OpConstant))
      split |= k[2] == lt[4] && k[3] == literals[1].front();
  CHECK(split);
  // Each handler is still called once, from its case (and main calls
  // dispatch_op and decode_packed three times, decode_packed dispatch_op
  // once).
  CHECK(calls(words, true) == kUser + 10 + 7);
}

TEST_CASE("emit: the dispatch OpSwitch lives in dispatch_op") {
  Compiled c("");
  std::vector<uint32_t> words = c.emit();
  llvm::Expected<std::string> text = disassemble(words, TargetEnv::Vulkan1_1);
  REQUIRE(static_cast<bool>(text));
  size_t fn = text->find("%dispatch_op = OpFunction");
  size_t sw = text->find("OpSwitch");
  size_t end = text->find("OpFunctionEnd", fn);
  REQUIRE(fn != std::string::npos);
  CHECK(sw > fn);
  CHECK(sw < end);
  CHECK(text->find("OpSwitch", sw + 1) == std::string::npos);
}

TEST_CASE("emit: header, version and spec constants per target env") {
  Compiled c("");
  struct Case {
    TargetEnv env;
    uint32_t version;
  } cases[] = {{TargetEnv::Vulkan1_0, 0x00010000},
               {TargetEnv::Vulkan1_1, 0x00010300},
               {TargetEnv::Vulkan1_2, 0x00010500},
               {TargetEnv::Vulkan1_3, 0x00010600}};
  for (const Case &k : cases) {
    EmitOptions opts;
    opts.targetEnv = k.env;
    if (k.env == TargetEnv::Vulkan1_0)
      opts.skeleton = Skeleton::Portable; // no subgroup operations there
    std::vector<uint32_t> words = c.emit(opts);
    REQUIRE(words.size() > 5);
    CHECK(words[0] == 0x07230203u);
    CHECK(words[1] == k.version);
    // slot.COUNT, kernel.ITERATION_BUDGET, io.POLL_LIMIT,
    // kernel.WORKGROUP_SIZE, kernel.PORTABLE_LOOP, defaults from the
    // prelude.
    auto specs = instructions(words, spv::Op::OpSpecConstant);
    REQUIRE(specs.size() == 5);
    std::vector<uint32_t> defaults;
    uint32_t workgroupSize = 0; // its result id
    for (auto s : specs) {
      defaults.push_back(s[3]);
      if (s[3] == 64)
        workgroupSize = s[2];
    }
    std::sort(defaults.begin(), defaults.end());
    CHECK(defaults == std::vector<uint32_t>{0, 64, 256, 1000000, 1048576});
    // The workgroup size is that spec constant: the x of a WorkgroupSize
    // composite below SPIR-V 1.6, LocalSizeId's x from 1.6 (which
    // deprecates the built-in).
    auto composites = instructions(words, spv::Op::OpSpecConstantComposite);
    auto modes = instructions(words, spv::Op::OpExecutionMode);
    auto modeIds = instructions(words, spv::Op::OpExecutionModeId);
    // One mode per entry point: main, and main_portable beside the
    // grouped loop (from SPIR-V 1.3).
    size_t entries = k.env == TargetEnv::Vulkan1_0 ? 1 : 2;
    REQUIRE(instructions(words, spv::Op::OpEntryPoint).size() == entries);
    if (k.version < 0x00010600) {
      REQUIRE(composites.size() == 1);
      CHECK(composites[0][3] == workgroupSize);
      REQUIRE(modes.size() == entries);
      for (llvm::ArrayRef<uint32_t> mode : modes) {
        CHECK(mode[2] == uint32_t(spv::ExecutionMode::LocalSize));
        CHECK(mode[3] == 64);
      }
      CHECK(modeIds.empty());
    } else {
      CHECK(composites.empty());
      CHECK(modes.empty());
      REQUIRE(modeIds.size() == entries);
      for (llvm::ArrayRef<uint32_t> mode : modeIds) {
        CHECK(mode[2] == uint32_t(spv::ExecutionMode::LocalSizeId));
        CHECK(mode[3] == workgroupSize);
      }
    }
  }
}

TEST_CASE("emit: SPIR-V versions and what each target env accepts") {
  CHECK(parseSpirvVersion("1.0").has_value());
  CHECK(parseSpirvVersion("1.6").has_value());
  CHECK_FALSE(parseSpirvVersion("1.7").has_value());
  CHECK_FALSE(parseSpirvVersion("2.0").has_value());
  CHECK_FALSE(parseSpirvVersion("1.").has_value());
  CHECK_FALSE(parseSpirvVersion("1.3x").has_value());
  CHECK(spelling(*parseSpirvVersion("1.4")) == "1.4");
  CHECK(parseTargetEnv("vulkan1.0") == TargetEnv::Vulkan1_0);

  Compiled c("");
  for (TargetEnv env : {TargetEnv::Vulkan1_0, TargetEnv::Vulkan1_1,
                        TargetEnv::Vulkan1_2, TargetEnv::Vulkan1_3})
    for (unsigned minor = 0; minor <= 6; ++minor) {
      CAPTURE(spelling(env).str());
      CAPTURE(minor);
      EmitOptions opts;
      opts.targetEnv = env;
      opts.spirvVersion = SpirvVersion{1, minor};
      opts.skeleton = minor >= 3 ? Skeleton::Subgroup : Skeleton::Portable;
      bool accepted = minor <= newestSpirvVersion(env).minor;
      CHECK(emitOptionsError(opts).empty() == accepted);
      if (!accepted) {
        // emitSpirv refuses what the driver would have refused.
        llvm::Expected<std::vector<uint32_t>> w = emitSpirv(c.module, c.sema, opts);
        CHECK_FALSE(static_cast<bool>(w));
        llvm::consumeError(w.takeError());
        continue;
      }
      // StorageBuffer: core from 1.3, an extension below.
      std::vector<uint32_t> words = c.emit(opts);
      REQUIRE(words.size() > 5);
      CHECK(words[1] == ((1u << 16) | (minor << 8)));
      CHECK(instructions(words, spv::Op::OpExtension).size() ==
            (minor < 3 ? 1u : 0u));
    }
  // The subgroup skeleton needs SPIR-V 1.3.
  EmitOptions opts;
  opts.targetEnv = TargetEnv::Vulkan1_3;
  opts.spirvVersion = SpirvVersion{1, 2};
  opts.skeleton = Skeleton::Subgroup;
  CHECK(emitOptionsError(opts).find("--skeleton=subgroup needs SPIR-V 1.3") == 0);
}

TEST_CASE("emit: -O and --Os modules validate") {
  Compiled c("buffer b: u32[8] read_write atomic @binding(4);\n"
             "handler H = 0x100 { atomic_add(b[arg0 % 8], arg1 / arg2); }\n");
  for (OptLevel level : {OptLevel::Performance, OptLevel::Size}) {
    EmitOptions opts;
    opts.optLevel = level;
    CHECK_FALSE(c.emit(opts).empty());
  }
}

TEST_CASE("emit: protocol doc lists every row") {
  Compiled c("");
  std::string doc = renderProtocolDoc(c.sema.protocol);
  CHECK(doc.find("| `slot` | `COUNT` | tunable | 0 | 256 |") != std::string::npos);
  CHECK(doc.find("| `opcode` | `PACKED_SLOT` | code | - | 0x80000001 |") !=
        std::string::npos);
  size_t rows = std::count(doc.begin(), doc.end(), '\n');
  CHECK(rows == kNumProtocolValues + 2);
}
