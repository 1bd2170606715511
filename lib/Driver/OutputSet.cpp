//===- OutputSet.cpp - every output of one compile, written together -----===//
#include "vyre/Driver/OutputSet.h"
#include "vyre/Basic/OutputFile.h"

using namespace vyre;

void OutputSet::add(std::string path, std::string bytes) {
  outputs.push_back({std::move(path), std::move(bytes)});
}

llvm::Error OutputSet::commit() { return writeOutputs(outputs); }

std::string vyre::makeDepfile(const std::vector<std::string> &targets,
                              const std::vector<std::string> &deps,
                              bool phony, bool escapeTargets) {
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
    text += (i ? " " : "") + (escapeTargets ? escape(targets[i]) : targets[i]);
  text += ":";
  for (const std::string &d : deps)
    text += " \\\n  " + escape(d);
  text += "\n";
  // -MP: a deleted import must not break the build ("no rule to make it").
  // The first dependency is the input itself, which gets none, as in gcc.
  for (size_t i = phony ? 1 : deps.size(); i < deps.size(); ++i)
    text += "\n" + escape(deps[i]) + ":\n";
  return text;
}
