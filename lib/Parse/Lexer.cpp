//===- Lexer.cpp - .vyre tokens -------------------------------------------===//
#include "vyre/Parse/Lexer.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

using namespace vyre;

llvm::StringRef vyre::tokenSpelling(Tok t) {
  switch (t) {
  case Tok::Eof: return "end of file";
  case Tok::Error: return "invalid token";
  case Tok::Ident: return "identifier";
  case Tok::Int: return "integer literal";
  case Tok::String: return "string literal";
  case Tok::KwHandler: return "'handler'";
  case Tok::KwConst: return "'const'";
  case Tok::KwBuffer: return "'buffer'";
  case Tok::KwProtocol: return "'protocol'";
  case Tok::KwImport: return "'import'";
  case Tok::KwLet: return "'let'";
  case Tok::KwVar: return "'var'";
  case Tok::KwIf: return "'if'";
  case Tok::KwElse: return "'else'";
  case Tok::KwFor: return "'for'";
  case Tok::KwIn: return "'in'";
  case Tok::KwBreak: return "'break'";
  case Tok::KwTrue: return "'true'";
  case Tok::KwFalse: return "'false'";
  case Tok::LBrace: return "'{'";
  case Tok::RBrace: return "'}'";
  case Tok::LParen: return "'('";
  case Tok::RParen: return "')'";
  case Tok::LBracket: return "'['";
  case Tok::RBracket: return "']'";
  case Tok::Semi: return "';'";
  case Tok::Comma: return "','";
  case Tok::Colon: return "':'";
  case Tok::Dot: return "'.'";
  case Tok::DotDot: return "'..'";
  case Tok::At: return "'@'";
  case Tok::Assign: return "'='";
  case Tok::Plus: return "'+'";
  case Tok::Minus: return "'-'";
  case Tok::Star: return "'*'";
  case Tok::Slash: return "'/'";
  case Tok::Percent: return "'%'";
  case Tok::Amp: return "'&'";
  case Tok::Pipe: return "'|'";
  case Tok::Caret: return "'^'";
  case Tok::Shl: return "'<<'";
  case Tok::Shr: return "'>>'";
  case Tok::Tilde: return "'~'";
  case Tok::Bang: return "'!'";
  case Tok::AmpAmp: return "'&&'";
  case Tok::PipePipe: return "'||'";
  case Tok::EqEq: return "'=='";
  case Tok::NotEq: return "'!='";
  case Tok::Lt: return "'<'";
  case Tok::Le: return "'<='";
  case Tok::Gt: return "'>'";
  case Tok::Ge: return "'>='";
  }
  return "token";
}

// Not llvm::utohexstr(b, false, 2): it gives "000" for 0.
std::string vyre::hexByte(unsigned char b) {
  const char *digits = "0123456789ABCDEF";
  return {digits[b >> 4], digits[b & 15]};
}

namespace {
/// Character classes, one table lookup per byte in the hot loops.
enum CharClass : uint8_t { Other = 0, Blank = 1, IdentStart = 2, Digit = 4 };
struct CharTable {
  uint8_t cls[256] = {};
  constexpr CharTable() {
    for (char c : {' ', '\t', '\r', '\n'})
      cls[static_cast<unsigned char>(c)] = Blank;
    for (int c = 'a'; c <= 'z'; ++c)
      cls[c] = IdentStart;
    for (int c = 'A'; c <= 'Z'; ++c)
      cls[c] = IdentStart;
    cls[static_cast<unsigned char>('_')] = IdentStart;
    for (int c = '0'; c <= '9'; ++c)
      cls[c] = Digit;
  }
};
constexpr CharTable kChars;
} // namespace

static uint8_t charClass(char c) {
  return kChars.cls[static_cast<unsigned char>(c)];
}
static bool isBlank(char c) { return charClass(c) == Blank; }
static bool isIdentStart(char c) { return charClass(c) == IdentStart; }
static bool isIdentChar(char c) { return charClass(c) & (IdentStart | Digit); }

void Lexer::make(Token &t, Tok k, const char *start) {
  t.kind = k;
  t.text = llvm::StringRef(start, cur - start);
}

/// The text of one `///` line: what follows the slashes, without trailing
/// blanks and without one leading space.
static llvm::StringRef docLineText(llvm::StringRef line) {
  line = line.drop_front(3).rtrim(" \t\r");
  if (line.startswith(" "))
    line = line.drop_front();
  return line;
}

/// Skips a block comment opening at \p cur; returns where it ends (\p end
/// when it is unterminated).
static const char *skipBlockComment(const char *cur, const char *end) {
  cur += 2;
  unsigned depth = 1; // block comments nest, as in Rust
  while (cur < end && depth) {
    if (*cur == '*' && cur + 1 < end && cur[1] == '/') {
      --depth;
      cur += 2;
    } else if (*cur == '/' && cur + 1 < end && cur[1] == '*') {
      ++depth;
      cur += 2;
    } else {
      ++cur;
    }
  }
  return depth ? nullptr : cur;
}

