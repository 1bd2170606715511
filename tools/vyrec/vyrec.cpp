//===- vyrec.cpp - the vyrec command line --------------------------------===//
//
// A thin layer: parse options, run the libraries' pipeline (load, validate,
// emit), and write every output all-or-nothing. docs/cli.md is its manual.
//
//===----------------------------------------------------------------------===//
#include "vyre/Basic/Diagnostics.h"
#include "vyre/Basic/OutputFile.h"
#include "vyre/Emit/CHeader.h"
#include "vyre/Emit/Emit.h"
#include "vyre/IR/Printer.h"
#include "vyre/Parse/Loader.h"
#include "vyre/Sema/Sema.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <CLI/CLI.hpp>

#include <optional>

using namespace vyre;

namespace {

// Documented in docs/cli.md.
enum ExitCode {
  Success = 0,
  CompileError = 1,
  UsageError = 2,
  InternalError = 4,
};

struct Options {
  std::string input;
  std::string output;
  std::string emit = "spirv";
  std::string manifest;
  std::string depfile;
  std::string variableName;
  bool md = false;
  std::vector<std::string> includeDirs;
  std::vector<std::string> defines;
  unsigned maxErrors = 20;
  bool werror = false;
  bool noWarnings = false;
  bool verify = false;
  bool noPrelude = false;
  bool syntaxOnly = false;
  std::string prelude;
  std::string color = "auto";
  std::string targetEnv = "vulkan1.1";
  std::string memoryModel = "glsl450";
  std::string entry = "main";
  bool optimize = false;
  bool optimizeSize = false;
  bool debugInfo = false;
};

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

std::string defaultOutput(const Options &o) {
  if (o.emit != "spirv")
    return "-";
  if (o.input == "-")
    return "out.spv";
  llvm::SmallString<256> p(llvm::sys::path::filename(o.input));
  llvm::sys::path::replace_extension(p, ".spv");
  return std::string(p);
}

/// LLVM's diagnostic printer colours only a terminal unless its `color`
/// option says otherwise (LLVM 14 has no API for it): set that option, and
/// let errs() emit escape codes.
void forceDiagnosticColors() {
  llvm::StringMap<llvm::cl::Option *> &opts = llvm::cl::getRegisteredOptions();
  if (auto it = opts.find("color"); it != opts.end())
    it->second->addOccurrence(0, "color", "true");
  llvm::errs().enable_colors(true);
}

/// Make syntax: `targets: deps`, with spaces and '$' escaped as GCC does.
std::string makeDepfile(const std::vector<std::string> &targets,
                        const std::vector<std::string> &deps) {
  auto escape = [](llvm::StringRef path) {
    std::string out;
    for (char c : path) {
      if (c == ' ' || c == '#')
        out += '\\';
      else if (c == '$')
        out += '$';
      out += c;
    }
    return out;
  };
  std::string text;
  for (size_t i = 0; i < targets.size(); ++i)
    text += (i ? " " : "") + escape(targets[i]);
  text += ":";
  for (const std::string &d : deps)
    text += " \\\n  " + escape(d);
  text += "\n";
  return text;
}

/// Parses `-D NAME=VALUE` (VALUE a u32 literal; NAME alone means 1).
bool parseDefines(const Options &o, DiagnosticEngine &diags, SemaOptions &sopts) {
  for (const std::string &d : o.defines) {
    llvm::StringRef name = llvm::StringRef(d).split('=').first;
    llvm::StringRef value = llvm::StringRef(d).split('=').second;
    unsigned long long v = 1;
    if (d.find('=') != std::string::npos && value.getAsInteger(0, v)) {
      diags.error(llvm::SMLoc(), "-D " + d + ": value must be a u32 literal");
      return false;
    }
    if (v > 0xFFFFFFFFull) {
      diags.error(llvm::SMLoc(), "-D " + d + ": value does not fit in u32");
      return false;
    }
    sopts.defines.emplace_back(name.str(), static_cast<uint32_t>(v));
  }
  return true;
}

} // namespace

