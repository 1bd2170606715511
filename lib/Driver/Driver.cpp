//===- Driver.cpp - vyrec's compile pipeline -----------------------------===//
//
// Load, validate, emit, then write every output as one transaction
// (OutputSet). Everything here was main() of tools/vyrec; its behaviour is
// docs/cli.md.
//
//===----------------------------------------------------------------------===//
#include "vyre/Driver/Driver.h"
#include "vyre/Basic/Diagnostics.h"
#include "vyre/Basic/OutputFile.h"
#include "vyre/Driver/OutputSet.h"
#include "vyre/Emit/CHeader.h"
#include "vyre/Emit/Emit.h"
#include "vyre/IR/Printer.h"
#include "vyre/Parse/Lexer.h"
#include "vyre/Parse/Loader.h"
#include "vyre/Sema/Sema.h"
#include "vyre/Sema/Shards.h"
#include "vyre/Target/WGSL.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/BuryPointer.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <array>
#include <cstdlib>
#include <optional>

using namespace vyre;

std::string vyre::defaultOutput(const CompilerOptions &o) {
  if (o.emit != "spirv" && o.emit != "wgsl")
    return "-";
  llvm::StringRef ext = o.emit == "wgsl" ? ".wgsl" : ".spv";
  if (o.input == "-")
    return ("out" + ext).str();
  llvm::SmallString<256> p(llvm::sys::path::filename(o.input));
  llvm::sys::path::replace_extension(p, ext);
  return std::string(p);
}

bool vyre::targetsWebGpu(const CompilerOptions &o) {
  return o.targetEnv == kWebGpuTarget;
}

