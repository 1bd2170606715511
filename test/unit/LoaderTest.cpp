// The loader over an in-memory file system (LoadOptions::fileSystem), as the
// fuzzers use it: imports resolve among the in-memory files, cycles are
// found under every spelling, and nothing is read from disk.
#include "vyre/Parse/Loader.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/VirtualFileSystem.h"

#include <doctest/doctest.h>

using namespace vyre;

namespace {

struct MemLoad {
  llvm::SourceMgr sm;
  std::string out;
  llvm::raw_string_ostream os{out};
  DiagnosticEngine diags{sm, os};
  Module module;
  llvm::IntrusiveRefCntPtr<llvm::vfs::InMemoryFileSystem> fs =
      llvm::makeIntrusiveRefCnt<llvm::vfs::InMemoryFileSystem>();

  void add(const std::string &path, llvm::StringRef text) {
    fs->addFile(path, 0, llvm::MemoryBuffer::getMemBufferCopy(text, path));
  }
  bool load(const std::string &root) {
    LoadOptions opts;
    opts.usePrelude = false;
    opts.fileSystem = fs;
    bool ok = loadModule(root, opts, diags, module);
    os.flush();
    return ok;
  }
};

} // namespace

TEST_CASE("loader: imports resolve in an in-memory file system") {
  MemLoad m;
  m.add("/m/root.vyre", "import \"lib/a.vyre\";\nimport \"./lib/../lib/a.vyre\";\n");
  m.add("/m/lib/a.vyre", "import \"../b.vyre\";\nconst A = 1;\n");
  m.add("/m/b.vyre", "const B = 2;\n");
  CHECK(m.load("/m/root.vyre"));
  CHECK(m.out.empty());
  // b, a (read once under two spellings), root: dependency order.
  REQUIRE(m.module.files.size() == 3);
  CHECK(m.module.files[0]->path == "/m/lib/../b.vyre");
  CHECK(m.module.files[1]->path == "/m/lib/a.vyre");
  CHECK(m.module.files[2]->path == "/m/root.vyre");
}

TEST_CASE("loader: cycles under every spelling are errors, not recursion") {
  for (const char *spelling : {"self.vyre", "./self.vyre", "../m/self.vyre",
                               "/m/self.vyre", "sub/../self.vyre"}) {
    MemLoad m;
    m.add("/m/self.vyre", std::string("import \"") + spelling + "\";\n");
    m.add("/m/sub/x.vyre", "");
    CHECK_FALSE(m.load("/m/self.vyre"));
    CHECK_MESSAGE(m.out.find("error: import cycle: self.vyre -> self.vyre") !=
                      std::string::npos,
                  spelling << ": " << m.out);
  }
}

TEST_CASE("loader: a file missing from the in-memory system is not read from disk") {
  MemLoad m;
  m.add("/m/root.vyre", "import \"/etc/hostname\";\n");
  CHECK_FALSE(m.load("/m/root.vyre"));
  CHECK(m.out.find("cannot find imported file '/etc/hostname'") != std::string::npos);
}
