//===- DiagnosticFormats.cpp - JSON diagnostics, positions for SARIF ------===//
//
// --diagnostics-format=json: the diagnostics of one run as one document on
// standard error, for IDEs and CI annotations, in GCC's
// -fdiagnostics-format=json shape (kind, message, option, locations,
// children); lines and columns 1-based, columns in bytes. SARIF is
// SarifLog.cpp. docs/cli.md documents the fields.
//
//===----------------------------------------------------------------------===//
#include "DiagnosticPositions.h"
#include "vyre/Basic/Utf16.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

using namespace vyre;
namespace json = llvm::json;

std::vector<DiagWithNotes>
vyre::groupNotes(const std::vector<RecordedDiag> &diags) {
  std::vector<DiagWithNotes> out;
  for (const RecordedDiag &d : diags) {
    if (d.severity == Severity::Note && !out.empty())
      out.back().notes.push_back(&d);
    else
      out.push_back({&d, {}});
  }
  return out;
}

std::optional<DiagPosition> vyre::diagPosition(llvm::SourceMgr &sm,
                                               llvm::SMLoc loc) {
  if (!loc.isValid())
    return std::nullopt;
  unsigned buf = sm.FindBufferContainingLoc(loc);
  if (!buf)
    return std::nullopt;
  auto [line, col] = sm.getLineAndColumn(loc, buf);
  const char *lineStart = loc.getPointer() - (col - 1);
  llvm::StringRef rest(lineStart,
                       sm.getMemoryBuffer(buf)->getBufferEnd() - lineStart);
  llvm::StringRef lineText = rest.take_until([](char c) { return c == '\n'; });
  lineText.consume_back("\r");
  return DiagPosition{sm.getMemoryBuffer(buf)->getBufferIdentifier().str(),
                      line, col, utf16Length(lineText.take_front(col - 1)) + 1,
                      lineText};
}

void vyre::writeDiagnosticsJson(const std::vector<RecordedDiag> &diags,
                                llvm::SourceMgr &sm, const DiagOptions &opts,
                                llvm::raw_ostream &os) {
  auto one = [&](const RecordedDiag &d) {
    json::Object o{{"kind", spelling(d.severity)}, {"message", d.message}};
    if (d.group != DiagGroup::None)
      o["option"] = std::string("-W") + diagGroupInfo(d.group).name;
    json::Array locs;
    if (std::optional<DiagPosition> p = diagPosition(sm, d.loc))
      locs.push_back(json::Object{
          {"file", p->file}, {"line", p->line}, {"column", p->column}});
    o["locations"] = std::move(locs);
    return o;
  };
  json::Array out;
  for (const DiagWithNotes &g : groupNotes(diags)) {
    json::Object o = one(*g.main);
    json::Array children;
    for (const RecordedDiag *n : g.notes)
      children.push_back(one(*n));
    o["children"] = std::move(children);
    out.push_back(std::move(o));
  }
  os << llvm::formatv("{0:2}", json::Value(std::move(out))) << "\n";
}
