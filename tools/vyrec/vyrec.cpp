//===- vyrec.cpp - the vyrec command line --------------------------------===//
//
// Parses the options (CLI11) into CompilerOptions and hands them to the
// driver library (lib/Driver), which runs the pipeline and writes every
// output as one transaction. docs/cli.md is its manual.
//
//===----------------------------------------------------------------------===//
#include "vyre/Basic/Diagnostics.h"
#include "vyre/Basic/ResponseFiles.h"
#include "vyre/Driver/Driver.h"
#include "vyre/Sema/Shards.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Allocator.h"
#include "llvm/Support/StringSaver.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/FormatVariadic.h"

#include <CLI/CLI.hpp>

#include <cstring>

using namespace vyre;

namespace {

/// clang, gcc and glslang spell some long options with one dash; CLI11
/// wants two. The warning options (-W..., -w) are taken out, in order,
/// since their meaning depends on it; of the optimization levels (-O0, -O,
/// -Os) only the last counts, as in clang. \p argv lacks the program name.
std::vector<std::string> normalizeArgs(llvm::ArrayRef<const char *> argv,
                                       std::vector<std::string> &warningOptions) {
  static const char *const singleDashLong[] = {
      "-verify", "-max-errors", "-Os", "-O0", "-MD", "-MF", "-MT", "-MP"};
  auto isWarningOption = [](llvm::StringRef a) {
    return a.startswith("-W") || a == "-w" || a == "--Werror";
  };
  auto isOptLevel = [](llvm::StringRef a) {
    return a == "-O" || a == "-O0" || a == "-Os" || a == "--Os" || a == "--O0";
  };
  int lastOpt = -1;
  for (size_t i = 0; i < argv.size(); ++i) {
    if (isWarningOption(argv[i]))
      warningOptions.push_back(llvm::StringRef(argv[i]) == "--Werror" ? "-Werror"
                                                                     : argv[i]);
    if (isOptLevel(argv[i]))
      lastOpt = static_cast<int>(i);
  }
  std::vector<std::string> args; // CLI11 takes them in reverse
  for (int i = static_cast<int>(argv.size()) - 1; i >= 0; --i) {
    std::string a = argv[i];
    if (isWarningOption(a) || (isOptLevel(a) && i != lastOpt))
      continue;
    for (const char *s : singleDashLong) {
      llvm::StringRef ar(a);
      if (ar == s || (ar.startswith(s) && ar.drop_front(strlen(s)).startswith("=")))
        a = "-" + a;
    }
    args.push_back(a);
  }
  return args;
}

// Debug builds (CMakeLists.txt) check every module they emit, as --validate.
#ifdef VYREC_VALIDATE_BY_DEFAULT
constexpr bool kValidateByDefault = true;
#else
constexpr bool kValidateByDefault = false;
#endif

/// CLI11 prints two dashes; --help shows the spellings docs/cli.md uses.
std::string helpWithDocSpellings(std::string help) {
  static const char *const shown[] = {"-Os", "-O0", "-MD", "-MF", "-MT", "-MP"};
  for (const char *s : shown) {
    std::string twoDash = std::string("-") + s;
    for (size_t at = help.find(twoDash); at != std::string::npos;
         at = help.find(twoDash, at + 1)) {
      char next = at + twoDash.size() < help.size() ? help[at + twoDash.size()] : ' ';
      if (isalnum(static_cast<unsigned char>(next)) || next == '-')
        continue;
      help.erase(at, 1);
      // Keep the description column: pad the gap after the option names.
      size_t gap = help.find("  ", at), eol = help.find('\n', at);
      if (gap < eol)
        help.insert(gap, " ");
    }
  }
  return help;
}

} // namespace

