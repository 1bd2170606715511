//===- Parser.cpp - .vyre recursive descent with precedence climbing ------===//
#include "vyre/Parse/Parser.h"
#include "vyre/Parse/Lexer.h"
#include "vyre/IR/Walk.h"

#include "llvm/ADT/StringSwitch.h"

using namespace vyre;

namespace {

/// Deep nesting is legal but must not overflow the C++ stack (1 MB of '(').
constexpr unsigned kMaxNesting = 256;

class Parser {
public:
  Parser(llvm::StringRef text, DiagnosticEngine &diags,
         std::vector<llvm::StringRef> *comments = nullptr)
      : lexer(text, diags, comments), diags(diags) {
    tok = lexer.next();
    peekTok = lexer.next();
  }

  void parseFile(SourceFile &out);
  ExprPtr parseStandaloneExpr();

private:
  // Token stream.
  void advance() {
    lastLoc = tok.loc();
    tok = peekTok;
    if (diags.tooManyErrors())
      peekTok = Token{};
    else
      lexer.lex(peekTok);
  }
  bool consume(Tok k) {
    if (!tok.is(k))
      return false;
    advance();
    return true;
  }
  /// \p context is a Twine: it is only rendered when there is an error.
  bool expect(Tok k, const llvm::Twine &context);
  /// True if one more nesting level is allowed; otherwise reports that
  /// nesting passes kMaxNesting at this \p what ("block", "statement",
  /// "expression"). The caller then takes a NestingGuard.
  bool canNest(llvm::StringRef what);
  void errorAtTok(const llvm::Twine &msg);
  /// \p e if its tree is at most kMaxExprDepth deep, counting every
  /// operator of a flat chain (which kMaxNesting does not); otherwise
  /// reports it at \p e's operator and returns null.
  ExprPtr withinDepth(ExprPtr e);

  // Recovery.
  void skipToItem();
  void skipToStatementEnd();

  // Items.
  void parseItem(SourceFile &out);
  void parseItemBody(SourceFile &out);
  void parseImport(SourceFile &out);
  void parseConst(SourceFile &out);
  void parseBuffer(SourceFile &out);
  void parseProtocol(SourceFile &out);
  void parseHandler(SourceFile &out);

  // Statements.
  BlockPtr parseBlock();
  StmtPtr parseStmt();
  StmtPtr parseIf();
  StmtPtr parseFor();
  StmtPtr parseLet();

  // Expressions.
  ExprPtr parseExpr();
  ExprPtr parseBinary(unsigned minPrec);
  ExprPtr parseUnary();
  ExprPtr parsePrimary();
  ExprPtr parseCall(Token name);
  bool parsePlace(BufferRef &buf, ExprPtr &index);

  Lexer lexer;
  DiagnosticEngine &diags;
  Token tok, peekTok;
  llvm::SMLoc lastLoc; // the token before tok: an item's end
  unsigned nesting = 0;
  unsigned tallest = 1; // the tallest tree built so far (a leaf is 1)
  /// Set when an error was reported and not yet recovered from, so one
  /// mistake gives one diagnostic instead of a cascade.
  bool panic = false;
};

struct NestingGuard {
  unsigned &n;
  explicit NestingGuard(unsigned &n) : n(n) { ++n; }
  ~NestingGuard() { --n; }
};

std::optional<BinaryOp> binaryOpFor(Tok t) {
  switch (t) {
  case Tok::Plus: return BinaryOp::Add;
  case Tok::Minus: return BinaryOp::Sub;
  case Tok::Star: return BinaryOp::Mul;
  case Tok::Slash: return BinaryOp::Div;
  case Tok::Percent: return BinaryOp::Rem;
  case Tok::Amp: return BinaryOp::BitAnd;
  case Tok::Pipe: return BinaryOp::BitOr;
  case Tok::Caret: return BinaryOp::BitXor;
  case Tok::Shl: return BinaryOp::Shl;
  case Tok::Shr: return BinaryOp::Shr;
  case Tok::EqEq: return BinaryOp::Eq;
  case Tok::NotEq: return BinaryOp::Ne;
  case Tok::Lt: return BinaryOp::Lt;
  case Tok::Le: return BinaryOp::Le;
  case Tok::Gt: return BinaryOp::Gt;
  case Tok::Ge: return BinaryOp::Ge;
  case Tok::AmpAmp: return BinaryOp::LogicalAnd;
  case Tok::PipePipe: return BinaryOp::LogicalOr;
  default: return std::nullopt;
  }
}

std::optional<AtomicOp> atomicOpFor(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<AtomicOp>>(name)
      .Case("atomic_load", AtomicOp::Load)
      .Case("atomic_store", AtomicOp::Store)
      .Case("atomic_add", AtomicOp::Add)
      .Case("atomic_sub", AtomicOp::Sub)
      .Case("atomic_and", AtomicOp::And)
      .Case("atomic_or", AtomicOp::Or)
      .Case("atomic_xor", AtomicOp::Xor)
      .Case("atomic_min", AtomicOp::Min)
      .Case("atomic_max", AtomicOp::Max)
      .Case("atomic_exchange", AtomicOp::Exchange)
      .Case("atomic_compare_exchange", AtomicOp::CompareExchange)
      .Default(std::nullopt);
}

std::optional<MemoryOrder> orderFor(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<MemoryOrder>>(name)
      .Case("relaxed", MemoryOrder::Relaxed)
      .Case("acquire", MemoryOrder::Acquire)
      .Case("release", MemoryOrder::Release)
      .Case("acq_rel", MemoryOrder::AcqRel)
      .Case("seq_cst", MemoryOrder::SeqCst)
      .Default(std::nullopt);
}

} // namespace