namespace {

/// LLVM's diagnostic printer colours only a terminal unless its `color`
/// option says otherwise (LLVM 14 has no API for it): set that option, and
/// let errs() emit escape codes.
void forceDiagnosticColors() {
  llvm::StringMap<llvm::cl::Option *> &opts = llvm::cl::getRegisteredOptions();
  if (auto it = opts.find("color"); it != opts.end())
    it->second->addOccurrence(0, "color", "true");
  llvm::errs().enable_colors(true);
}

/// NO_COLOR (https://no-color.org): set and not empty, it turns off the
/// colours --color=auto would choose; an explicit --color=always wins.
bool noColorRequested() {
  const char *v = std::getenv("NO_COLOR");
  return v && *v;
}

/// \p unknownWarnings gets the -W options that name no group.
DiagOptions diagOptions(const CompilerOptions &o,
                        std::vector<std::string> &unknownWarnings) {
  DiagOptions dopts;
  dopts.maxErrors = o.maxErrors;
  for (const std::string &w : o.warningOptions)
    if (!dopts.applyWarningOption(w))
      unknownWarnings.push_back(w);
  dopts.verify = o.verify;
  dopts.format = o.diagnosticsFormat == "sarif" ? DiagFormat::Sarif
                 : o.diagnosticsFormat == "json" ? DiagFormat::Json
                                                 : DiagFormat::Text;
  dopts.toolVersion = VYREC_VERSION;
  dopts.sarifRoot = o.sarifRoot;
  dopts.docsUrl = VYREC_DOCS_URL;
  dopts.color = o.color == "always" ||
                (o.color == "auto" && !noColorRequested() &&
                 llvm::errs().has_colors());
  if (o.color == "always")
    forceDiagnosticColors();
  return dopts;
}

/// Parses `-D NAME=VALUE` (VALUE a u32 literal; NAME alone means 1).
bool parseDefines(const CompilerOptions &o, DiagnosticEngine &diags,
                  SemaOptions &sopts) {
  for (const std::string &d : o.defines) {
    if (llvm::Error err = addDefine(d, sopts)) {
      diags.error(llvm::SMLoc(), llvm::toString(std::move(err)));
      return false;
    }
  }
  return true;
}

/// Where the outputs go; an empty path is an output not asked for.
struct OutputPaths {
  std::string primary, manifest, header, depfile;
};

OutputPaths outputPaths(const CompilerOptions &o) {
  OutputPaths p;
  p.primary = o.inPlace          ? o.input
              : o.output.empty() ? defaultOutput(o)
                                 : o.output;
  p.manifest = o.manifest;
  p.header = o.header;
  p.depfile = o.depfile;
  if (p.depfile.empty() && o.md)
    p.depfile = (p.primary == "-" ? std::string("out") : p.primary) + ".d";
  return p;
}

/// Each output path with the option that names it, for messages.
using NamedOutputs = std::array<std::pair<const char *, const std::string *>, 4>;
NamedOutputs namedOutputs(const OutputPaths &p) {
  return {{{"-o", &p.primary},
           {"--manifest", &p.manifest},
           {"--header", &p.header},
           {"the depfile", &p.depfile}}};
}

/// Two outputs that name one file (`-o x --manifest x`, `-o - --manifest
/// -`, or a link to the other) would lose one of them: a usage error.
bool checkOutputPaths(const OutputPaths &p, DiagnosticEngine &diags) {
  NamedOutputs named = namedOutputs(p);
  for (size_t i = 0; i < std::size(named); ++i)
    for (size_t j = 0; j < i; ++j) {
      const std::string &a = *named[j].second, &b = *named[i].second;
      if (a.empty() || b.empty())
        continue;
      std::string key = outputFileKey(a);
      if (key.empty() || key != outputFileKey(b))
        continue;
      diags.error(llvm::SMLoc(), llvm::Twine(named[j].first) + " '" + a +
                                     "' and " + named[i].first + " '" + b +
                                     "' " +
                                     (key == "-" ? "both write standard output"
                                                 : "are the same file") +
                                     "; each output needs its own");
      return false;
    }
  return true;
}

/// The depfile's targets without -MT: the outputs that are files.
std::vector<std::string> depfileTargets(const OutputPaths &p) {
  std::vector<std::string> targets;
  for (const std::string *t : {&p.primary, &p.manifest, &p.header})
    if (!t->empty() && *t != "-")
      targets.push_back(*t);
  return targets;
}

/// An output that names one of \p inputs (the same path, or a link to it)
/// would destroy a source file: a usage error, as gcc's "input file is the
/// same as output file". -i (\p inPlace) writes the input on purpose.
bool checkOutputsSpareInputs(const OutputPaths &p,
                             llvm::ArrayRef<std::string> inputs, bool inPlace,
                             DiagnosticEngine &diags) {
  for (const auto &[option, path] : namedOutputs(p)) {
    if (path->empty() || *path == "-" || (inPlace && path == &p.primary))
      continue;
    for (const std::string &input : inputs) {
      bool same = false;
      if (input.empty() || input == "-" ||
          llvm::sys::fs::equivalent(*path, input, same) || !same)
        continue;
      diags.error(llvm::SMLoc(), llvm::Twine(option) + " '" + *path +
                                     "' is the input file '" + input +
                                     "': it would be overwritten");
      return false;
    }
  }
  return true;
}

EmitOptions emitOptions(const CompilerOptions &o, llvm::SourceMgr &sm) {
  EmitOptions eopts;
  // (--target-env=webgpu: the SPIR-V fields keep their defaults, unused.)
  eopts.targetEnv = parseTargetEnv(o.targetEnv).value_or(TargetEnv::Vulkan1_1);
  eopts.spirvVersion = parseSpirvVersion(o.spirvVersion); // vyrec checks it
  // No --skeleton: the grouped skeleton where the module's SPIR-V version
  // has subgroup operations, the portable one below (--target-env=vulkan1.0
  // and --spirv-version<1.3 are not an error; the manifest says which).
  // WebGPU: the portable loop, which needs no optional feature (`subgroups`
  // is one: docs/embedding.md, "WebGPU").
  bool subgroupByDefault = !targetsWebGpu(o) &&
                           !(moduleSpirvVersion(eopts) < kSubgroupSpirvVersion);
  // (vyrec accepts only parseSkeleton's spellings.)
  eopts.skeleton = o.skeleton.empty()
                       ? (subgroupByDefault ? Skeleton::Grouped : Skeleton::Portable)
                       : parseSkeleton(o.skeleton).value_or(Skeleton::Portable);
  eopts.claimBatch = o.claimBatch ? o.claimBatch : defaultClaimBatch(targetsWebGpu(o));
  eopts.memoryModel = o.memoryModel == "vulkan" ? MemoryModelKind::Vulkan
                                                : MemoryModelKind::GLSL450;
  eopts.optLevel = o.optimizeSize ? OptLevel::Size
                   : o.optimize   ? OptLevel::Performance
                                  : OptLevel::None;
  eopts.entryPoint = o.entry;
  eopts.shards = parseShardCount(o.shards).value_or(1); // vyrec checks it
  eopts.debugInfo = o.debugInfo;
  eopts.validate = o.validate;
  eopts.sm = &sm; // -g: OpLine needs the source locations
  return eopts;
}

/// Why \p o's outputs and options do not fit its target (SPIR-V for a
/// Vulkan --target-env, WGSL for webgpu), or "".
std::string targetOptionsError(const CompilerOptions &o) {
  bool webgpu = targetsWebGpu(o);
  if (o.emit == "wgsl" && !webgpu)
    return "--emit=wgsl needs --target-env=webgpu";
  if (!webgpu)
    return "";
  for (const char *spirvOnly : {"spirv", "asm", "c-header"})
    if (o.emit == spirvOnly)
      return "--emit=" + o.emit +
             " writes SPIR-V, which --target-env=webgpu does not: use "
             "--emit=wgsl";
  std::pair<bool, const char *> spirvOptions[] = {
      {!o.header.empty(), "--header"},
      {!o.spirvVersion.empty(), "--spirv-version"},
      {o.memoryModel != "glsl450", "--memory-model"},
      {o.optimize || o.optimizeSize, "-O and -Os"},
      {o.debugInfo, "-g"}};
  for (auto [given, name] : spirvOptions)
    if (given)
      return std::string(name) +
             " applies to SPIR-V; --target-env=webgpu writes WGSL";
  return "";
}

/// An explicit --skeleton or --claim-batch that this module's kernel would
/// not use (a sharded module and one with the priority schedule run the
/// portable loop), or "".
std::string skeletonOptionError(const CompilerOptions &o,
                                const EmitOptions &eopts,
                                const SemaResult &sema) {
  bool explicitSkeleton = o.skeleton == "grouped" || o.skeleton == "subgroup";
  if (!(explicitSkeleton || o.claimBatch) ||
      KernelPlan::make(sema, eopts).subgroupLoop())
    return "";
  std::string why =
      !shardable(sema)
          ? "a module with kernel.SCHEDULE = schedule.PRIORITY"
          : "a sharded module (--shards=" + o.shards + ")";
  std::string option = explicitSkeleton ? "--skeleton=" + o.skeleton
                                        : "--claim-batch";
  return option + ": " + why +
         " runs the portable skeleton (docs/protocol.md); drop " + option;
}

/// One validated module and what the outputs are built from. The manifest
/// serves up to two outputs (--emit and --manifest): it is built once.
class Compilation {
public:
  Compilation(const CompilerOptions &o, llvm::SourceMgr &sm,
              DiagnosticEngine &diags)
      : o(o), sm(sm), diags(diags), eopts(emitOptions(o, sm)) {}