int main(int argc, char **argv) {
  Options o;
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
  app.add_option("-e,--entry", o.entry, "entry point name (glslang: -e)");
  app.add_flag("-O", o.optimize, "optimize for performance (spirv-opt -O)");
  app.add_flag("--Os", o.optimizeSize, "optimize for size (spirv-opt -Os)");
  app.add_flag("-g", o.debugInfo, "emit OpSource/OpLine debug information");
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

  DiagOptions dopts;
  dopts.maxErrors = o.maxErrors;
  dopts.warningsAsErrors = o.werror;
  dopts.suppressWarnings = o.noWarnings;
  dopts.verify = o.verify;
  dopts.color = o.color == "always" ||
                (o.color == "auto" && llvm::errs().has_colors());
  if (o.color == "always")
    forceDiagnosticColors();

  llvm::SourceMgr sm;
  DiagnosticEngine diags(sm, llvm::errs(), dopts);

  SemaOptions sopts;
  if (!parseDefines(o, diags, sopts))
    return UsageError;

  LoadOptions lopts;
  lopts.includeDirs = o.includeDirs;
  lopts.usePrelude = !o.noPrelude && !o.syntaxOnly;
  lopts.preludePath = o.prelude;
  lopts.followImports = !o.syntaxOnly;
  if (o.syntaxOnly && o.emit != "ir" && !o.verify) {
    llvm::errs() << "vyrec: error: --syntax-only needs --emit=ir\n";
    return UsageError;
  }

  Module module;
  SemaResult sema;
  std::vector<std::string> dependencies;
  bool ok = loadModule(o.input, lopts, diags, module, &dependencies);
  if (ok && !o.syntaxOnly && !diags.tooManyErrors())
    ok = runSema(module, diags, sema, sopts);

  if (o.verify)
    return verifyDiagnostics(diags, llvm::errs()) ? Success : CompileError;
  if (!ok || diags.hasErrors())
    return CompileError;

  EmitOptions eopts;
  eopts.targetEnv = *parseTargetEnv(o.targetEnv);
  eopts.memoryModel = o.memoryModel == "vulkan" ? MemoryModelKind::Vulkan
                                                : MemoryModelKind::GLSL450;
  eopts.optLevel = o.optimizeSize ? OptLevel::Size
                   : o.optimize   ? OptLevel::Performance
                                  : OptLevel::None;
  eopts.entryPoint = o.entry;
  eopts.debugInfo = o.debugInfo;
  eopts.sm = &sm; // -g: OpLine needs the source locations

  // Build every output in memory first; write only when all succeeded. The
  // manifest serves up to two outputs (--emit and --manifest): build it once.
  std::optional<llvm::json::Value> manifestJson;
  auto manifest = [&]() -> const llvm::json::Value & {
    if (!manifestJson)
      manifestJson = buildManifest(module, sema, eopts, sm);
    return *manifestJson;
  };
  auto manifestText = [&] {
    std::string text;
    llvm::raw_string_ostream os(text);
    os << llvm::formatv("{0:2}", manifest()) << "\n";
    return os.str();
  };
  std::string primary;
  if (o.emit == "protocol-doc") {
    primary = renderProtocolDoc(sema.protocol);
  } else if (o.emit == "ir") {
    llvm::raw_string_ostream os(primary);
    printSourceFile(*module.files[module.rootFile], os);
  } else if (o.emit == "manifest") {
    primary = manifestText();
  } else {
    llvm::Expected<std::vector<uint32_t>> words = emitSpirv(module, sema, eopts);
    if (!words) {
      llvm::errs() << "vyrec: internal compiler error: "
                   << llvm::toString(words.takeError()) << "\n";
      return InternalError;
    }
    if (o.emit == "c-header") {
      std::string vn = o.variableName;
      if (vn.empty()) {
        vn = llvm::sys::path::stem(o.input == "-" ? "stdin" : o.input).str();
        for (char &c : vn)
          if (!isalnum(static_cast<unsigned char>(c)))
            c = '_';
      }
      if (!isCIdentifier(vn)) {
        llvm::errs() << "vyrec: error: --vn '" << vn
                     << "' is not a C identifier\n";
        return UsageError;
      }
      primary = renderCHeader(*words, manifest(), vn, o.input);
    } else if (o.emit == "asm") {
      llvm::Expected<std::string> text = disassemble(*words, eopts.targetEnv);
      if (!text) {
        llvm::errs() << "vyrec: internal compiler error: "
                     << llvm::toString(text.takeError()) << "\n";
        return InternalError;
      }
      primary = std::move(*text);
    } else {
      primary.assign(reinterpret_cast<const char *>(words->data()),
                     words->size() * sizeof(uint32_t));
    }
  }
  std::string manifestFile;
  if (!o.manifest.empty())
    manifestFile = manifestText();

  std::string outPath = o.output.empty() ? defaultOutput(o) : o.output;
  std::string depPath = o.depfile;
  if (depPath.empty() && o.md)
    depPath = (outPath == "-" ? std::string("out") : outPath) + ".d";
  std::string depText;
  if (!depPath.empty()) {
    std::vector<std::string> targets;
    if (outPath != "-")
      targets.push_back(outPath);
    if (!o.manifest.empty() && o.manifest != "-")
      targets.push_back(o.manifest);
    depText = makeDepfile(targets, dependencies);
  }

  // Write each output; on any failure remove the ones already written, so
  // a build system never sees a partial set.
  std::vector<std::pair<std::string, const std::string *>> outputs = {
      {outPath, &primary}};
  if (!o.manifest.empty())
    outputs.push_back({o.manifest, &manifestFile});
  if (!depPath.empty())
    outputs.push_back({depPath, &depText});
  for (size_t i = 0; i < outputs.size(); ++i) {
    if (llvm::Error err = writeFileAtomically(outputs[i].first, *outputs[i].second)) {
      diags.error(llvm::SMLoc(), llvm::toString(std::move(err)));
      for (size_t j = 0; j < i; ++j)
        if (outputs[j].first != "-")
          llvm::sys::fs::remove(outputs[j].first);
      return CompileError;
    }
  }
  return Success;
}