bool Parser::canNest(llvm::StringRef what) {
  if (nesting < kMaxNesting)
    return true;
  // One counter covers every kind, so \p what is only where the limit was
  // hit (the condition of the 256th nested `if` is an expression).
  errorAtTok("nesting too deep at this " + what +
             " (blocks, statements and expressions together nest at most " +
             llvm::Twine(kMaxNesting) + " levels)");
  return false;
}

ExprPtr Parser::withinDepth(ExprPtr e) {
  unsigned h = 0;
  forEachChild(*e, [&](Expr &c) { h = std::max<unsigned>(h, c.height); });
  if (++h > kMaxExprDepth) {
    if (!panic)
      diags.error(e->loc, "expression too deep: more than " +
                              llvm::Twine(kMaxExprDepth) +
                              " levels of operators (split it with 'let')");
    panic = true;
    return nullptr;
  }
  e->height = static_cast<uint16_t>(h);
  tallest = std::max(tallest, h);
  return e;
}

void Parser::errorAtTok(const llvm::Twine &msg) {
  if (panic)
    return;
  panic = true;
  diags.error(tok.loc(), msg);
}

bool Parser::expect(Tok k, const llvm::Twine &context) {
  if (consume(k))
    return true;
  if (tok.is(Tok::Error)) {
    panic = true; // the lexer already said what is wrong
    return false;
  }
  errorAtTok("expected " + tokenSpelling(k) + " " + context + ", found " +
             (tok.is(Tok::Eof) ? llvm::Twine("end of file")
                               : llvm::Twine("'") + tok.text + "'"));
  return false;
}

void Parser::skipToItem() {
  unsigned depth = 0;
  while (!tok.is(Tok::Eof)) {
    if (depth == 0 &&
        (tok.is(Tok::KwHandler) || tok.is(Tok::KwConst) ||
         tok.is(Tok::KwBuffer) || tok.is(Tok::KwProtocol) ||
         tok.is(Tok::KwImport)))
      break;
    if (tok.is(Tok::LBrace))
      ++depth;
    else if (tok.is(Tok::RBrace) && depth && --depth == 0) {
      advance();
      break;
    } else if (tok.is(Tok::Semi) && depth == 0) {
      advance();
      break;
    }
    advance();
  }
  panic = false;
}

void Parser::skipToStatementEnd() {
  unsigned depth = 0;
  while (!tok.is(Tok::Eof)) {
    if (tok.is(Tok::LBrace)) {
      ++depth;
    } else if (tok.is(Tok::RBrace)) {
      if (depth == 0)
        break; // the enclosing block's brace: leave it for the block
      if (--depth == 0) {
        advance();
        break;
      }
    } else if (tok.is(Tok::Semi) && depth == 0) {
      advance();
      break;
    }
    advance();
  }
  panic = false;
}

