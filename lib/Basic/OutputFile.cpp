//===- OutputFile.cpp - all-or-nothing output files ----------------------===//
//
// The rules are in include/vyre/Basic/OutputFile.h.
//
//===----------------------------------------------------------------------===//
#include "vyre/Basic/OutputFile.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cerrno>
#include <climits>
#include <unistd.h>

using namespace vyre;
namespace fs = llvm::sys::fs;

namespace {

llvm::Error writeError(llvm::StringRef path, std::error_code ec) {
  if (path == "-")
    return llvm::createStringError(ec, "cannot write to standard output: %s",
                                   ec.message().c_str());
  return llvm::createStringError(ec, "cannot write '%s': %s", path.str().c_str(),
                                 ec.message().c_str());
}

/// The file a write to \p path reaches: symbolic links followed, however
/// many (up to the kernel's own limit), to a file that may not exist yet.
llvm::Expected<std::string> followLinks(llvm::StringRef path) {
  std::string cur = path.str();
  for (int hops = 0; hops < 40; ++hops) {
    fs::file_status st;
    if (std::error_code ec = fs::status(cur, st, /*Follow=*/false))
      return ec == std::errc::no_such_file_or_directory
                 ? llvm::Expected<std::string>(cur)
                 : llvm::Expected<std::string>(writeError(path, ec));
    if (st.type() != fs::file_type::symlink_file)
      return cur;
    char buf[PATH_MAX];
    ssize_t n = ::readlink(cur.c_str(), buf, sizeof buf);
    if (n < 0)
      return writeError(path, std::error_code(errno, std::generic_category()));
    llvm::StringRef target(buf, static_cast<size_t>(n));
    if (llvm::sys::path::is_absolute(target)) {
      cur = target.str();
    } else {
      llvm::SmallString<256> p(llvm::sys::path::parent_path(cur));
      llvm::sys::path::append(p, target);
      cur = std::string(p);
    }
  }
  return writeError(path, std::make_error_code(std::errc::too_many_symbolic_link_levels));
}

struct Staged {
  const OutputFileData *out;
  enum Kind { Stdout, InPlace, Replace, Unchanged } kind = Replace;
  std::string target; // links followed
  std::string temp;   // Replace: the complete new file
  std::string backup; // Replace over an old file: a hard link to (or copy of) it
  bool existed = false;
  bool renamed = false;
};

/// Writes \p bytes to a new temporary file next to \p s.target.
std::error_code writeTemp(Staged &s, const fs::file_status &old) {
  int fd;
  llvm::SmallString<256> temp;
  if (std::error_code ec =
          fs::createUniqueFile(s.target + ".tmp%%%%%%", fd, temp))
    return ec;
  s.temp = std::string(temp);
  llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
  os << s.out->bytes;
  os.close();
  if (os.has_error()) {
    std::error_code ec = os.error();
    os.clear_error();
    return ec;
  }
  if (s.existed)
    (void)fs::setPermissions(s.temp, old.permissions());
  return {};
}

/// Keeps the old file under another name, so a failed later rename can put
/// it back. A hard link costs nothing; where links are refused, a copy.
void makeBackup(Staged &s) {
  for (int attempt = 0; attempt < 8 && s.backup.empty(); ++attempt) {
    llvm::SmallString<256> name;
    fs::createUniquePath(s.target + ".bak%%%%%%", name, /*MakeAbsolute=*/false);
    std::error_code ec = fs::create_hard_link(s.target, name);
    if (ec == std::errc::file_exists)
      continue; // the name was taken meanwhile: another one
    if (ec && fs::copy_file(s.target, name))
      return; // no backup: this output cannot be rolled back after its rename
    s.backup = std::string(name);
  }
}

llvm::Error writeInPlace(const Staged &s) {
  if (s.kind == Staged::Stdout) {
    llvm::outs() << s.out->bytes;
    llvm::outs().flush();
    if (llvm::outs().has_error()) {
      std::error_code ec = llvm::outs().error();
      llvm::outs().clear_error();
      return writeError("-", ec);
    }
    return llvm::Error::success();
  }
  std::error_code ec;
  llvm::raw_fd_ostream os(s.target, ec, fs::OF_None);
  if (!ec) {
    os << s.out->bytes;
    os.close();
    if (os.has_error()) {
      ec = os.error();
      os.clear_error();
    }
  }
  return ec ? writeError(s.out->path, ec) : llvm::Error::success();
}

/// Undoes whatever \p staged did that is not the final result: temporary
/// files, backups, and (when \p rollBack) renames already done.
void cleanUp(std::vector<Staged> &staged, bool rollBack) {
  for (Staged &s : staged) {
    if (!s.temp.empty() && !s.renamed)
      fs::remove(s.temp);
    if (rollBack && s.renamed) {
      if (!s.backup.empty()) {
        if (fs::rename(s.backup, s.target))
          continue; // keep the backup: the old contents must survive
        s.backup.clear();
      } else if (!s.existed) {
        fs::remove(s.target);
      }
    }
    if (!s.backup.empty())
      fs::remove(s.backup);
  }
}

/// True when the regular file \p path (status \p st) already holds exactly
/// \p bytes. Such an output is left alone, its times included: a build
/// system then sees nothing new, and what depends on it is not rebuilt (a
/// comment-only edit of the input would otherwise recompile every user of
/// the C header).
bool holds(const std::string &path, const fs::file_status &st,
           llvm::StringRef bytes) {
  if (st.getSize() != bytes.size())
    return false;
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> old =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  return old && (*old)->getBuffer() == bytes;
}

/// Classifies one output and, for a regular target, writes its temporary
/// file (and backs up the old file) unless it already holds the bytes.
llvm::Error stage(Staged &s) {
  if (s.out->path == "-") {
    s.kind = Staged::Stdout;
    return llvm::Error::success();
  }
  llvm::Expected<std::string> target = followLinks(s.out->path);
  if (!target)
    return target.takeError();
  s.target = std::move(*target);
  fs::file_status st;
  s.existed = !fs::status(s.target, st, /*Follow=*/true);
  if (s.existed && st.type() == fs::file_type::directory_file)
    return writeError(s.out->path, std::make_error_code(std::errc::is_a_directory));
  if (s.existed && st.type() != fs::file_type::regular_file) {
    s.kind = Staged::InPlace; // a device, a FIFO: never replace it
    return llvm::Error::success();
  }
  if (s.existed && holds(s.target, st, s.out->bytes)) {
    s.kind = Staged::Unchanged;
    return llvm::Error::success();
  }
  if (std::error_code ec = writeTemp(s, st)) {
    // The directory refuses a new file but the old file may be writable.
    if (s.existed && ec == std::errc::permission_denied &&
        !fs::access(s.target, fs::AccessMode::Write)) {
      s.temp.clear();
      s.kind = Staged::InPlace;
      return llvm::Error::success();
    }
    return writeError(s.out->path, ec);
  }
  if (s.existed)
    makeBackup(s);
  return llvm::Error::success();
}

} // namespace

