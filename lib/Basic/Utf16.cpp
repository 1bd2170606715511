//===- Utf16.cpp - UTF-16 columns of UTF-8 text ---------------------------===//
#include "vyre/Basic/Utf16.h"

using namespace vyre;

namespace {

/// The byte length and UTF-16 units of the character starting \p text
/// (not empty): a well-formed lead byte and its continuation bytes, else
/// one byte, one unit.
std::pair<size_t, size_t> character(llvm::StringRef text) {
  auto lead = static_cast<unsigned char>(text[0]);
  size_t bytes = lead < 0x80                ? 1
                 : (lead & 0xE0) == 0xC0    ? 2
                 : (lead & 0xF0) == 0xE0    ? 3
                 : (lead & 0xF8) == 0xF0    ? 4
                                            : 1;
  for (size_t i = 1; i < bytes; ++i)
    if (i >= text.size())
      return {text.size(), bytes == 4 ? 2 : 1}; // cut at the end: whole
    else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80)
      return {1, 1}; // not a continuation byte: an invalid lead byte
  return {bytes, bytes == 4 ? 2 : 1};
}

} // namespace

size_t vyre::utf16Length(llvm::StringRef text) {
  size_t units = 0;
  while (!text.empty()) {
    auto [bytes, n] = character(text);
    units += n;
    text = text.drop_front(bytes);
  }
  return units;
}

size_t vyre::utf8PrefixOfUtf16(llvm::StringRef text, size_t units) {
  size_t offset = 0;
  while (offset < text.size()) {
    auto [bytes, n] = character(text.drop_front(offset));
    if (n > units)
      break;
    units -= n;
    offset += bytes;
  }
  return offset;
}