int main(int argc, char **argv) {
  CompilerOptions o;
  o.validate = kValidateByDefault;
  CLI::App app{"vyrec: compile .vyre opcode handlers to a SPIR-V megakernel "
               "and its protocol manifest"};
  app.name("vyrec");
  app.set_version_flag("--version", "vyrec " VYREC_VERSION);
  // Several inputs compile one by one (docs/cli.md, "Several input files").
  std::vector<std::string> inputs;
  app.add_option("input", inputs,
                 "input .vyre files ('-' for standard input); several compile "
                 "one by one, each to its default output")
      ->required();
  app.add_option("-o,--output", o.output,
                 "output file ('-' for standard output; default: INPUT.spv "
                 "for spirv, INPUT.wgsl for wgsl, standard output otherwise)");
  app.add_option("--emit", o.emit, "what to write")
      ->check(CLI::IsMember({"spirv", "wgsl", "asm", "ir", "manifest",
                             "c-header", "protocol-doc"}));
  app.add_option("--vn", o.variableName,
                 "--emit=c-header: name of the word array and prefix of the "
                 "constants (default: the input's base name)");
  app.add_option("--manifest", o.manifest,
                 "also write the JSON manifest to this file");
  app.add_option("--depfile,--MF", o.depfile,
                 "write Make-style dependencies (every file read) to FILE");
  app.add_flag("--MD", o.md, "write dependencies to OUTPUT.d (or the -MF file)");
  app.add_option("--MT", o.depTargets,
                 "the depfile's target instead of the outputs (repeatable)")
      ->allow_extra_args(false);
  app.add_flag("--MP", o.depPhony,
               "add an empty rule for each imported file (as gcc -MP)");
  app.add_option("--header", o.header,
                 "also write the C header (--emit=c-header's output) to FILE, "
                 "from the same compile");
  app.add_option("-I,--include", o.includeDirs, "directory searched for imports")
      ->allow_extra_args(false);
  app.add_option("-D,--define", o.defines,
                 "override or define a root-file const: NAME=VALUE")
      ->allow_extra_args(false);
  app.add_option("--target-env", o.targetEnv,
                 "Vulkan version the module targets, or webgpu (a WGSL module) "
                 "(default: vulkan1.1)")
      ->check(CLI::IsMember(
          {"vulkan1.0", "vulkan1.1", "vulkan1.2", "vulkan1.3", "webgpu"}));
  app.add_option("--spirv-version", o.spirvVersion,
                 "SPIR-V version of the module, at most the newest the target "
                 "env accepts (default: that newest)")
      ->check(CLI::IsMember({"1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6"}));
  app.add_option("--memory-model", o.memoryModel,
                 "SPIR-V memory model (default: glsl450)")
      ->check(CLI::IsMember({"glsl450", "vulkan"}));
  app.add_option("--skeleton", o.skeleton,
                 "persistent loop: grouped (claims --claim-batch slots per "
                 "invocation, runs each batch by opcode; needs subgroup "
                 "operations, SPIR-V 1.3), subgroup (two slots per invocation) "
                 "or portable (default: grouped where the SPIR-V version "
                 "allows it, portable below)")
      ->check(CLI::IsMember({"subgroup", "grouped", "portable"}));
  app.add_option("--claim-batch", o.claimBatch,
                 "grouped skeleton: slots each invocation claims per batch "
                 "(default: " + std::to_string(kDefaultClaimBatch) + ", " +
                     std::to_string(kDefaultWebGpuClaimBatch) +
                     " with --target-env=webgpu; docs/protocol.md, The "
                     "grouped skeleton)")
      ->check(CLI::Range(1u, kMaxClaimBatch));
  app.add_option("-e,--entry", o.entry,
                 "entry point name (default: main; glslang: -e)");
  app.add_option("--shards", o.shards,
                 "split the opcodes over this many entry points, or 'auto' "
                 "(docs/protocol.md, Shards)")
      ->check(shardCountError);
  app.add_flag("-O", o.optimize, "optimize for performance (spirv-opt -O)");
  app.add_flag("--Os", o.optimizeSize, "optimize for size (spirv-opt -Os)");
  bool noOptimize = false; // -O0: the default; there to override an earlier -O
  app.add_flag("--O0", noOptimize,
               "do not optimize (the default; the last of -O0, -O, -Os wins)");
  app.add_flag("-g", o.debugInfo, "emit OpSource/OpLine debug information");
  app.add_flag("--validate,!--no-validate", o.validate,
               "check the module with the SPIR-V validator (an invalid one is "
               "an internal compiler error)");
  app.add_option("--max-errors", o.maxErrors, "stop after N errors (0: no limit)");
  app.add_flag("--verify", o.verify,
               "check diagnostics against expected-* comments in the input");
  app.add_flag("--no-prelude", o.noPrelude, "do not read the built-in prelude");
  app.add_flag("--syntax-only", o.syntaxOnly,
               "parse the input alone (no prelude, imports or validation)");
  app.add_flag("--format", o.format,
               "print the input in canonical layout, comments kept (parses "
               "the input alone, as --syntax-only)");
  app.add_flag("-i", o.inPlace, "--format: rewrite the input file in place");
  app.add_option("--prelude", o.prelude, "read this prelude instead of the built-in one");
  app.add_option("--diagnostics-format", o.diagnosticsFormat,
                 "diagnostics on standard error as clang-style text, or one "
                 "JSON or SARIF 2.1.0 document")
      ->check(CLI::IsMember({"text", "json", "sarif"}));
  app.add_option("--sarif-root", o.sarifRoot,
                 "--diagnostics-format=sarif: paths below DIR are written "
                 "relative to it, as uriBaseId SRCROOT (default: the working "
                 "directory)");
  app.add_option("--color", o.color, "colour diagnostics")
      ->check(CLI::IsMember({"auto", "always", "never"}));

  std::string warningHelp =
      "Warnings (as in clang; later options win):\n"
      "  -Wname / -Wno-name        enable / disable a warning group\n"
      "  -Werror / -Werror=name    make all warnings / one group errors\n"
      "  -Wno-error=name           keep a group a warning under -Werror\n"
      "  -Weverything / -w         enable every group / suppress all warnings\n"
      "Groups (default):\n";
  for (size_t i = 0; i < kNumDiagGroups; ++i) {
    const DiagGroupInfo &g = diagGroupInfo(static_cast<DiagGroup>(i));
    warningHelp += llvm::formatv("  -W{0,-24}({1}) {2}\n", g.name,
                                 g.defaultOn ? "on" : "off", g.summary);
  }
  app.footer(warningHelp);

  // Response files first (@FILE, gcc/clang quoting; nested ones relative
  // to the file that names them), as clang does before parsing options.
  llvm::BumpPtrAllocator alloc;
  llvm::StringSaver saver(alloc);
  llvm::SmallVector<const char *, 32> args(argv, argv + argc);
  if (llvm::Error err = expandResponseFiles(args, saver)) {
    llvm::errs() << "vyrec: error: " << llvm::toString(std::move(err)) << "\n";
    return UsageError;
  }

  try {
    app.parse(normalizeArgs(llvm::makeArrayRef(args).drop_front(),
                            o.warningOptions));
  } catch (const CLI::CallForHelp &) {
    llvm::outs() << helpWithDocSpellings(app.help());
    return Success;
  } catch (const CLI::ParseError &e) {
    int rc = app.exit(e);
    return rc == 0 ? Success : UsageError;
  }

  // A WebGPU module is WGSL: that is what a bare --target-env=webgpu writes.
  if (targetsWebGpu(o) && !app.count("--emit"))
    o.emit = "wgsl";
  o.disableFree = true; // the process exits right after
  if (inputs.size() > 1)
    return compileEach(o, inputs); // as glslc -c: each to its own output
  o.input = inputs.front();
  return compile(o);
}