  Module module;
  SemaResult sema;
  std::vector<std::string> dependencies;

  /// The --emit output's bytes, or the exit code that stops the compile.
  std::optional<ExitCode> buildPrimary(std::string &primary);
  /// The manifest's text, or the exit code that stops the compile.
  std::optional<ExitCode> manifestText(std::string &text);
  /// --emit=c-header's text (also --header's), or the exit code.
  std::optional<ExitCode> buildHeader(std::string &header);

private:
  std::optional<ExitCode> buildFromSpirv(std::string &primary);

  const CompilerOptions &o;
  llvm::SourceMgr &sm;
  DiagnosticEngine &diags;
  EmitOptions eopts;
  // The module serves up to three outputs (--emit, the manifest's hash,
  // requirements and interface, --manifest) and the manifest up to two:
  // each is built once.
  std::optional<std::vector<uint32_t>> wordsCache;
  std::optional<WgslModule> wgslCache;
  std::optional<llvm::json::Value> manifestJson;
  /// What stopped the compile when words(), wgsl() or manifest() returned
  /// none: WGSL refused the module (a located error), or an internal error.
  ExitCode failure = InternalError;

  /// --target-env=webgpu: the WGSL module, built once (checkWgslSupport
  /// first: what WGSL cannot make correct is the user's error).
  const WgslModule *wgsl() {
    if (!wgslCache) {
      if (!checkWgslSupport(module, sema, KernelPlan::make(sema, eopts),
                            diags)) {
        failure = CompileError;
        return nullptr;
      }
      llvm::Expected<WgslModule> w = emitWgsl(module, sema, eopts);
      if (!w) {
        diags.error(llvm::SMLoc(), "internal compiler error: " +
                                       llvm::toString(w.takeError()));
        return nullptr;
      }
      wgslCache = std::move(*w);
    }
    return &*wgslCache;
  }