//===-- Items -------------------------------------------------------------===//

void Parser::parseFile(SourceFile &out) {
  while (!tok.is(Tok::Eof) && !diags.tooManyErrors()) {
    parseItem(out);
    if (panic)
      skipToItem();
  }
  out.tallestExpr = tallest;
}

void Parser::parseItem(SourceFile &out) {
  size_t before = out.items.size();
  llvm::SMLoc start = tok.loc();
  parseItemBody(out);
  if (out.items.size() > before) {
    out.items.back().start = start;
    out.items.back().end = lastLoc;
  }
}

void Parser::parseItemBody(SourceFile &out) {
  switch (tok.kind) {
  case Tok::KwImport:
    return parseImport(out);
  case Tok::KwConst:
    return parseConst(out);
  case Tok::KwBuffer:
    return parseBuffer(out);
  case Tok::KwProtocol:
    return parseProtocol(out);
  case Tok::KwHandler:
    return parseHandler(out);
  case Tok::Error:
    panic = true;
    advance();
    return;
  default:
    errorAtTok("expected an item ('handler', 'const', 'buffer', 'protocol' "
               "or 'import'), found '" + tok.text + "'");
    advance();
    return;
  }
}

void Parser::parseImport(SourceFile &out) {
  advance();
  if (!tok.is(Tok::String)) {
    errorAtTok("expected a quoted file name after 'import'");
    return;
  }
  // A path is handed to the C library, which stops at a NUL ("a\0b" would
  // import "a"); no file name needs control bytes, so reject them all.
  for (size_t i = 0; i < tok.text.size(); ++i) {
    unsigned char c = tok.text[i];
    if (c < 0x20 || c == 0x7f) {
      diags.error(llvm::SMLoc::getFromPointer(tok.text.data() + i),
                  "control byte 0x" + hexByte(c) +
                      " in an import path");
      panic = true;
      return;
    }
  }
  ImportDecl imp;
  imp.path = tok.stringValue();
  imp.loc = tok.loc();
  advance();
  if (!expect(Tok::Semi, "after import"))
    return;
  out.items.push_back({SourceFile::Item::Kind::Import,
                       static_cast<unsigned>(out.imports.size())});
  out.imports.push_back(std::move(imp));
}

void Parser::parseConst(SourceFile &out) {
  auto c = std::make_unique<ConstDecl>();
  c->doc = tok.doc();
  advance();
  if (!tok.is(Tok::Ident)) {
    errorAtTok("expected a name after 'const'");
    return;
  }
  c->name = tok.text.str();
  c->loc = tok.loc();
  advance();
  if (!expect(Tok::Assign, "after const name"))
    return;
  c->init = parseExpr();
  if (!c->init || !expect(Tok::Semi, "after const value"))
    return;
  out.items.push_back({SourceFile::Item::Kind::Const,
                       static_cast<unsigned>(out.consts.size())});
  out.consts.push_back(std::move(c));
}

