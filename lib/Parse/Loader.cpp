//===- Loader.cpp - the prelude, imports, -I and import cycles ------------===//
#include "vyre/Parse/Loader.h"
#include "vyre/Parse/Parser.h"
#include "vyre/Prelude/Prelude.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace vyre;

namespace {

class Loader {
public:
  Loader(const LoadOptions &opts, DiagnosticEngine &diags, Module &module,
         std::vector<std::string> *deps)
      : opts(opts), diags(diags), module(module), deps(deps),
        fs(opts.fileSystem ? opts.fileSystem : llvm::vfs::getRealFileSystem()) {}

  bool loadPrelude();
  /// Loads \p path (already resolved) and its imports; returns its index in
  /// module.files or -1.
  int loadFile(const std::string &path, llvm::SMLoc importLoc);

private:
  int addBuffer(std::unique_ptr<llvm::MemoryBuffer> buf, const std::string &key,
                const std::string &canonical, bool isPrelude,
                llvm::SMLoc importLoc);
  std::optional<std::string> resolve(const ImportDecl &imp,
                                     const SourceFile &importer);
  void noteIncludeChain();
  /// The path that identifies \p path's file: symbolic links, `.` and `..`
  /// resolved, so that every spelling of one file compares equal.
  std::string canonicalPath(const std::string &path);
  bool isRegularFile(const std::string &path);

  const LoadOptions &opts;
  DiagnosticEngine &diags;
  Module &module;
  std::vector<std::string> *deps;
  llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> fs;
  llvm::StringMap<int> loaded;   // canonical path -> file index
  /// The files being loaded, outermost first: canonical path (compared to
  /// find cycles), the path as given (for messages) and where it was imported.
  struct Open {
    std::string canonical, path;
    llvm::SMLoc importLoc;
  };
  std::vector<Open> stack;
};

} // namespace

void Loader::noteIncludeChain() {
  for (auto it = stack.rbegin(); it != stack.rend(); ++it)
    if (it->importLoc.isValid())
      diags.note(it->importLoc, "in file imported from here");
}

std::string Loader::canonicalPath(const std::string &path) {
  if (path == "-")
    return path;
  llvm::SmallString<256> out;
  if (!fs->getRealPath(path, out))
    return std::string(out);
  // No real path (a file system without a working directory, such as the
  // fuzzers' in-memory one, or a file that does not exist, which reading
  // reports): normalize the spelling instead.
  out = path;
  (void)fs->makeAbsolute(out);
  llvm::sys::path::remove_dots(out, /*remove_dot_dot=*/true);
  return std::string(out);
}

bool Loader::isRegularFile(const std::string &path) {
  llvm::ErrorOr<llvm::vfs::Status> st = fs->status(path);
  return st && st->isRegularFile();
}

int Loader::addBuffer(std::unique_ptr<llvm::MemoryBuffer> buf,
                      const std::string &key, const std::string &canonical,
                      bool isPrelude, llvm::SMLoc importLoc) {
  // Without its byte-order mark, a file's first line has gcc's columns.
  bool bom = buf->getBuffer().startswith(kUtf8Bom);
  if (bom)
    buf = llvm::MemoryBuffer::getMemBufferCopy(
        buf->getBuffer().drop_front(kUtf8Bom.size()), buf->getBufferIdentifier());
  unsigned id = diags.sourceMgr().AddNewSourceBuffer(std::move(buf), importLoc);
  auto file = std::make_unique<SourceFile>();
  file->utf8Bom = bom;
  file->path = key;
  file->bufferId = id;
  file->isPrelude = isPrelude;
  parseBuffer(id, diags, *file);

  stack.push_back({canonical, key, importLoc});
  for (ImportDecl &imp : file->imports) {
    if (diags.tooManyErrors() || !opts.followImports)
      break;
    std::optional<std::string> resolved = resolve(imp, *file);
    if (!resolved)
      continue;
    int idx = loadFile(*resolved, imp.loc);
    if (idx >= 0)
      imp.resolvedFile = idx;
  }
  stack.pop_back();

  module.files.push_back(std::move(file));
  return static_cast<int>(module.files.size() - 1);
}

