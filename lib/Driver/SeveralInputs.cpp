//===- SeveralInputs.cpp - one vyrec call, several input files -----------===//
//
// As glslc -c: several inputs compile one by one, each to its own default
// output (INPUT.spv, INPUT.wgsl, and with -MD its depfile), and `--format
// -i` formats each file in place, as clang-format -i. What would make the
// outputs ambiguous (an option naming one output file, standard input or
// output, one JSON or SARIF document for several compiles, two inputs
// writing one file) is refused before anything is compiled. docs/cli.md,
// "Several input files".
//
//===----------------------------------------------------------------------===//
#include "vyre/Basic/OutputFile.h"
#include "vyre/Driver/Driver.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <map>

using namespace vyre;

std::string vyre::severalInputsError(const CompilerOptions &o,
                                     const std::vector<std::string> &inputs) {
  if (inputs.size() < 2)
    return "";
  std::pair<bool, std::string> oneFile[] = {
      {!o.output.empty(), "-o names one output"},
      {!o.manifest.empty(), "--manifest names one file"},
      {!o.header.empty(), "--header names one file"},
      {!o.depfile.empty(), "-MF names one depfile"},
      {!o.depTargets.empty(), "-MT names one depfile target"},
      {o.diagnosticsFormat != "text",
       "--diagnostics-format=" + o.diagnosticsFormat +
           " writes one document per compile"},
      {std::count(inputs.begin(), inputs.end(), "-") != 0,
       "standard input ('-') can only be the one input"},
      {o.format && !o.inPlace, "--format without -i writes standard output"},
      {!o.format && o.emit != "spirv" && o.emit != "wgsl",
       "--emit=" + o.emit + " writes standard output"},
  };
  std::string why;
  for (const auto &[given, reason] : oneFile)
    if (given) {
      why = reason;
      break;
    }
  if (!why.empty())
    return std::to_string(inputs.size()) + " input files (" +
           llvm::join(inputs, ", ") + "): " + why +
           "; compile them one per run";
  // Two inputs whose default outputs are one file (a/k.vyre and b/k.vyre
  // both write k.spv), or an output that is another input.
  std::map<std::string, std::string> writer;
  for (const std::string &input : inputs) {
    CompilerOptions one = o;
    one.input = input;
    std::string out = o.inPlace ? input : defaultOutput(one);
    auto [it, fresh] = writer.try_emplace(outputFileKey(out), input);
    if (!fresh)
      return "input files '" + it->second + "' and '" + input +
             "' would both write '" + out + "'; compile them one per run";
  }
  for (const std::string &input : inputs)
    if (auto it = writer.find(outputFileKey(input));
        it != writer.end() && !o.inPlace)
      return "the output of '" + it->second + "' is the input file '" +
             input + "': it would be overwritten";
  return "";
}

ExitCode vyre::compileEach(const CompilerOptions &o,
                           const std::vector<std::string> &inputs) {
  if (std::string err = severalInputsError(o, inputs); !err.empty()) {
    llvm::errs() << "vyrec: error: " << err << "\n";
    return UsageError;
  }
  ExitCode worst = Success;
  for (const std::string &input : inputs) {
    CompilerOptions one = o;
    one.input = input;
    worst = std::max(worst, compile(one));
  }
  return worst;
}