void Parser::parseBuffer(SourceFile &out) {
  auto b = std::make_unique<BufferDecl>();
  b->doc = tok.doc();
  advance();
  if (!tok.is(Tok::Ident)) {
    errorAtTok("expected a name after 'buffer'");
    return;
  }
  b->name = tok.text.str();
  b->loc = tok.loc();
  advance();
  if (!expect(Tok::Colon, "after buffer name"))
    return;
  if (!tok.is(Tok::Ident)) {
    errorAtTok("expected an element type after ':'");
    return;
  }
  b->elementTypeLoc = tok.loc();
  if (tok.text != "u32") {
    errorAtTok("unknown buffer element type '" + tok.text +
               "' (buffers hold u32 words)");
    return;
  }
  advance();
  if (!expect(Tok::LBracket, "after element type"))
    return;
  if (!tok.is(Tok::RBracket)) {
    b->size = parseExpr();
    if (!b->size)
      return;
  }
  if (!expect(Tok::RBracket, "after buffer size"))
    return;
  if (tok.is(Tok::Ident) && tok.text == "read")
    b->access = Access::Read;
  else if (tok.is(Tok::Ident) && tok.text == "read_write")
    b->access = Access::ReadWrite;
  else {
    errorAtTok("expected buffer access 'read' or 'read_write', found '" +
               tok.text + "'");
    return;
  }
  advance();
  if (tok.is(Tok::Ident) && tok.text == "atomic") {
    b->atomic = true;
    advance();
  }
  while (tok.is(Tok::At)) {
    advance();
    if (!tok.is(Tok::Ident) || (tok.text != "set" && tok.text != "binding")) {
      errorAtTok("expected 'set' or 'binding' after '@'");
      return;
    }
    bool isSet = tok.text == "set";
    ExprPtr &slot = isSet ? b->set : b->binding;
    if (slot) {
      errorAtTok(llvm::Twine("duplicate '@") + tok.text + "' attribute");
      return;
    }
    advance();
    if (!expect(Tok::LParen, isSet ? "after '@set'" : "after '@binding'"))
      return;
    slot = parseExpr();
    if (!slot || !expect(Tok::RParen, "after attribute value"))
      return;
  }
  if (!b->binding) {
    errorAtTok("buffer '" + b->name + "' needs a '@binding(N)' attribute");
    return;
  }
  if (!expect(Tok::Semi, "after buffer declaration"))
    return;
  out.items.push_back({SourceFile::Item::Kind::Buffer,
                       static_cast<unsigned>(out.buffers.size())});
  out.buffers.push_back(std::move(b));
}

void Parser::parseProtocol(SourceFile &out) {
  advance();
  if (!expect(Tok::LBrace, "after 'protocol'"))
    return;
  std::vector<ProtocolEntry> entries;
  while (!tok.is(Tok::RBrace) && !tok.is(Tok::Eof) && !diags.tooManyErrors()) {
    ProtocolEntry e;
    e.doc = tok.doc();
    e.loc = tok.loc();
    if (!tok.is(Tok::Ident)) {
      errorAtTok("expected 'group.NAME = value;' in protocol block");
      skipToStatementEnd();
      continue;
    }
    e.group = tok.text.str();
    advance();
    if (!expect(Tok::Dot, "between protocol group and name") ||
        !tok.is(Tok::Ident)) {
      errorAtTok("expected a protocol value name after '.'");
      skipToStatementEnd();
      continue;
    }
    e.key = tok.text.str();
    advance();
    if (!expect(Tok::Assign, "after protocol value name") ||
        !(e.value = parseExpr()) || !expect(Tok::Semi, "after protocol value")) {
      skipToStatementEnd();
      continue;
    }
    e.end = lastLoc;
    entries.push_back(std::move(e));
  }
  if (!expect(Tok::RBrace, "to close the protocol block"))
    return;
  out.items.push_back({SourceFile::Item::Kind::Protocol,
                       static_cast<unsigned>(out.protocolBlocks.size())});
  out.protocolBlocks.push_back(std::move(entries));
}

void Parser::parseHandler(SourceFile &out) {
  auto h = std::make_unique<HandlerDecl>();
  h->doc = tok.doc();
  advance();
  if (!tok.is(Tok::Ident)) {
    errorAtTok("expected a handler name after 'handler'");
    return;
  }
  h->name = tok.text.str();
  h->loc = tok.loc();
  advance();
  if (!expect(Tok::Assign, "after handler name (handler NAME = OPCODE { ... })"))
    return;
  h->opcode = parseExpr();
  if (!h->opcode)
    return;
  h->body = parseBlock();
  if (!h->body)
    return;
  out.items.push_back({SourceFile::Item::Kind::Handler,
                       static_cast<unsigned>(out.handlers.size())});
  out.handlers.push_back(std::move(h));
}

//===-- Statements --------------------------------------------------------===//

BlockPtr Parser::parseBlock() {
  if (!canNest("block"))
    return nullptr;
  NestingGuard guard(nesting);
  auto block = std::make_unique<BlockStmt>(tok.loc());
  if (!expect(Tok::LBrace, "to open a block"))
    return nullptr;
  // Gathered first so the body is allocated once, at its final size.
  llvm::SmallVector<StmtPtr, 16> body;
  while (!tok.is(Tok::RBrace) && !tok.is(Tok::Eof) && !diags.tooManyErrors()) {
    StmtPtr s = parseStmt();
    if (s)
      body.push_back(std::move(s));
    if (panic)
      skipToStatementEnd();
  }
  block->body.reserve(body.size());
  for (StmtPtr &s : body)
    block->body.push_back(std::move(s));
  block->endLoc = tok.loc();
  if (!expect(Tok::RBrace, "to close the block"))
    return nullptr;
  return block;
}

