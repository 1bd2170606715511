//===- ResponseFiles.cpp - @FILE arguments --------------------------------===//
#include "vyre/Basic/ResponseFiles.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <string>
#include <vector>

using namespace vyre;

namespace {

/// Appends \p arg to \p out, expanded when it is `@FILE` (\p stack: the
/// response files being read, outermost first).
llvm::Error expand(const char *arg, llvm::StringRef baseDir,
                   std::vector<std::string> &stack,
                   llvm::SmallVectorImpl<const char *> &out,
                   llvm::StringSaver &saver) {
  if (arg[0] != '@') {
    out.push_back(arg);
    return llvm::Error::success();
  }
  llvm::SmallString<256> path(arg + 1);
  if (!baseDir.empty() && llvm::sys::path::is_relative(path))
    path = (baseDir + llvm::sys::path::get_separator() + path).str();
  for (const std::string &open : stack) {
    bool same = false;
    if (!llvm::sys::fs::equivalent(open, path, same) && same)
      return llvm::createStringError(
          std::make_error_code(std::errc::invalid_argument),
          "response file '%s' includes itself", path.c_str());
  }
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buf =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buf)
    return llvm::createStringError(buf.getError(),
                                   "cannot read response file '%s': %s",
                                   path.c_str(),
                                   buf.getError().message().c_str());
  // As LLVM's own expansion: UTF-16 (with its byte-order mark) is read as
  // UTF-8, and a UTF-8 byte-order mark is skipped.
  llvm::StringRef text = (*buf)->getBuffer();
  std::string utf8;
  llvm::ArrayRef<char> bytes(text.data(), text.size());
  if (llvm::hasUTF16ByteOrderMark(bytes)) {
    if (!llvm::convertUTF16ToUTF8String(bytes, utf8))
      return llvm::createStringError(
          std::make_error_code(std::errc::illegal_byte_sequence),
          "cannot read response file '%s': invalid UTF-16", path.c_str());
    text = utf8;
  }
  if (text.startswith("\xEF\xBB\xBF"))
    text = text.drop_front(3);
  llvm::SmallVector<const char *, 16> words;
  llvm::cl::TokenizeGNUCommandLine(text, saver, words);
  stack.push_back(std::string(path));
  std::string dir(llvm::sys::path::parent_path(path));
  for (const char *w : words)
    if (llvm::Error err = expand(w, dir, stack, out, saver))
      return err;
  stack.pop_back();
  return llvm::Error::success();
}

} // namespace

llvm::Error vyre::expandResponseFiles(llvm::SmallVectorImpl<const char *> &args,
                                      llvm::StringSaver &saver) {
  llvm::SmallVector<const char *, 32> out(args.begin(),
                                          args.begin() + !args.empty());
  std::vector<std::string> stack;
  for (size_t i = 1; i < args.size(); ++i)
    if (llvm::Error err = expand(args[i], "", stack, out, saver))
      return err;
  args.assign(out.begin(), out.end());
  return llvm::Error::success();
}
