//===- FileUri.cpp - file:// URIs for SARIF and the language server -------===//
#include "vyre/Basic/FileUri.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace vyre;

std::string vyre::absolutePath(llvm::StringRef path) {
  llvm::SmallString<256> abs(path);
  llvm::sys::fs::make_absolute(abs);
  llvm::sys::path::remove_dots(abs, /*remove_dot_dot=*/true);
  return std::string(abs);
}

std::string vyre::pathToFileUri(llvm::StringRef path) {
  return "file://" + percentEncodePath(absolutePath(path));
}

std::string vyre::percentEncodePath(llvm::StringRef path) {
  std::string uri;
  for (unsigned char c : path) {
    if (llvm::isAlnum(c) || llvm::StringRef("-._~/").contains(c)) {
      uri += static_cast<char>(c);
    } else {
      uri += '%';
      uri += llvm::hexdigit(c >> 4);
      uri += llvm::hexdigit(c & 15);
    }
  }
  return uri;
}

std::string vyre::fileUriToPath(llvm::StringRef uri) {
  if (!uri.consume_front("file://"))
    return uri.str();
  uri.consume_front("localhost");
  std::string out;
  for (size_t i = 0; i < uri.size(); ++i) {
    if (uri[i] == '%' && i + 2 < uri.size() && llvm::isHexDigit(uri[i + 1]) &&
        llvm::isHexDigit(uri[i + 2])) {
      out += static_cast<char>(llvm::hexFromNibbles(uri[i + 1], uri[i + 2]));
      i += 2;
    } else {
      out += uri[i];
    }
  }
  return out;
}
