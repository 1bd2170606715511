//===- Lexer.h - tokens of the .vyre language ---------------------------===//
#ifndef VYRE_PARSE_LEXER_H
#define VYRE_PARSE_LEXER_H

#include "vyre/Basic/Diagnostics.h"
#include "vyre/IR/IR.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Compiler.h"
#include "llvm/Support/SMLoc.h"

#include <cstdint>
#include <string>
#include <vector>

namespace vyre {

enum class Tok : uint8_t {
  Eof, Error,
  Ident, Int, String,
  // Keywords.
  KwHandler, KwConst, KwBuffer, KwProtocol, KwImport, KwLet, KwVar, KwIf,
  KwElse, KwFor, KwIn, KwBreak, KwTrue, KwFalse,
  // Punctuation.
  LBrace, RBrace, LParen, RParen, LBracket, RBracket, Semi, Comma, Colon,
  Dot, DotDot, At, Assign,
  Plus, Minus, Star, Slash, Percent, Amp, Pipe, Caret, Shl, Shr, Tilde,
  Bang, AmpAmp, PipePipe, EqEq, NotEq, Lt, Le, Gt, Ge,
};

llvm::StringRef tokenSpelling(Tok t); // for "expected ';'" messages

/// One token. It owns nothing: every field points into the source buffer
/// (the SourceMgr keeps it alive), so tokens are cheap to copy; the few
/// texts that need building (a string's value, a doc comment) are built
/// only when the parser asks for them.
struct Token {
  Tok kind = Tok::Eof;
  llvm::StringRef text; // points into the source buffer
  uint32_t intValue = 0;
  bool hex = false;
  /// The source span of the `///` lines directly before this token (from
  /// the first one's `///` to the last one's end), or empty.
  llvm::StringRef docSpan;

  llvm::SMLoc loc() const { return llvm::SMLoc::getFromPointer(text.data()); }
  bool is(Tok k) const { return kind == k; }
  /// A String token's value: the text between the quotes, unescaped.
  std::string stringValue() const;
  /// The `///` lines directly before this token, joined with '\n'.
  std::string doc() const;
};


/// Two upper-case hex digits, for diagnostics about bytes ("0x00").
std::string hexByte(unsigned char b);

/// Turns one source buffer into tokens. Bad bytes, unterminated comments and
/// out-of-range literals are reported once and lexed as Tok::Error, so the
/// parser can go on.
class Lexer {
public:
  /// When \p comments is given, every comment is appended to it (trivia
  /// for the formatter). A leading UTF-8 byte-order mark is skipped.
  Lexer(llvm::StringRef buffer, DiagnosticEngine &diags,
        std::vector<llvm::StringRef> *comments = nullptr)
      : buf(buffer),
        cur(buffer.begin() + (buffer.startswith(kUtf8Bom) ? kUtf8Bom.size() : 0)),
        diags(diags), comments(comments) {}
  Token next() {
    Token t;
    lex(t);
    return t;
  }
  /// next(), written into \p t (the parser's lookahead slot, no copy).
  void lex(Token &t);

private:
  /// Skips blanks and comments; \p docSpan is left covering the `///`
  /// lines that directly precede the next token.
  void skipTrivia(llvm::StringRef &docSpan);
  void make(Token &t, Tok k, const char *start);
  void lexNumber(Token &t, const char *start);
  void lexIdent(Token &t, const char *start);
  void lexString(Token &t, const char *start);
  /// Reports a run of bytes that cannot start a token (at \p start, the
  /// first being \p c); kept out of line, off the hot path.
  LLVM_ATTRIBUTE_NOINLINE Tok lexInvalid(const char *start, char c);

  llvm::StringRef buf;
  const char *cur;
  DiagnosticEngine &diags;
  std::vector<llvm::StringRef> *comments;
};

} // namespace vyre

#endif
