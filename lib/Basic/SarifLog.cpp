//===- SarifLog.cpp - --diagnostics-format=sarif ---------------------------===//
//
// The diagnostics of one run as one SARIF 2.1.0 log, in the shape GitHub code
// scanning and other SARIF consumers want:
//  - a rule per warning group (DiagnosticGroups.def), then `error` and
//    `warning` for diagnostics without one, each with short and full
//    descriptions, help (text and Markdown) and a helpUri into
//    validation.md;
//  - a result per located diagnostic (its notes as related locations), with
//    a partial fingerprint that does not depend on line numbers or on where
//    the checkout is; a diagnostic without a location (a missing input, an
//    unused -D) is a tool execution notification of the invocation instead;
//  - files under --sarif-root (default: the working directory) relative to
//    the uriBaseId SRCROOT, which originalUriBaseIds resolves;
//  - columns in UTF-16 code units, as columnKind says.
// docs/cli.md documents the fields.
//
//===----------------------------------------------------------------------===//
#include "DiagnosticPositions.h"
#include "vyre/Basic/FileUri.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/xxhash.h"

#include <algorithm>
#include <map>

using namespace vyre;
namespace json = llvm::json;

namespace {

constexpr const char *kRootBaseId = "SRCROOT";
/// partialFingerprints key; bump the version if what it hashes changes.
constexpr const char *kFingerprintKey = "vyrec/v1";

/// What a rule says about itself.
struct RuleText {
  std::string id, summary, description, anchor;
  bool enabledByDefault = true;
  const char *level = "warning";
  std::string howToControl; ///< the -W options, in Markdown
};

std::vector<RuleText> ruleTexts() {
  std::vector<RuleText> rules;
  for (size_t i = 0; i < kNumDiagGroups; ++i) {
    const DiagGroupInfo &g = diagGroupInfo(static_cast<DiagGroup>(i));
    std::string name = g.name;
    rules.push_back(
        {name, g.summary, g.description, g.docAnchor, g.defaultOn, "warning",
         "`-W" + name + "` enables it and `-Wno-" + name +
             "` disables it; `-Werror=" + name + "` makes it an error. It is " +
             (g.defaultOn ? "on" : "off") + " by default."});
  }
  rules.push_back({"error", "an error in the input or the command line",
                   "The input breaks a rule of the language or of the "
                   "protocol, or the command line is wrong. Nothing is "
                   "written; the message says what to change.",
                   "semantic-validation", true, "error",
                   "Errors cannot be disabled."});
  rules.push_back({"warning", "a warning without a group",
                   "A warning that belongs to no warning group.",
                   "warning-groups", true, "warning",
                   "`-w` suppresses it and `-Werror` makes it an error."});
  return rules;
}

json::Object rule(const RuleText &r, const std::string &docsUrl) {
  std::string helpText = r.description + " " + r.howToControl;
  helpText.erase(std::remove(helpText.begin(), helpText.end(), '`'),
                 helpText.end());
  json::Object o{
      {"id", r.id},
      {"shortDescription", json::Object{{"text", r.summary}}},
      {"fullDescription", json::Object{{"text", r.description}}},
      {"defaultConfiguration",
       json::Object{{"enabled", r.enabledByDefault}, {"level", r.level}}}};
  std::string markdown = "**" + r.id + "**: " + r.summary + ".\n\n" +
                         r.description + "\n\n" + r.howToControl;
  if (!docsUrl.empty()) {
    std::string uri = docsUrl + "/validation.md#" + r.anchor;
    o["helpUri"] = uri;
    markdown += "\n\nSee [validation.md](" + uri + ").";
  }
  o["help"] = json::Object{{"text", helpText}, {"markdown", markdown}};
  return o;
}

class SarifLog {
public:
  SarifLog(llvm::SourceMgr &sm, const DiagOptions &opts) : sm(sm), opts(opts) {
    root = absolutePath(opts.sarifRoot.empty() ? "." : opts.sarifRoot);
    if (llvm::SmallString<256> real; !llvm::sys::fs::real_path(root, real))
      realRoot = std::string(real);
  }

