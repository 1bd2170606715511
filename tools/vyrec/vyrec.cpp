//===- vyrec.cpp - the vyrec command line --------------------------------===//
//
// Parses the options (CLI11) into CompilerOptions and hands them to the
// driver library (lib/Driver), which runs the pipeline and writes every
// output as one transaction. docs/cli.md is its manual.
//
//===----------------------------------------------------------------------===//
#include "vyre/Driver/Driver.h"
#include "vyre/Sema/Shards.h"

#include "llvm/ADT/StringRef.h"

#include <CLI/CLI.hpp>

#include <cstring>

using namespace vyre;

namespace {

/// clang and glslang spell some long options with one dash; CLI11 wants two.
std::vector<std::string> normalizeArgs(int argc, char **argv) {
  static const char *const singleDashLong[] = {"-Werror", "-verify",
                                               "-max-errors", "-Os", "-MD",
                                               "-MF"};
  std::vector<std::string> args;
  for (int i = argc - 1; i > 0; --i) {
    std::string a = argv[i];
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

} // namespace

int main(int argc, char **argv) {
  CompilerOptions o;
  o.validate = kValidateByDefault;
  CLI::App app{"vyrec: compile .vyre opcode handlers to a SPIR-V megakernel "
               "and its protocol manifest"};
  app.set_version_flag("--version", "vyrec " VYREC_VERSION);
  app.add_option("input", o.input, "input .vyre file ('-' for standard input)")
      ->required();
  app.add_option("-o,--output", o.output,
                 "output file ('-' for standard output; default: INPUT.spv "
                 "for spirv, standard output otherwise)");
  app.add_option("--emit", o.emit, "what to write")
      ->check(CLI::IsMember({"spirv", "asm", "ir", "manifest", "c-header",
                                  "protocol-doc"}));
  app.add_option("--vn", o.variableName,
                 "--emit=c-header: name of the word array and prefix of the "
                 "constants (default: the input's base name)");
  app.add_option("--manifest", o.manifest,
                 "also write the JSON manifest to this file");
  app.add_option("--depfile,--MF", o.depfile,
                 "write Make-style dependencies (every file read) to FILE");
  app.add_flag("--MD", o.md, "write dependencies to OUTPUT.d (or the -MF file)");
  app.add_option("-I,--include", o.includeDirs, "directory searched for imports")
      ->allow_extra_args(false);
  app.add_option("-D,--define", o.defines,
                 "override or define a root-file const: NAME=VALUE")
      ->allow_extra_args(false);
  app.add_option("--target-env", o.targetEnv, "Vulkan version the module targets")
      ->check(CLI::IsMember({"vulkan1.1", "vulkan1.2", "vulkan1.3"}));
  app.add_option("--memory-model", o.memoryModel, "SPIR-V memory model")
      ->check(CLI::IsMember({"glsl450", "vulkan"}));
  app.add_option("--skeleton", o.skeleton,
                 "persistent loop: subgroup (aggregated per subgroup; needs "
                 "subgroup operations) or portable")
      ->check(CLI::IsMember({"subgroup", "portable"}));
  app.add_option("-e,--entry", o.entry, "entry point name (glslang: -e)");
  app.add_option("--shards", o.shards,
                 "split the opcodes over this many entry points, or 'auto' "
                 "(docs/protocol.md, Shards)")
      ->check(shardCountError);
  app.add_flag("-O", o.optimize, "optimize for performance (spirv-opt -O)");
  app.add_flag("--Os", o.optimizeSize, "optimize for size (spirv-opt -Os)");
  app.add_flag("-g", o.debugInfo, "emit OpSource/OpLine debug information");
  app.add_flag("--validate,!--no-validate", o.validate,
               "check the module with the SPIR-V validator (an invalid one is "
               "an internal compiler error)");
  app.add_option("--max-errors", o.maxErrors, "stop after N errors (0: no limit)");
  app.add_flag("--Werror", o.werror, "treat warnings as errors");
  app.add_flag("-w", o.noWarnings, "suppress all warnings");
  app.add_flag("--verify", o.verify,
               "check diagnostics against expected-* comments in the input");
  app.add_flag("--no-prelude", o.noPrelude, "do not read the built-in prelude");
  app.add_flag("--syntax-only", o.syntaxOnly,
               "parse the input alone (no prelude, imports or validation); "
               "with --emit=ir this formats a file");
  app.add_option("--prelude", o.prelude, "read this prelude instead of the built-in one");
  app.add_option("--color", o.color, "colour diagnostics")
      ->check(CLI::IsMember({"auto", "always", "never"}));

  try {
    app.parse(normalizeArgs(argc, argv));
  } catch (const CLI::ParseError &e) {
    int rc = app.exit(e);
    return rc == 0 ? Success : UsageError;
  }

  return compile(o);
}
