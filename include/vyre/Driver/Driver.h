//===- Driver.h - vyrec's compile pipeline as a library ------------------===//
//
// As clang's Driver/Frontend: the command line (tools/vyrec) only turns argv
// into CompilerOptions; compile() loads, validates, emits and writes every
// output as one transaction. docs/cli.md is the manual for both.
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_DRIVER_DRIVER_H
#define VYRE_DRIVER_DRIVER_H

#include "vyre/Emit/Emit.h"

#include <string>
#include <vector>

namespace vyre {

/// vyrec's exit codes, documented in docs/cli.md.
enum ExitCode {
  Success = 0,
  CompileError = 1,
  UsageError = 2,
  InternalError = 4,
};

/// One vyrec invocation, as its options spell it (docs/cli.md).
struct CompilerOptions {
  std::string input;  ///< "-" is standard input
  std::string output; ///< empty: defaultOutput()
  /// spirv, wgsl, asm, ir, manifest, c-header, protocol-doc (vyrec: wgsl by
  /// default for --target-env=webgpu)
  std::string emit = "spirv";
  std::string manifest;       ///< --manifest FILE; empty: none
  std::string depfile;        ///< --depfile/-MF FILE; empty: none
  std::string variableName;   ///< --vn
  bool md = false;            ///< -MD: depfile next to the output
  std::vector<std::string> depTargets; ///< -MT: the depfile's targets, verbatim
  bool depPhony = false;      ///< -MP: an empty rule per imported file
  std::string header;         ///< --header FILE: also the C header
  std::vector<std::string> includeDirs;
  std::vector<std::string> defines; ///< -D NAME[=VALUE], unparsed
  unsigned maxErrors = 20;
  std::vector<std::string> warningOptions; ///< -W..., -w, in command-line order
  bool verify = false;
  bool noPrelude = false;
  bool syntaxOnly = false;
  bool format = false;  ///< --format: formatSourceFile (implies syntaxOnly)
  bool inPlace = false; ///< -i: --format writes back to the input
  std::string prelude;
  std::string color = "auto"; ///< auto, always, never
  std::string diagnosticsFormat = "text"; ///< text, json, sarif
  /// --sarif-root: SARIF URIs below it are relative (empty: the working
  /// directory).
  std::string sarifRoot;
  std::string targetEnv = "vulkan1.1"; ///< vulkan1.0 .. vulkan1.3, webgpu
  /// --spirv-version: "1.0".."1.6"; empty is the newest the env accepts.
  std::string spirvVersion;
  std::string memoryModel = "glsl450";
  /// --skeleton: grouped, subgroup or portable; empty is grouped when the
  /// module's SPIR-V version has subgroup operations (1.3+), portable below.
  std::string skeleton;
  unsigned claimBatch = 0; ///< --claim-batch; 0: defaultClaimBatch(target)
  std::string entry = "main";
  std::string shards = "1"; ///< --shards: a count or "auto" (parseShardCount)
  bool optimize = false;
  bool optimizeSize = false;
  bool debugInfo = false;
  bool validate = false; ///< --validate (vyrec: on by default in a Debug build)
  /// Leave the parsed tree and the emitted words allocated when compile()
  /// returns (as clang's -disable-free): a process that exits right after
  /// need not spend a tenth of the compile taking apart ~150 nodes per
  /// handler. The vyrec tool sets it; a long-lived embedder should not.
  bool disableFree = false;
};

/// Runs one compilation: diagnostics go to standard error, outputs to their
/// files (or standard output for "-"). Returns the exit code.
ExitCode compile(const CompilerOptions &opts);

/// Compiles each of \p inputs with \p o (o.input ignored), as glslc -c
/// does: each to its own default output, each its own transaction. Returns
/// the worst exit code. Options that would make the outputs ambiguous are a
/// usage error before anything is compiled (severalInputsError).
ExitCode compileEach(const CompilerOptions &o,
                     const std::vector<std::string> &inputs);

/// Why \p inputs cannot be compiled in one call with \p o (an option that
/// names one output, standard input or output, a JSON or SARIF document,
/// two inputs writing one file), or "". One input is always fine.
std::string severalInputsError(const CompilerOptions &o,
                               const std::vector<std::string> &inputs);

/// The primary output's path when -o is not given: INPUT.spv (out.spv for
/// standard input) for SPIR-V, INPUT.wgsl (out.wgsl) for WGSL, standard
/// output for every other --emit.
std::string defaultOutput(const CompilerOptions &opts);

/// --target-env=webgpu: the module is WGSL (lib/Target/WGSL), not SPIR-V.
bool targetsWebGpu(const CompilerOptions &opts);

} // namespace vyre

#endif
