//===- FileUri.h - file:// URIs for SARIF and the language server ---------===//
//
// One encoder and one decoder, so SARIF's artifactLocation.uri and
// vyre-lsp's locations spell paths the same way: RFC 8089 file URIs whose
// path percent-encodes (RFC 3986, "%20" for a space) every byte outside the
// unreserved set and '/'.
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_BASIC_FILEURI_H
#define VYRE_BASIC_FILEURI_H

#include "llvm/ADT/StringRef.h"

#include <string>

namespace vyre {

/// file:///abs/a%20b.vyre for \p path, made absolute and without "." and
/// ".." components first.
std::string pathToFileUri(llvm::StringRef path);

/// \p path made absolute, without "." and ".." components: the path
/// pathToFileUri encodes.
std::string absolutePath(llvm::StringRef path);

/// \p path with every byte outside RFC 3986's unreserved set and '/'
/// percent-encoded: a URI path, or a relative reference (SARIF's URIs
/// relative to a uriBaseId).
std::string percentEncodePath(llvm::StringRef path);

/// The path of a file:// URI (with an empty or "localhost" authority),
/// percent-decoded; any other text is returned as it is. A '%' not followed
/// by two hex digits stays a '%'.
std::string fileUriToPath(llvm::StringRef uri);

} // namespace vyre

#endif
