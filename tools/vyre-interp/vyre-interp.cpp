//===- vyre-interp.cpp - run a scenario through the interpreter ----------===//
//
//   vyre-interp [options] INPUT.vyre SCENARIO.json
//
// Loads and validates INPUT like vyrec (the prelude, imports, -I, -D), runs
// the scenario (docs/scenario.md) through lib/Interp and prints the same
// JSON that vyre-run prints for the compiled module on a Vulkan device.
// Exit codes: 0 ok; 1 bad input (compile errors, bad scenario, bad command
// line); 3 hang (the scenario's max_steps ran out, or a "publish": "live"
// slot never finishes); 4 fault (an out-of-range buffer access).
//
//===----------------------------------------------------------------------===//
#include "vyre/Basic/Diagnostics.h"
#include "vyre/Basic/OutputFile.h"
#include "vyre/Interp/Interp.h"
#include "vyre/Parse/Lexer.h"
#include "vyre/Parse/Loader.h"
#include "vyre/Scenario/Scenario.h"
#include "vyre/Sema/Sema.h"

#include "llvm/Support/raw_ostream.h"

#include <CLI/CLI.hpp>

using namespace vyre;

int main(int argc, char **argv) {
  std::string input, scenarioPath, prelude;
  std::vector<std::string> includeDirs, defines;
  std::string dumpPath;
  std::string shards = "1";
  bool noPrelude = false;
  CLI::App app{"vyre-interp: run a scenario through the megakernel interpreter"};
  app.add_option("input", input, "input .vyre file")->required();
  app.add_option("scenario", scenarioPath, "scenario JSON (docs/scenario.md)")
      ->required();
  app.add_option("-I,--include", includeDirs, "directory searched for imports")
      ->allow_extra_args(false);
  app.add_option("-D,--define", defines, "override a root-file const: NAME=VALUE")
      ->allow_extra_args(false);
  app.add_option("--dump", dumpPath,
                 "also write the default output (every non-zero word) here");
  app.add_flag("--no-prelude", noPrelude, "do not read the built-in prelude");
  app.add_option("--prelude", prelude, "read this prelude instead of the built-in one");
  app.add_option("--shards", shards,
                 "model the module vyrec --shards builds (its shards run one "
                 "after another)")
      ->check(shardCountError);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    return app.exit(e) == 0 ? 0 : 1;
  }

  llvm::SourceMgr sm;
  DiagnosticEngine diags(sm, llvm::errs());
  SemaOptions sopts;
  for (const std::string &d : defines) {
    if (llvm::Error err = addDefine(d, sopts)) {
      llvm::errs() << "vyre-interp: " << llvm::toString(std::move(err)) << "\n";
      return 1;
    }
  }
  LoadOptions lopts;
  lopts.includeDirs = includeDirs;
  lopts.usePrelude = !noPrelude;
  lopts.preludePath = prelude;
  Module module;
  SemaResult sema;
  if (!loadModule(input, lopts, diags, module) || diags.hasErrors() ||
      !runSema(module, diags, sema, sopts) || diags.hasErrors())
    return 1;

  HostLayout layout = layoutFromSema(module, sema);
  auto scenario = readScenarioFile(scenarioPath, layout);
  if (!scenario) {
    llvm::errs() << "vyre-interp: " << llvm::toString(scenario.takeError())
                 << "\n";
    return 1;
  }

  ShardPlan plan = planShards(sema, *parseShardCount(shards), "main");
  InterpResult r = interpret(module, sema, layout, *scenario,
                             plan.sharded() ? &plan : nullptr);
  switch (r.status) {
  case InterpResult::Ok:
    llvm::outs() << formatResult(layout, *scenario, r.memory, r.serviced);
    if (!dumpPath.empty()) {
      Scenario all = *scenario;
      setDefaultOutput(all, layout);
      if (llvm::Error err = writeFileAtomically(
              dumpPath, formatResult(layout, all, r.memory, r.serviced))) {
        llvm::errs() << "vyre-interp: " << llvm::toString(std::move(err)) << "\n";
        return 1;
      }
    }
    return 0;
  case InterpResult::Hang:
    llvm::errs() << "vyre-interp: hang: " << r.message << "\n";
    return 3;
  case InterpResult::Fault:
    if (r.loc.isValid())
      diags.error(r.loc, r.message);
    else
      llvm::errs() << "vyre-interp: error: " << r.message << "\n";
    return 4;
  }
  return 0;
}
