//===- vyrec.cpp - the vyrec command line --------------------------------===//
//
// A thin layer: parse options, run the libraries' pipeline, write outputs.
//
//===----------------------------------------------------------------------===//
#include "vyre/Basic/Diagnostics.h"
#include "vyre/Basic/OutputFile.h"
#include "vyre/IR/Printer.h"
#include "vyre/Parse/Loader.h"

#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <CLI/CLI.hpp>

using namespace vyre;

namespace {

// Documented in docs/cli.md.
enum ExitCode { Success = 0, CompileError = 1, UsageError = 2, InternalError = 4 };

struct Options {
  std::string input;
  std::string output = "-";
  std::string emit = "ir";
  std::vector<std::string> includeDirs;
  unsigned maxErrors = 20;
  bool werror = false;
  bool noWarnings = false;
  bool verify = false;
  bool noPrelude = false;
  std::string prelude;
  std::string color = "auto";
};

} // namespace

int main(int argc, char **argv) {
  Options o;
  CLI::App app{"vyrec: compile .vyre opcode handlers to a SPIR-V megakernel "
               "and its protocol manifest"};
  app.set_version_flag("--version", "vyrec " VYREC_VERSION);
  app.add_option("input", o.input, "input .vyre file ('-' for standard input)")
      ->required();
  app.add_option("-o,--output", o.output, "output file ('-' for standard output)");
  app.add_option("--emit", o.emit, "what to write")
      ->check(CLI::IsMember({"ir"}));
  app.add_option("-I,--include", o.includeDirs, "directory searched for imports")
      ->allow_extra_args(false);
  app.add_option("--max-errors", o.maxErrors,
                 "stop after N errors (0: no limit)");
  app.add_flag("--Werror,-W", o.werror, "treat warnings as errors");
  app.add_flag("-w", o.noWarnings, "suppress all warnings");
  app.add_flag("--verify", o.verify,
               "check diagnostics against expected-* comments in the input");
  app.add_flag("--no-prelude", o.noPrelude, "do not read the built-in prelude");
  app.add_option("--prelude", o.prelude, "read this prelude instead of the built-in one");
  app.add_option("--color", o.color, "colour diagnostics")
      ->check(CLI::IsMember({"auto", "always", "never"}));

  // Accept clang-style single-dash long flags (-Werror, -verify).
  std::vector<std::string> args;
  for (int i = argc - 1; i > 0; --i) {
    std::string a = argv[i];
    if (a == "-Werror" || a == "-verify" || a.rfind("-max-errors", 0) == 0)
      a = "-" + a;
    args.push_back(a);
  }
  try {
    app.parse(std::move(args));
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

  llvm::SourceMgr sm;
  DiagnosticEngine diags(sm, llvm::errs(), dopts);
  LoadOptions lopts;
  lopts.includeDirs = o.includeDirs;
  lopts.usePrelude = !o.noPrelude;
  lopts.preludePath = o.prelude;

  Module module;
  bool ok = loadModule(o.input, lopts, diags, module);

  if (o.verify)
    return verifyDiagnostics(diags, llvm::errs()) ? Success : CompileError;
  if (!ok || diags.hasErrors())
    return CompileError;

  std::string text;
  llvm::raw_string_ostream os(text);
  printSourceFile(*module.files[module.rootFile], os);
  os.flush();
  if (llvm::Error err = writeFileAtomically(o.output, text)) {
    diags.error(llvm::SMLoc(), llvm::toString(std::move(err)));
    return CompileError;
  }
  return Success;
}