StmtPtr Parser::parseStmt() {
  llvm::SMLoc loc = tok.loc();
  switch (tok.kind) {
  case Tok::KwLet:
  case Tok::KwVar:
    return parseLet();
  case Tok::KwIf:
    return parseIf();
  case Tok::KwFor:
    return parseFor();
  case Tok::KwBreak:
    advance();
    if (!expect(Tok::Semi, "after 'break'"))
      return nullptr;
    return std::make_unique<BreakStmt>(loc);
  case Tok::LBrace:
    return parseBlock();
  case Tok::Semi:
    advance(); // an empty statement: harmless, dropped
    return nullptr;
  default:
    break;
  }
  ExprPtr e = parseExpr();
  if (!e)
    return nullptr;
  if (tok.is(Tok::Assign)) {
    llvm::SMLoc eqLoc = tok.loc();
    advance();
    ExprPtr value = parseExpr();
    if (!value || !expect(Tok::Semi, "after assignment"))
      return nullptr;
    if (auto *name = llvm::dyn_cast<NameExpr>(e.get()))
      return std::make_unique<AssignStmt>(loc, name->name, std::move(value));
    if (auto *load = llvm::dyn_cast<LoadExpr>(e.get()))
      return std::make_unique<StoreStmt>(loc, std::move(load->buffer),
                                         std::move(load->index), std::move(value));
    diags.error(eqLoc, "cannot assign to this expression (assign to a 'var' "
                       "name or store to 'buffer[index]')");
    return nullptr;
  }
  if (!expect(Tok::Semi, "after expression"))
    return nullptr;
  return std::make_unique<ExprStmt>(loc, std::move(e));
}

StmtPtr Parser::parseLet() {
  llvm::SMLoc loc = tok.loc();
  bool isVar = tok.is(Tok::KwVar);
  advance();
  if (!tok.is(Tok::Ident)) {
    errorAtTok(llvm::Twine("expected a name after '") + (isVar ? "var" : "let") + "'");
    return nullptr;
  }
  std::string name = tok.text.str();
  llvm::SMLoc nameLoc = tok.loc();
  advance();
  if (!expect(Tok::Assign, "after binding name (bindings need an initial value)"))
    return nullptr;
  ExprPtr init = parseExpr();
  if (!init || !expect(Tok::Semi, "after binding"))
    return nullptr;
  return std::make_unique<LetStmt>(loc, std::move(name), nameLoc, isVar,
                                   std::move(init));
}

StmtPtr Parser::parseIf() {
  if (!canNest("statement"))
    return nullptr;
  NestingGuard guard(nesting);
  llvm::SMLoc loc = tok.loc();
  advance();
  ExprPtr cond = parseExpr();
  if (!cond)
    return nullptr;
  BlockPtr thenBlock = parseBlock();
  if (!thenBlock)
    return nullptr;
  StmtPtr elseStmt;
  if (consume(Tok::KwElse)) {
    if (tok.is(Tok::KwIf))
      elseStmt = parseIf();
    else
      elseStmt = parseBlock();
    if (!elseStmt)
      return nullptr;
  }
  return std::make_unique<IfStmt>(loc, std::move(cond), std::move(thenBlock),
                                  std::move(elseStmt));
}

StmtPtr Parser::parseFor() {
  llvm::SMLoc loc = tok.loc();
  advance();
  if (!tok.is(Tok::Ident)) {
    errorAtTok("expected a loop variable name after 'for'");
    return nullptr;
  }
  std::string name = tok.text.str();
  llvm::SMLoc nameLoc = tok.loc();
  advance();
  if (!expect(Tok::KwIn, "after loop variable (for i in LO..HI { ... })"))
    return nullptr;
  ExprPtr lo = parseExpr();
  if (!lo || !expect(Tok::DotDot, "between loop bounds"))
    return nullptr;
  ExprPtr hi = parseExpr();
  if (!hi)
    return nullptr;
  BlockPtr body = parseBlock();
  if (!body)
    return nullptr;
  return std::make_unique<ForStmt>(loc, std::move(name), nameLoc, std::move(lo),
                                   std::move(hi), std::move(body));
}

