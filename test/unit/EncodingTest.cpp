// The shared text encodings of lib/Basic: file URIs (SARIF, vyre-lsp),
// UTF-16 columns (SARIF, vyre-lsp) and JSON's nesting limit (vyre-lsp,
// vyre-interp, vyre-run).
#include "vyre/Basic/FileUri.h"
#include "vyre/Basic/JsonParse.h"
#include "vyre/Basic/Utf16.h"

#include <doctest/doctest.h>

#include <string>

using namespace vyre;

TEST_CASE("file URIs percent-encode as RFC 3986 says, and decode back") {
  CHECK(pathToFileUri("/a b/c#%<é.vyre") ==
        "file:///a%20b/c%23%25%3C%C3%A9.vyre");
  CHECK(pathToFileUri("/x/./y/../z-_.~") == "file:///x/z-_.~");
  CHECK(fileUriToPath("file:///a%20b/c%23%25%3C%C3%A9.vyre") == "/a b/c#%<é.vyre");
  CHECK(fileUriToPath("file:///a%2fb%2") == "/a/b%2"); // lower case; a cut escape
  CHECK(fileUriToPath("file:///a%zz") == "/a%zz");
  CHECK(fileUriToPath("file://localhost/x") == "/x");
  CHECK(fileUriToPath("untitled:1") == "untitled:1");
  std::string odd = "/t/ !\"#$%&'()*+,:;<=>?@[\\]^`{|}\x7f\xff";
  CHECK(fileUriToPath(pathToFileUri(odd)) == odd);
}

TEST_CASE("UTF-16 columns of UTF-8 text") {
  // "a" 1 byte 1 unit; "é" 2 bytes 1 unit; "€" 3 bytes 1 unit; "😀" 4 bytes 2 units.
  llvm::StringRef s = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z";
  CHECK(utf16Length(s) == 6);
  CHECK(utf16Length(s.take_front(3)) == 2);
  CHECK(utf8PrefixOfUtf16(s, 0) == 0);
  CHECK(utf8PrefixOfUtf16(s, 2) == 3);
  CHECK(utf8PrefixOfUtf16(s, 3) == 6);
  CHECK(utf8PrefixOfUtf16(s, 4) == 6); // inside the surrogate pair: its start
  CHECK(utf8PrefixOfUtf16(s, 5) == 10);
  CHECK(utf8PrefixOfUtf16(s, 6) == 11);
  CHECK(utf8PrefixOfUtf16(s, 1000) == 11); // past the end: the end
  // Invalid bytes count one unit each; a character cut at the end, whole.
  CHECK(utf16Length("\xFF\x80x") == 3);
  CHECK(utf16Length("\xC3x") == 2);
  CHECK(utf16Length("\xF0\x9F") == 2);
  CHECK(utf8PrefixOfUtf16("\xF0\x9F", 1) == 0);
}

TEST_CASE("parseJson refuses nesting past kMaxJsonDepth, before parsing") {
  auto depth = [](size_t n) { return std::string(n, '[') + std::string(n, ']'); };
  auto message = [](llvm::Expected<llvm::json::Value> v) {
    return v ? std::string("ok") : llvm::toString(v.takeError());
  };
  CHECK(message(parseJson(depth(kMaxJsonDepth))) == "ok");
  CHECK(message(parseJson(depth(kMaxJsonDepth + 1))) ==
        "[1:513, byte=512]: JSON nested deeper than 512 levels");
  CHECK(message(parseJson("{\"a\":\n  " + std::string(100000, '['))) ==
        "[2:514, byte=519]: JSON nested deeper than 512 levels");
  // Brackets in strings, escaped quotes included, do not count.
  CHECK(message(parseJson("[\"" + std::string(1000, '[') + "\\\"\"]")) == "ok");
  // Not JSON at all: llvm::json::parse's own error.
  std::string notJson = message(parseJson("]]"));
  CHECK(notJson != "ok");
  CHECK(notJson.find("nested") == std::string::npos);
}