void Lexer::skipTrivia(llvm::StringRef &docSpan) {
  const char *end = buf.end();
  const char *docBegin = nullptr, *docEnd = nullptr;
  while (cur < end) {
    char c = *cur;
    if (isBlank(c)) {
      ++cur;
      continue;
    }
    if (c == '/' && cur + 1 < end && cur[1] == '/') {
      bool isDoc = cur + 2 < end && cur[2] == '/' &&
                   !(cur + 3 < end && cur[3] == '/');
      const char *lineStart = cur;
      while (cur < end && *cur != '\n')
        ++cur;
      if (comments)
        comments->push_back(llvm::StringRef(lineStart, cur - lineStart));
      if (isDoc) {
        if (!docBegin)
          docBegin = lineStart;
        docEnd = cur;
      } else {
        docBegin = docEnd = nullptr; // a plain comment between doc and item breaks the doc
      }
      continue;
    }
    if (c == '/' && cur + 1 < end && cur[1] == '*') {
      const char *open = cur;
      const char *close = skipBlockComment(cur, end);
      cur = close ? close : end;
      if (!close)
        diags.error(llvm::SMLoc::getFromPointer(open),
                    "unterminated block comment");
      else if (comments)
        comments->push_back(llvm::StringRef(open, cur - open));
      continue;
    }
    break;
  }
  docSpan = docBegin ? llvm::StringRef(docBegin, docEnd - docBegin)
                     : llvm::StringRef();
}

std::string Token::doc() const {
  // docSpan holds only blanks, `///` lines and complete block comments
  // (skipTrivia restarts it at a plain comment).
  std::string out;
  const char *cur = docSpan.begin(), *end = docSpan.end();
  bool first = true;
  while (cur < end) {
    char c = *cur;
    if (c == '/' && cur + 1 < end && cur[1] == '*') {
      const char *close = skipBlockComment(cur, end);
      cur = close ? close : end;
      continue;
    }
    if (c == '/' && cur + 2 < end && cur[1] == '/' && cur[2] == '/') {
      const char *lineStart = cur;
      while (cur < end && *cur != '\n')
        ++cur;
      if (!first)
        out += '\n';
      first = false;
      out += docLineText(llvm::StringRef(lineStart, cur - lineStart));
      continue;
    }
    ++cur; // a blank
  }
  return out;
}

std::string Token::stringValue() const {
  // text is the whole literal, quotes included (lexString made it).
  std::string value;
  if (kind != Tok::String || text.size() < 2)
    return value;
  llvm::StringRef body = text.drop_front().drop_back();
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\\' && i + 1 < body.size() &&
        (body[i + 1] == '"' || body[i + 1] == '\\'))
      ++i;
    value += body[i];
  }
  return value;
}

Tok Lexer::lexInvalid(const char *start, char c) {
  const char *end = buf.end();
  // Swallow a whole run of bytes that cannot start a token so that
  // binary garbage yields one diagnostic, not one per byte.
  while (cur < end && !isIdentChar(*cur) &&
         !llvm::StringRef("{}()[];,:@.=+-*/%^~&|!<>\" \t\r\n").contains(*cur))
    ++cur;
  unsigned char uc = static_cast<unsigned char>(c);
  if (uc >= 0x20 && uc < 0x7f)
    diags.error(llvm::SMLoc::getFromPointer(start),
                llvm::Twine("unexpected character '") + llvm::Twine(c) + "'");
  else
    diags.error(llvm::SMLoc::getFromPointer(start),
                "unexpected byte 0x" + hexByte(uc) +
                    " (vyre source is ASCII outside comments and strings)");
  return Tok::Error;
}