//===-- Expressions -------------------------------------------------------===//

ExprPtr Parser::parseExpr() {
  if (!canNest("expression"))
    return nullptr;
  NestingGuard guard(nesting);
  return parseBinary(1);
}

ExprPtr Parser::parseBinary(unsigned minPrec) {
  ExprPtr lhs = parseUnary();
  if (!lhs)
    return nullptr;
  while (true) {
    std::optional<BinaryOp> op = binaryOpFor(tok.kind);
    if (!op || precedence(*op) < minPrec)
      return lhs;
    unsigned prec = precedence(*op);
    llvm::SMLoc opLoc = tok.loc();
    advance();
    ExprPtr rhs = parseBinary(prec + 1);
    if (!rhs)
      return nullptr;
    if (isComparison(*op)) {
      if (auto next = binaryOpFor(tok.kind); next && isComparison(*next)) {
        errorAtTok("comparison operators cannot be chained; use parentheses "
                   "or '&&'");
        return nullptr;
      }
    }
    lhs = withinDepth(
        std::make_unique<BinaryExpr>(opLoc, *op, std::move(lhs), std::move(rhs)));
    if (!lhs)
      return nullptr;
  }
}

ExprPtr Parser::parseUnary() {
  llvm::SMLoc loc = tok.loc();
  if (tok.is(Tok::Bang) || tok.is(Tok::Tilde)) {
    if (!canNest("expression"))
      return nullptr;
    NestingGuard guard(nesting);
    UnaryOp op = tok.is(Tok::Bang) ? UnaryOp::LogicalNot : UnaryOp::BitNot;
    advance();
    ExprPtr operand = parseUnary();
    if (!operand)
      return nullptr;
    return withinDepth(std::make_unique<UnaryExpr>(loc, op, std::move(operand)));
  }
  if (tok.is(Tok::Minus)) {
    errorAtTok("unary '-' is not supported: values are unsigned u32 (write "
               "'0 - x' for a wrapping negation)");
    return nullptr;
  }
  return parsePrimary();
}

ExprPtr Parser::parsePrimary() {
  llvm::SMLoc loc = tok.loc();
  switch (tok.kind) {
  case Tok::Int: {
    auto e = std::make_unique<IntLit>(loc, tok.intValue, tok.hex);
    advance();
    return e;
  }
  case Tok::KwTrue:
  case Tok::KwFalse: {
    auto e = std::make_unique<BoolLit>(loc, tok.is(Tok::KwTrue));
    advance();
    return e;
  }
  case Tok::LParen: {
    advance();
    ExprPtr inner = parseExpr();
    if (!inner || !expect(Tok::RParen, "to close '('"))
      return nullptr;
    return inner;
  }
  case Tok::Ident: {
    Token name = tok;
    advance();
    if (tok.is(Tok::LParen))
      return parseCall(std::move(name));
    if (tok.is(Tok::LBracket)) {
      advance();
      ExprPtr index = parseExpr();
      if (!index || !expect(Tok::RBracket, "after buffer index"))
        return nullptr;
      return withinDepth(std::make_unique<LoadExpr>(
          loc, BufferRef{name.text.str(), loc, nullptr}, std::move(index)));
    }
    if (tok.is(Tok::Dot)) {
      advance();
      if (!tok.is(Tok::Ident)) {
        errorAtTok("expected a name after '" + name.text + ".'");
        return nullptr;
      }
      auto e = std::make_unique<MemberExpr>(loc, name.text.str(), tok.text.str(),
                                            tok.loc());
      advance();
      return e;
    }
    return std::make_unique<NameExpr>(loc, name.text.str());
  }
  case Tok::Error:
    panic = true;
    advance();
    return nullptr;
  default:
    errorAtTok("expected an expression, found " +
               (tok.is(Tok::Eof) ? llvm::Twine("end of file")
                                 : llvm::Twine("'") + tok.text + "'"));
    return nullptr;
  }
}