std::string vyre::outputFileKey(llvm::StringRef path) {
  if (path == "-")
    return "-";
  llvm::Expected<std::string> target = followLinks(path);
  if (!target) {
    llvm::consumeError(target.takeError());
    return path.str();
  }
  fs::file_status st;
  if (!fs::status(*target, st) && st.type() == fs::file_type::character_file)
    return "";
  llvm::SmallString<256> abs(*target);
  fs::make_absolute(abs);
  llvm::sys::path::remove_dots(abs, /*remove_dot_dot=*/false);
  // The directory, resolved (it may be reached through links or `..`).
  llvm::SmallString<256> dir;
  if (!fs::real_path(llvm::sys::path::parent_path(abs), dir)) {
    llvm::sys::path::append(dir, llvm::sys::path::filename(abs));
    return std::string(dir);
  }
  return std::string(abs);
}

llvm::Error vyre::writeOutputs(llvm::ArrayRef<OutputFileData> outputs) {
  for (size_t i = 0; i < outputs.size(); ++i)
    for (size_t j = 0; j < i; ++j) {
      std::string key = outputFileKey(outputs[i].path);
      if (!key.empty() && key == outputFileKey(outputs[j].path))
        return llvm::createStringError(
            std::make_error_code(std::errc::invalid_argument),
            "'%s' and '%s' are the same output file", outputs[j].path.c_str(),
            outputs[i].path.c_str());
    }

  std::vector<Staged> staged(outputs.size());
  for (size_t i = 0; i < outputs.size(); ++i) {
    staged[i].out = &outputs[i];
    if (llvm::Error err = stage(staged[i])) {
      cleanUp(staged, /*rollBack=*/false);
      return err;
    }
  }
  // Standard output, devices and FIFOs cannot be taken back: they go after
  // every temporary file exists and before any rename.
  for (Staged &s : staged)
    if (s.kind == Staged::Stdout || s.kind == Staged::InPlace)
      if (llvm::Error err = writeInPlace(s)) {
        cleanUp(staged, /*rollBack=*/false);
        return err;
      }
  for (Staged &s : staged) {
    if (s.kind != Staged::Replace)
      continue;
    if (std::error_code ec = fs::rename(s.temp, s.target)) {
      cleanUp(staged, /*rollBack=*/true);
      return writeError(s.out->path, ec);
    }
    s.renamed = true;
  }
  cleanUp(staged, /*rollBack=*/false);
  return llvm::Error::success();
}

llvm::Error vyre::writeFileAtomically(llvm::StringRef path,
                                      llvm::StringRef bytes) {
  return writeOutputs({OutputFileData{path.str(), bytes.str()}});
}