void Lexer::lex(Token &t) {
  t.intValue = 0;
  t.hex = false;
  llvm::StringRef docSpan;
  // Blanks alone carry no doc comment: the full trivia scan is needed only
  // where a comment may start.
  // (Scanned with a local pointer: a char load may alias this->cur, which
  // would otherwise be stored back on every byte.)
  const char *end0 = buf.end();
  const char *p = cur;
  while (p < end0 && isBlank(*p))
    ++p;
  cur = p;
  if (p < end0 && *p == '/')
    skipTrivia(docSpan);
  const char *start = cur;
  const char *end = buf.end();
  if (cur >= end) {
    make(t, Tok::Eof, start);
    t.docSpan = llvm::StringRef(); // a doc comment documents no end of file
    return;
  }
  char c = *cur;
  if (c >= '0' && c <= '9') {
    lexNumber(t, start);
  } else if (isIdentStart(c)) {
    lexIdent(t, start);
  } else if (c == '"') {
    lexString(t, start);
  } else {
    ++cur;
    auto two = [&](char second, Tok yes, Tok no) {
      if (cur < end && *cur == second) {
        ++cur;
        return yes;
      }
      return no;
    };
    Tok k;
    switch (c) {
    case '{': k = Tok::LBrace; break;
    case '}': k = Tok::RBrace; break;
    case '(': k = Tok::LParen; break;
    case ')': k = Tok::RParen; break;
    case '[': k = Tok::LBracket; break;
    case ']': k = Tok::RBracket; break;
    case ';': k = Tok::Semi; break;
    case ',': k = Tok::Comma; break;
    case ':': k = Tok::Colon; break;
    case '@': k = Tok::At; break;
    case '.': k = two('.', Tok::DotDot, Tok::Dot); break;
    case '=': k = two('=', Tok::EqEq, Tok::Assign); break;
    case '+': k = Tok::Plus; break;
    case '-': k = Tok::Minus; break;
    case '*': k = Tok::Star; break;
    case '/': k = Tok::Slash; break;
    case '%': k = Tok::Percent; break;
    case '^': k = Tok::Caret; break;
    case '~': k = Tok::Tilde; break;
    case '&': k = two('&', Tok::AmpAmp, Tok::Amp); break;
    case '|': k = two('|', Tok::PipePipe, Tok::Pipe); break;
    case '!': k = two('=', Tok::NotEq, Tok::Bang); break;
    case '<':
      k = two('<', Tok::Shl, Tok::Lt);
      if (k == Tok::Lt)
        k = two('=', Tok::Le, Tok::Lt);
      break;
    case '>':
      k = two('>', Tok::Shr, Tok::Gt);
      if (k == Tok::Gt)
        k = two('=', Tok::Ge, Tok::Gt);
      break;
    default:
      k = lexInvalid(start, c);
      break;
    }
    make(t, k, start);
  }
  t.docSpan = docSpan;
}

void Lexer::lexNumber(Token &t, const char *start) {
  const char *end = buf.end();
  bool hex = false;
  unsigned radix = 10;
  if (*cur == '0' && cur + 1 < end && (cur[1] == 'x' || cur[1] == 'X')) {
    hex = true;
    radix = 16;
    cur += 2;
  }
  uint64_t value = 0;
  bool overflow = false, digits = false, bad = false;
  while (cur < end && (isIdentChar(*cur))) {
    char c = *cur;
    unsigned d;
    if (c == '_') {
      ++cur;
      continue;
    }
    if (c >= '0' && c <= '9')
      d = c - '0';
    else if (hex && c >= 'a' && c <= 'f')
      d = c - 'a' + 10;
    else if (hex && c >= 'A' && c <= 'F')
      d = c - 'A' + 10;
    else {
      bad = true;
      ++cur;
      continue;
    }
    digits = true;
    value = value * radix + d;
    if (value > 0xFFFFFFFFull) {
      overflow = true;
      value = 0;
    }
    ++cur;
  }
  make(t, Tok::Int, start);
  t.hex = hex;
  if (bad || (hex && !digits)) {
    diags.error(t.loc(), "invalid digit in integer literal '" + t.text + "'");
    t.kind = Tok::Error;
  } else if (overflow) {
    diags.error(t.loc(), "integer literal '" + t.text +
                             "' does not fit in u32 (max 4294967295)");
    t.kind = Tok::Error;
  }
  t.intValue = static_cast<uint32_t>(value);
}

/// The keyword \p text spells, or Tok::Ident. Dispatches on the length
/// first: most identifiers are no keyword and fail at one comparison.
static Tok keywordKind(llvm::StringRef text) {
  switch (text.size()) {
  case 2:
    if (text == "if") return Tok::KwIf;
    if (text == "in") return Tok::KwIn;
    break;
  case 3:
    if (text == "let") return Tok::KwLet;
    if (text == "var") return Tok::KwVar;
    if (text == "for") return Tok::KwFor;
    break;
  case 4:
    if (text == "else") return Tok::KwElse;
    if (text == "true") return Tok::KwTrue;
    break;
  case 5:
    if (text == "const") return Tok::KwConst;
    if (text == "break") return Tok::KwBreak;
    if (text == "false") return Tok::KwFalse;
    break;
  case 6:
    if (text == "buffer") return Tok::KwBuffer;
    if (text == "import") return Tok::KwImport;
    break;
  case 7:
    if (text == "handler") return Tok::KwHandler;
    break;
  case 8:
    if (text == "protocol") return Tok::KwProtocol;
    break;
  }
  return Tok::Ident;
}

void Lexer::lexIdent(Token &t, const char *start) {
  const char *end = buf.end(), *p = cur;
  while (p < end && isIdentChar(*p))
    ++p;
  cur = p;
  make(t, Tok::Ident, start);
  t.kind = keywordKind(t.text);
}

void Lexer::lexString(Token &t, const char *start) {
  ++cur; // opening quote
  const char *end = buf.end();
  while (cur < end && *cur != '"' && *cur != '\n') {
    if (*cur == '\\' && cur + 1 < end &&
        (cur[1] == '"' || cur[1] == '\\')) {
      cur += 2;
      continue;
    }
    ++cur;
  }
  if (cur >= end || *cur != '"') {
    make(t, Tok::Error, start);
    diags.error(t.loc(), "unterminated string literal");
    return;
  }
  ++cur;
  make(t, Tok::String, start); // Token::stringValue() unescapes it
}