bool Parser::parsePlace(BufferRef &buf, ExprPtr &index) {
  if (!tok.is(Tok::Ident) || !peekTok.is(Tok::LBracket)) {
    errorAtTok("expected a buffer word 'buffer[index]' as the first argument");
    return false;
  }
  buf = BufferRef{tok.text.str(), tok.loc(), nullptr};
  advance();
  advance();
  index = parseExpr();
  return index && expect(Tok::RBracket, "after buffer index");
}

ExprPtr Parser::parseCall(Token name) {
  llvm::SMLoc loc = name.loc();
  advance(); // '('
  if (name.text == "select") {
    ExprPtr c = parseExpr();
    if (!c || !expect(Tok::Comma, "after select condition"))
      return nullptr;
    ExprPtr a = parseExpr();
    if (!a || !expect(Tok::Comma, "after select's first value"))
      return nullptr;
    ExprPtr b = parseExpr();
    if (!b || !expect(Tok::RParen, "to close select(...)"))
      return nullptr;
    return withinDepth(std::make_unique<SelectExpr>(loc, std::move(c), std::move(a),
                                                    std::move(b)));
  }
  if (name.text == "min" || name.text == "max") {
    ExprPtr a = parseExpr();
    if (!a || !expect(Tok::Comma, "after " + name.text + "'s first value"))
      return nullptr;
    ExprPtr b = parseExpr();
    if (!b || !expect(Tok::RParen, "to close " + name.text + "(...)"))
      return nullptr;
    return withinDepth(std::make_unique<BinaryExpr>(
        loc, name.text == "min" ? BinaryOp::Min : BinaryOp::Max, std::move(a),
        std::move(b)));
  }
  std::optional<AtomicOp> op = atomicOpFor(name.text);
  if (!op) {
    diags.error(loc, "unknown function '" + name.text +
                         "' (functions are select, min, max and the atomic_* operations)");
    panic = true;
    return nullptr;
  }
  BufferRef buf;
  ExprPtr index;
  if (!parsePlace(buf, index))
    return nullptr;
  auto e = std::make_unique<AtomicExpr>(loc, *op, std::move(buf), std::move(index));
  unsigned want = atomicValueOperands(*op);
  e->operands.reserve(want);
  for (unsigned i = 0; i < want; ++i) {
    if (!tok.is(Tok::Comma)) {
      errorAtTok(spelling(*op) + " takes " + llvm::Twine(want + 1) +
                 " arguments (a buffer word and " + llvm::Twine(want) +
                 (want == 1 ? " value)" : " values)") +
                 ", plus an optional memory ordering");
      return nullptr;
    }
    advance();
    ExprPtr v = parseExpr();
    if (!v)
      return nullptr;
    e->operands.push_back(std::move(v));
  }
  if (consume(Tok::Comma)) {
    std::optional<MemoryOrder> order;
    if (tok.is(Tok::Ident))
      order = orderFor(tok.text);
    if (!order) {
      errorAtTok("expected a memory ordering (relaxed, acquire, release, "
                 "acq_rel, seq_cst), found '" + tok.text + "'");
      return nullptr;
    }
    e->order = *order;
    e->explicitOrder = true;
    e->orderLoc = tok.loc();
    advance();
  }
  if (!expect(Tok::RParen, "to close " + spelling(*op) + "(...)"))
    return nullptr;
  return withinDepth(std::move(e));
}

ExprPtr Parser::parseStandaloneExpr() {
  ExprPtr e = parseExpr();
  if (e && !tok.is(Tok::Eof)) {
    errorAtTok("unexpected '" + tok.text + "' after the value");
    return nullptr;
  }
  return e;
}

void vyre::parseBuffer(unsigned bufferId, DiagnosticEngine &diags,
                       SourceFile &out) {
  llvm::StringRef text = diags.sourceMgr().getMemoryBuffer(bufferId)->getBuffer();
  out.text = text;
  Parser p(text, diags, &out.comments);
  p.parseFile(out);
}

ExprPtr vyre::parseExpression(unsigned bufferId, DiagnosticEngine &diags) {
  Parser p(diags.sourceMgr().getMemoryBuffer(bufferId)->getBuffer(), diags);
  return p.parseStandaloneExpr();
}