bool Loader::loadPrelude() {
  if (!opts.usePrelude)
    return true;
  if (opts.preludePath.empty()) {
    auto buf = llvm::MemoryBuffer::getMemBuffer(preludeSource(), preludeBufferName());
    std::string name = preludeBufferName().str();
    loaded[name] = addBuffer(std::move(buf), name, name, /*isPrelude=*/true,
                             llvm::SMLoc());
    return true;
  }
  int idx = loadFile(opts.preludePath, llvm::SMLoc());
  if (idx < 0)
    return false;
  module.files[idx]->isPrelude = true;
  return true;
}

std::optional<std::string> Loader::resolve(const ImportDecl &imp,
                                           const SourceFile &importer) {
  std::vector<std::string> candidates;
  if (llvm::sys::path::is_absolute(imp.path)) {
    candidates.push_back(imp.path);
  } else {
    llvm::StringRef dir = llvm::sys::path::parent_path(importer.path);
    if (importer.path != "-" && !importer.isPrelude) {
      llvm::SmallString<256> p(dir);
      llvm::sys::path::append(p, imp.path);
      candidates.push_back(std::string(p));
    }
    for (const std::string &inc : opts.includeDirs) {
      llvm::SmallString<256> p(inc);
      llvm::sys::path::append(p, imp.path);
      candidates.push_back(std::string(p));
    }
  }
  for (const std::string &c : candidates)
    if (isRegularFile(c))
      return c;
  diags.error(imp.loc, "cannot find imported file '" + imp.path + "'");
  if (!candidates.empty()) {
    std::string searched;
    for (const std::string &c : candidates)
      searched += (searched.empty() ? "" : ", ") + c;
    diags.note(imp.loc, "searched: " + searched + " (add directories with -I)");
  }
  noteIncludeChain();
  return std::nullopt;
}

int Loader::loadFile(const std::string &path, llvm::SMLoc importLoc) {
  std::string canonical = canonicalPath(path);

  for (size_t i = 0; i < stack.size(); ++i) {
    if (stack[i].canonical != canonical)
      continue;
    std::string cycle;
    for (size_t j = i; j < stack.size(); ++j)
      cycle += llvm::sys::path::filename(stack[j].path).str() + " -> ";
    cycle += llvm::sys::path::filename(path).str();
    diags.error(importLoc, "import cycle: " + cycle);
    noteIncludeChain();
    return -1;
  }
  if (auto it = loaded.find(canonical); it != loaded.end())
    return it->second;
  // The prelude and the root file are not imports: depth counts the rest.
  unsigned depth = 0;
  for (const Open &o : stack)
    depth += o.importLoc.isValid();
  if (depth >= kMaxImportDepth) {
    diags.error(importLoc, "imports nested too deeply (limit " +
                               llvm::Twine(kMaxImportDepth) + ")");
    noteIncludeChain();
    return -1;
  }

  auto bufOrErr = path == "-" ? llvm::MemoryBuffer::getSTDIN()
                              : fs->getBufferForFile(path);
  if (!bufOrErr) {
    diags.error(importLoc, "cannot read '" + path + "': " +
                               bufOrErr.getError().message());
    if (importLoc.isValid())
      noteIncludeChain();
    return -1;
  }
  std::unique_ptr<llvm::MemoryBuffer> buf = std::move(*bufOrErr);
  if (path == "-")
    buf = llvm::MemoryBuffer::getMemBufferCopy(buf->getBuffer(), "<stdin>");
  else if (deps)
    deps->push_back(path);
  int idx = addBuffer(std::move(buf), path, canonical, false, importLoc);
  loaded[canonical] = idx;
  return idx;
}

bool vyre::loadModule(llvm::StringRef inputPath, const LoadOptions &opts,
                      DiagnosticEngine &diags, Module &module,
                      std::vector<std::string> *dependencies) {
  Loader loader(opts, diags, module, dependencies);
  unsigned before = diags.errorCount();
  loader.loadPrelude();
  int root = loader.loadFile(inputPath.str(), llvm::SMLoc());
  if (root >= 0)
    module.rootFile = root;
  return root >= 0 && diags.errorCount() == before;
}