  /// What the target reports about its module, for the manifest.
  std::optional<TargetFacts> targetFacts() {
    if (targetsWebGpu(o)) {
      const WgslModule *w = wgsl();
      if (!w)
        return std::nullopt;
      return webgpuTargetFacts(*w, sema);
    }
    const std::vector<uint32_t> *w = words();
    if (!w)
      return std::nullopt;
    llvm::Expected<TargetFacts> facts = spirvTargetFacts(*w, eopts);
    if (!facts) {
      diags.error(llvm::SMLoc(), "internal compiler error: " +
                                     llvm::toString(facts.takeError()));
      return std::nullopt;
    }
    return std::move(*facts);
  }

  /// The module's SPIR-V words, emitted once for every output that needs them.
  const std::vector<uint32_t> *words() {
    if (!wordsCache) {
      llvm::Expected<std::vector<uint32_t>> w = emitSpirv(module, sema, eopts);
      if (!w) {
        diags.error(llvm::SMLoc(), "internal compiler error: " +
                                       llvm::toString(w.takeError()));
        return nullptr;
      }
      wordsCache = std::move(*w);
    }
    return &*wordsCache;
  }

  const llvm::json::Value *manifest() {
    if (!manifestJson) {
      std::optional<TargetFacts> facts = targetFacts();
      if (!facts)
        return nullptr;
      manifestJson = buildManifest(module, sema, eopts, sm, *facts);
    }
    return &*manifestJson;
  }
};

std::optional<ExitCode> Compilation::manifestText(std::string &text) {
  const llvm::json::Value *m = manifest();
  if (!m)
    return failure;
  llvm::raw_string_ostream os(text);
  os << llvm::formatv("{0:2}", *m) << "\n";
  os.flush();
  return std::nullopt;
}

std::optional<ExitCode> Compilation::buildPrimary(std::string &primary) {
  if (o.emit == "protocol-doc") {
    primary = renderProtocolDoc(sema.protocol);
  } else if (o.emit == "ir") {
    llvm::raw_string_ostream os(primary);
    if (o.format)
      formatSourceFile(*module.files[module.rootFile], os);
    else
      printSourceFile(*module.files[module.rootFile], os);
  } else if (o.emit == "manifest") {
    return manifestText(primary);
  } else if (o.emit == "wgsl") {
    const WgslModule *w = wgsl();
    if (!w)
      return failure;
    primary = w->text;
  } else {
    return buildFromSpirv(primary);
  }
  return std::nullopt;
}

std::optional<ExitCode> Compilation::buildHeader(std::string &header) {
  const std::vector<uint32_t> *words = this->words();
  if (!words)
    return InternalError;
  std::string vn = o.variableName;
  if (vn.empty()) {
    vn = llvm::sys::path::stem(o.input == "-" ? "stdin" : o.input).str();
    for (char &c : vn)
      if (!isalnum(static_cast<unsigned char>(c)))
        c = '_';
  }
  if (!isCIdentifier(vn)) {
    diags.error(llvm::SMLoc(), "--vn '" + vn + "' is not a C identifier");
    return UsageError;
  }
  const llvm::json::Value *m = manifest();
  if (!m)
    return InternalError;
  header = renderCHeader(*words, *m, vn, o.input);
  return std::nullopt;
}

/// --emit=spirv, asm and c-header: all start from the emitted words.
std::optional<ExitCode> Compilation::buildFromSpirv(std::string &primary) {
  if (o.emit == "c-header")
    return buildHeader(primary);
  const std::vector<uint32_t> *words = this->words();
  if (!words)
    return InternalError;
  if (o.emit == "asm") {
    llvm::Expected<std::string> text = disassemble(*words, eopts.targetEnv);
    if (!text) {
      diags.error(llvm::SMLoc(), "internal compiler error: " +
                                     llvm::toString(text.takeError()));
      return InternalError;
    }
    primary = std::move(*text);
  } else {
    primary.assign(reinterpret_cast<const char *>(words->data()),
                   words->size() * sizeof(uint32_t));
  }
  return std::nullopt;
}

} // namespace

