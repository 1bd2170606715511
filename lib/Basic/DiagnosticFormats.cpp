//===- DiagnosticFormats.cpp - JSON and SARIF diagnostics -----------------===//
//
// --diagnostics-format=json|sarif: the diagnostics of one run as one
// document on standard error, for IDEs and CI annotations. JSON follows
// GCC's -fdiagnostics-format=json shape (kind, message, option, locations,
// children); SARIF is 2.1.0 with one run, rule ids from the warning groups
// (DiagnosticGroups.def) and notes as related locations. Lines and columns
// are 1-based in both. docs/cli.md documents the fields.
//
//===----------------------------------------------------------------------===//
#include "vyre/Basic/Diagnostics.h"
#include "vyre/Basic/FileUri.h"
#include "vyre/Basic/Utf16.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

#include <map>

using namespace vyre;
namespace json = llvm::json;

namespace {

/// A diagnostic and the notes that follow it.
struct Group {
  const RecordedDiag *main;
  std::vector<const RecordedDiag *> notes;
};

std::vector<Group> groupNotes(const std::vector<RecordedDiag> &diags) {
  std::vector<Group> out;
  for (const RecordedDiag &d : diags) {
    if (d.severity == Severity::Note && !out.empty())
      out.back().notes.push_back(&d);
    else
      out.push_back({&d, {}});
  }
  return out;
}

struct Position {
  std::string file; // the path as the compiler opened it
  unsigned line = 0, column = 0; // column: 1-based, in bytes
  size_t utf16Column = 0;        // the same column in UTF-16 code units
};

std::optional<Position> position(llvm::SourceMgr &sm, llvm::SMLoc loc) {
  if (!loc.isValid())
    return std::nullopt;
  unsigned buf = sm.FindBufferContainingLoc(loc);
  if (!buf)
    return std::nullopt;
  auto [line, col] = sm.getLineAndColumn(loc, buf);
  llvm::StringRef before(loc.getPointer() - (col - 1), col - 1);
  return Position{sm.getMemoryBuffer(buf)->getBufferIdentifier().str(), line,
                  col, utf16Length(before) + 1};
}

bool isStdin(llvm::StringRef file) { return file == "<stdin>"; }

} // namespace

void vyre::writeDiagnosticsJson(const std::vector<RecordedDiag> &diags,
                                llvm::SourceMgr &sm, const DiagOptions &opts,
                                llvm::raw_ostream &os) {
  auto one = [&](const RecordedDiag &d) {
    json::Object o{{"kind", spelling(d.severity)}, {"message", d.message}};
    if (d.group != DiagGroup::None)
      o["option"] = std::string("-W") + diagGroupInfo(d.group).name;
    json::Array locs;
    if (std::optional<Position> p = position(sm, d.loc))
      locs.push_back(json::Object{
          {"file", p->file}, {"line", p->line}, {"column", p->column}});
    o["locations"] = std::move(locs);
    return o;
  };
  json::Array out;
  for (const Group &g : groupNotes(diags)) {
    json::Object o = one(*g.main);
    json::Array children;
    for (const RecordedDiag *n : g.notes)
      children.push_back(one(*n));
    o["children"] = std::move(children);
    out.push_back(std::move(o));
  }
  os << llvm::formatv("{0:2}", json::Value(std::move(out))) << "\n";
}

void vyre::writeDiagnosticsSarif(const std::vector<RecordedDiag> &diags,
                                 llvm::SourceMgr &sm, const DiagOptions &opts,
                                 llvm::raw_ostream &os) {
  // Artifacts in order of first mention; results point at them by index.
  std::map<std::string, unsigned> artifactIndex;
  json::Array artifacts;
  auto location = [&](llvm::SMLoc loc) -> std::optional<json::Object> {
    std::optional<Position> p = position(sm, loc);
    if (!p)
      return std::nullopt;
    std::string uri = isStdin(p->file) ? "stdin" : pathToFileUri(p->file);
    auto [it, inserted] = artifactIndex.try_emplace(uri, artifacts.size());
    if (inserted)
      artifacts.push_back(json::Object{{"location", json::Object{{"uri", uri}}}});
    return json::Object{
        {"physicalLocation",
         json::Object{
             {"artifactLocation",
              json::Object{{"uri", uri}, {"index", it->second}}},
             {"region", json::Object{{"startLine", p->line},
                                     {"startColumn", p->utf16Column}}}}}};
  };

  // Rules: every warning group, then "error" for the errors that have none.
  json::Array rules;
  for (size_t i = 0; i < kNumDiagGroups; ++i) {
    const DiagGroupInfo &g = diagGroupInfo(static_cast<DiagGroup>(i));
    rules.push_back(json::Object{
        {"id", g.name},
        {"shortDescription", json::Object{{"text", g.summary}}},
        {"defaultConfiguration",
         json::Object{{"enabled", g.defaultOn}, {"level", "warning"}}}});
  }
  // Diagnostics without a group: errors, and warnings not (yet) in one.
  rules.push_back(json::Object{
      {"id", "error"},
      {"shortDescription",
       json::Object{{"text", "an error in the input or the command line"}}},
      {"defaultConfiguration", json::Object{{"level", "error"}}}});
  rules.push_back(json::Object{
      {"id", "warning"},
      {"shortDescription", json::Object{{"text", "a warning without a group"}}},
      {"defaultConfiguration", json::Object{{"level", "warning"}}}});

  json::Array results;
  bool anyError = false;
  for (const Group &g : groupNotes(diags)) {
    const RecordedDiag &d = *g.main;
    anyError |= d.severity == Severity::Error;
    // A warning promoted by -Werror keeps its group's rule.
    bool grouped = d.group != DiagGroup::None;
    bool ungroupedWarning = !grouped && d.severity == Severity::Warning;
    int64_t ruleIndex = grouped ? static_cast<int64_t>(d.group)
                                : static_cast<int64_t>(kNumDiagGroups) +
                                      (ungroupedWarning ? 1 : 0);
    const char *rule = grouped            ? diagGroupInfo(d.group).name
                       : ungroupedWarning ? "warning"
                                          : "error";
    json::Object r{{"ruleId", rule},
                   {"ruleIndex", ruleIndex},
                   {"level", spelling(d.severity)},
                   {"message", json::Object{{"text", d.message}}}};
    json::Array locs;
    if (std::optional<json::Object> l = location(d.loc))
      locs.push_back(std::move(*l));
    r["locations"] = std::move(locs);
    json::Array related;
    for (const RecordedDiag *n : g.notes) {
      json::Object l = location(n->loc).value_or(json::Object{});
      l["id"] = static_cast<int64_t>(related.size());
      l["message"] = json::Object{{"text", n->message}};
      related.push_back(std::move(l));
    }
    if (!related.empty())
      r["relatedLocations"] = std::move(related);
    results.push_back(std::move(r));
  }

  json::Object driver{{"name", opts.toolName}, {"rules", std::move(rules)}};
  if (!opts.toolVersion.empty())
    driver["version"] = opts.toolVersion;
  json::Object run{
      {"tool", json::Object{{"driver", std::move(driver)}}},
      {"artifacts", std::move(artifacts)},
      {"invocations",
       json::Array{json::Object{{"executionSuccessful", !anyError}}}},
      // As LSP's default: a column after "é" differs from a byte column.
      {"columnKind", "utf16CodeUnits"},
      {"results", std::move(results)}};
  json::Object doc{
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs", json::Array{std::move(run)}}};
  os << llvm::formatv("{0:2}", json::Value(std::move(doc))) << "\n";
}