  void add(const DiagWithNotes &g);
  json::Object finish();

private:
  struct Located {
    json::Object location;
    std::string uri; ///< as written, relative to SRCROOT or absolute
    DiagPosition pos;
  };
  std::optional<Located> locate(llvm::SMLoc loc);
  json::Object artifactLocation(llvm::StringRef file);
  std::string fingerprint(llvm::StringRef ruleId, const Located &at,
                          llvm::StringRef message);

  llvm::SourceMgr &sm;
  const DiagOptions &opts;
  std::string root, realRoot;
  std::map<std::string, unsigned> artifactIndex;
  json::Array artifacts, results, notifications;
  std::map<std::string, unsigned> fingerprintsSeen;
  bool anyError = false;
};

/// The path of \p file below \p dir ("a/b.vyre"), or none.
std::optional<std::string> below(llvm::StringRef file, llvm::StringRef dir) {
  if (dir.empty() || !file.startswith(dir))
    return std::nullopt;
  llvm::StringRef rest = file.drop_front(dir.size());
  if (!dir.endswith("/") && !rest.consume_front("/"))
    return std::nullopt;
  return rest.empty() ? std::nullopt : std::optional<std::string>(rest.str());
}

json::Object SarifLog::artifactLocation(llvm::StringRef file) {
  json::Object al;
  if (file.startswith("<")) {
    // Not a file: standard input ("stdin"), the embedded prelude
    // ("prelude/builtins.vyre"): a relative reference with no base.
    std::string name = file.str();
    name.erase(std::remove(name.begin(), name.end(), '<'), name.end());
    name.erase(std::remove(name.begin(), name.end(), '>'), name.end());
    al["uri"] = percentEncodePath(name);
  } else {
    std::string abs = absolutePath(file);
    std::optional<std::string> rel = below(abs, root);
    if (llvm::SmallString<256> real;
        !rel && !llvm::sys::fs::real_path(abs, real))
      rel = below(real, realRoot); // reached through a link
    if (rel) {
      al["uri"] = percentEncodePath(*rel);
      al["uriBaseId"] = kRootBaseId;
    } else {
      al["uri"] = pathToFileUri(abs);
    }
  }
  return al;
}

std::optional<SarifLog::Located> SarifLog::locate(llvm::SMLoc loc) {
  std::optional<DiagPosition> p = diagPosition(sm, loc);
  if (!p)
    return std::nullopt;
  json::Object al = artifactLocation(p->file);
  std::string uri = al.getString("uri")->str();
  std::string key = (al.getString("uriBaseId") ? "SRCROOT:" : "") + uri;
  auto [it, inserted] = artifactIndex.try_emplace(key, artifacts.size());
  if (inserted)
    artifacts.push_back(json::Object{{"location", json::Object(al)},
                                     {"sourceLanguage", "vyre"}});
  al["index"] = it->second;
  json::Object location{
      {"physicalLocation",
       json::Object{{"artifactLocation", std::move(al)},
                    {"region", json::Object{{"startLine", p->line},
                                            {"startColumn", p->utf16Column}}}}}};
  return Located{std::move(location), key, std::move(*p)};
}

/// A hash of what identifies the result and not where it is: the rule, the
/// file (as written: relative to SRCROOT, so another checkout agrees), the
/// text of its line without surrounding blanks, its column in that text and
/// the message; ":N" counts the same hash's earlier results in this run.
/// Lines added or removed elsewhere in the file change none of these.
std::string SarifLog::fingerprint(llvm::StringRef ruleId, const Located &at,
                                  llvm::StringRef message) {
  llvm::StringRef text = at.pos.lineText;
  size_t indent = text.size() - text.ltrim(" \t").size();
  size_t column = at.pos.column - 1 > indent ? at.pos.column - 1 - indent : 0;
  std::string key = (ruleId + "\n" + at.uri + "\n" + text.trim(" \t") + "\n" +
                     llvm::Twine(column) + "\n" + message)
                        .str();
  std::string hash = llvm::utohexstr(llvm::xxHash64(key), /*LowerCase=*/true);
  hash = std::string(16 - hash.size(), '0') + hash;
  return hash + ":" + std::to_string(++fingerprintsSeen[hash]);
}

void SarifLog::add(const DiagWithNotes &g) {
  const RecordedDiag &d = *g.main;
  anyError |= d.severity == Severity::Error;
  // A warning promoted by -Werror keeps its group's rule.
  bool grouped = d.group != DiagGroup::None;
  bool ungroupedWarning = !grouped && d.severity == Severity::Warning;
  int64_t ruleIndex = grouped ? static_cast<int64_t>(d.group)
                              : static_cast<int64_t>(kNumDiagGroups) +
                                    (ungroupedWarning ? 1 : 0);
  std::string ruleId = grouped            ? diagGroupInfo(d.group).name
                       : ungroupedWarning ? "warning"
                                          : "error";
  std::optional<Located> at = locate(d.loc); // artifacts in order of mention
  json::Array notes;
  for (const RecordedDiag *n : g.notes) {
    std::optional<Located> l = locate(n->loc);
    json::Object o = l ? std::move(l->location) : json::Object{};
    o["message"] = json::Object{{"text", n->message}};
    notes.push_back(std::move(o));
  }

  if (!at) {
    // SARIF consumers want every result located (GitHub drops the others):
    // this one is about the run, not about a place in a file.
    json::Object n{{"level", spelling(d.severity)},
                   {"message", json::Object{{"text", d.message}}},
                   {"associatedRule",
                    json::Object{{"id", ruleId}, {"index", ruleIndex}}}};
    if (!notes.empty())
      n["locations"] = std::move(notes);
    notifications.push_back(std::move(n));
    return;
  }
  json::Object r{
      {"ruleId", ruleId},
      {"ruleIndex", ruleIndex},
      {"level", spelling(d.severity)},
      {"message", json::Object{{"text", d.message}}},
      {"partialFingerprints",
       json::Object{{kFingerprintKey, fingerprint(ruleId, *at, d.message)}}},
      {"locations", json::Array{std::move(at->location)}}};
  for (size_t i = 0; i < notes.size(); ++i)
    (*notes[i].getAsObject())["id"] = static_cast<int64_t>(i);
  if (!notes.empty())
    r["relatedLocations"] = std::move(notes);
  results.push_back(std::move(r));
}

json::Object SarifLog::finish() {
  json::Array rules;
  for (const RuleText &r : ruleTexts())
    rules.push_back(rule(r, opts.docsUrl));
  json::Object driver{{"name", opts.toolName}, {"rules", std::move(rules)}};
  if (!opts.toolVersion.empty())
    driver["version"] = opts.toolVersion;
  if (!opts.docsUrl.empty())
    driver["informationUri"] = opts.docsUrl + "/cli.md";
  json::Object invocation{{"executionSuccessful", !anyError}};
  if (!notifications.empty())
    invocation["toolExecutionNotifications"] = std::move(notifications);
  std::string rootUri = pathToFileUri(root);
  if (!llvm::StringRef(rootUri).endswith("/"))
    rootUri += '/'; // a base URI names a folder
  return json::Object{
      {"tool", json::Object{{"driver", std::move(driver)}}},
      {"originalUriBaseIds",
       json::Object{{kRootBaseId, json::Object{{"uri", rootUri}}}}},
      {"artifacts", std::move(artifacts)},
      {"invocations", json::Array{std::move(invocation)}},
      // As LSP's default: a column after "é" differs from a byte column.
      {"columnKind", "utf16CodeUnits"},
      {"results", std::move(results)}};
}

} // namespace

void vyre::writeDiagnosticsSarif(const std::vector<RecordedDiag> &diags,
                                 llvm::SourceMgr &sm, const DiagOptions &opts,
                                 llvm::raw_ostream &os) {
  SarifLog log(sm, opts);
  for (const DiagWithNotes &g : groupNotes(diags))
    log.add(g);
  json::Object doc{
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs", json::Array{log.finish()}}};
  os << llvm::formatv("{0:2}", json::Value(std::move(doc))) << "\n";
}