ExitCode vyre::compile(const CompilerOptions &options) {
  CompilerOptions o = options;
  if (o.format) { // --format is the parse-only printer with the comments
    o.syntaxOnly = true;
    o.emit = "ir";
  }
  llvm::SourceMgr sm;
  std::vector<std::string> unknownWarnings;
  DiagnosticEngine diags(sm, llvm::errs(), diagOptions(o, unknownWarnings));
  for (const std::string &w : unknownWarnings)
    diags.warning(DiagGroup::UnknownWarningOption, llvm::SMLoc(),
                  "unknown warning option '" + w + "'");

  SemaOptions sopts;
  if (!parseDefines(o, diags, sopts))
    return UsageError;

  if (!o.sarifRoot.empty() && diags.options().format != DiagFormat::Sarif) {
    diags.error(llvm::SMLoc(),
                "--sarif-root applies to --diagnostics-format=sarif");
    return UsageError;
  }
  if (o.inPlace && !o.format) {
    diags.error(llvm::SMLoc(), "-i needs --format");
    return UsageError;
  }
  if (o.inPlace && (o.input == "-" || !o.output.empty())) {
    diags.error(llvm::SMLoc(),
                "-i rewrites its input file: give a file, and no -o");
    return UsageError;
  }

  LoadOptions lopts;
  lopts.includeDirs = o.includeDirs;
  lopts.usePrelude = !o.noPrelude && !o.syntaxOnly;
  lopts.preludePath = o.prelude;
  lopts.followImports = !o.syntaxOnly;
  if (o.syntaxOnly && o.emit != "ir" && !o.verify) {
    diags.error(llvm::SMLoc(), "--syntax-only needs --emit=ir");
    return UsageError;
  }

  // --syntax-only and --format validate nothing, and a manifest or header
  // is built from a validated module: asking for both is a mistake.
  if (o.syntaxOnly && (!o.manifest.empty() || !o.header.empty())) {
    diags.error(llvm::SMLoc(),
                llvm::Twine(options.format ? "--format" : "--syntax-only") +
                    " does not compile the module: it cannot write " +
                    (o.manifest.empty() ? "--header" : "--manifest"));
    return UsageError;
  }

  OutputPaths paths = outputPaths(o);
  if (!checkOutputPaths(paths, diags) ||
      !checkOutputsSpareInputs(paths, {o.input, o.prelude}, o.inPlace, diags))
    return UsageError;
  if (!paths.depfile.empty() && o.depTargets.empty() &&
      depfileTargets(paths).empty()) {
    diags.error(llvm::SMLoc(), "the depfile needs a target, and every output "
                               "goes to standard output: name one with -MT");
    return UsageError;
  }
  if (std::string err = targetOptionsError(o); !err.empty()) {
    diags.error(llvm::SMLoc(), err);
    return UsageError;
  }
  EmitOptions eopts = emitOptions(o, sm);
  if (std::string err = emitOptionsError(eopts); !err.empty()) {
    diags.error(llvm::SMLoc(), err);
    return UsageError;
  }
  // A batch size the skeleton would not use is a mistake worth saying.
  if (o.claimBatch && eopts.skeleton != Skeleton::Grouped) {
    diags.error(llvm::SMLoc(), "--claim-batch applies to the grouped "
                               "skeleton only (this module's is " +
                                   spelling(eopts.skeleton) +
                                   ")");
    return UsageError;
  }

  auto owned = std::make_unique<Compilation>(o, sm, diags);
  Compilation &c = *owned;
  auto release = llvm::make_scope_exit([&] {
    if (o.disableFree)
      llvm::BuryPointer(std::move(owned)); // still reachable: no leak report
  });
  bool ok = loadModule(o.input, lopts, diags, c.module, &c.dependencies);
  if (ok && !o.syntaxOnly && !diags.tooManyErrors())
    ok = runSema(c.module, diags, c.sema, sopts);

  if (o.verify)
    return verifyDiagnostics(diags, llvm::errs()) ? Success : CompileError;
  if (!ok || diags.hasErrors())
    return CompileError;
  if (!checkOutputsSpareInputs(paths, c.dependencies, o.inPlace, diags))
    return UsageError; // an output naming an imported file
  if (!o.syntaxOnly) {
    if (std::string err = skeletonOptionError(o, eopts, c.sema); !err.empty()) {
      diags.error(llvm::SMLoc(), err);
      return UsageError;
    }
  }
  // --shards=K asks for K entry points; planShards makes one for a module
  // with the priority schedule (its claim has no shard filter).
  if (!o.syntaxOnly && parseShardCount(o.shards).value_or(1) > 1 &&
      !shardable(c.sema)) {
    diags.error(llvm::SMLoc(), "--shards=" + o.shards +
                                   ": a module with kernel.SCHEDULE = "
                                   "schedule.PRIORITY cannot be sharded");
    return CompileError;
  }

  // Build every output in memory first; write only when all succeeded.
  std::string primary;
  if (std::optional<ExitCode> stop = c.buildPrimary(primary))
    return *stop;

  // -i leaves a file it does not change untouched (its inode, times, owner
  // and hard links), as clang-format -i does.
  if (o.inPlace) {
    const SourceFile &root = *c.module.files[c.module.rootFile];
    if (llvm::StringRef(primary) ==
        (root.utf8Bom ? kUtf8Bom.str() : "") + root.text.str())
      return Success;
  }
  OutputSet outputs;
  outputs.add(paths.primary, std::move(primary));
  if (!paths.manifest.empty()) {
    std::string text;
    if (std::optional<ExitCode> stop = c.manifestText(text))
      return *stop;
    outputs.add(paths.manifest, std::move(text));
  }
  if (!paths.header.empty()) {
    std::string header;
    if (std::optional<ExitCode> stop = c.buildHeader(header))
      return *stop;
    outputs.add(paths.header, std::move(header));
  }
  if (!paths.depfile.empty())
    outputs.add(paths.depfile,
                makeDepfile(o.depTargets.empty() ? depfileTargets(paths)
                                                 : o.depTargets,
                            c.dependencies, o.depPhony,
                            /*escapeTargets=*/o.depTargets.empty()));

  if (llvm::Error err = outputs.commit()) {
    diags.error(llvm::SMLoc(), llvm::toString(std::move(err)));
    return CompileError;
  }
  return Success;
}
