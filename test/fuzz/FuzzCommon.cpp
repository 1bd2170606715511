//===- FuzzCommon.cpp - parse and print for vyrec's libFuzzer fuzzers -----===//
#include "FuzzCommon.h"

#include "vyre/Basic/Diagnostics.h"
#include "vyre/IR/Printer.h"
#include "vyre/Parse/Parser.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

using namespace vyre;

[[noreturn]] void fuzz::fail(const char *what, llvm::StringRef detail,
                             llvm::StringRef program) {
  fprintf(stderr, "vyre fuzz: %s\n%.*s\n--- program ---\n%.*s\n--- end ---\n",
          what, static_cast<int>(detail.size()), detail.data(),
          static_cast<int>(program.size()), program.data());
  abort();
}

namespace {

unsigned addBuffer(llvm::SourceMgr &sm, llvm::StringRef text,
                   llvm::StringRef name) {
  return sm.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(text, name),
                               llvm::SMLoc());
}

} // namespace

bool fuzz::parseText(llvm::StringRef text, SourceFile &out,
                     std::shared_ptr<void> *keepAlive) {
  auto sm = std::make_shared<llvm::SourceMgr>();
  DiagnosticEngine diags(*sm, llvm::nulls());
  unsigned id = addBuffer(*sm, text, "input.vyre");
  out.path = "input.vyre";
  out.bufferId = id;
  parseBuffer(id, diags, out);
  if (keepAlive)
    *keepAlive = sm;
  return !diags.hasErrors();
}

std::string fuzz::printText(const SourceFile &file) {
  std::string s;
  llvm::raw_string_ostream os(s);
  printSourceFile(file, os);
  os.flush();
  return s;
}

void fuzz::checkRoundTrip(llvm::StringRef text) {
  SourceFile first;
  std::shared_ptr<void> keep1;
  bool ok = parseText(text, first, &keep1);
  // Print even a recovered, partial tree: the printer must not crash on it.
  std::string p1 = printText(first);
  if (!ok)
    return;
  SourceFile second;
  std::shared_ptr<void> keep2;
  if (!parseText(p1, second, &keep2))
    fail("the printed form of a valid file does not parse", "", p1);
  std::string p2 = printText(second);
  if (p1 != p2)
    fail("print(parse(print(parse(x)))) != print(parse(x))",
         "--- second print ---\n" + p2, p1);
}

std::vector<fuzz::InputFile> fuzz::splitFiles(llvm::StringRef text) {
  std::vector<InputFile> files{{"", ""}};
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t eol = text.find('\n', pos);
    llvm::StringRef line = text.slice(pos, eol);
    if (line.startswith(kFileMarker) && files.size() < kMaxFiles) {
      files.push_back({line.drop_front(strlen(kFileMarker)).trim().str(), ""});
    } else {
      files.back().text += line.str();
      if (eol != llvm::StringRef::npos)
        files.back().text += '\n';
    }
    if (eol == llvm::StringRef::npos)
      break;
    pos = eol + 1;
  }
  return files;
}
