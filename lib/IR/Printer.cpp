//===- Printer.cpp - the canonical .vyre printer --------------------------===//
#include "vyre/IR/Printer.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"

using namespace vyre;
using llvm::cast;
using llvm::dyn_cast;

namespace {

/// Precedence of an expression as an operand: atoms and calls bind tightest.
unsigned exprPrecedence(const Expr &e) {
  if (auto *b = dyn_cast<BinaryExpr>(&e))
    return precedence(b->op);
  if (llvm::isa<UnaryExpr>(e))
    return 10;
  return 11;
}

/// The canonical printer. Without comments it prints the IR (--emit=ir);
/// given a file's comments (formatSourceFile) it also puts every comment
/// back before the node that followed it in the source, the way gofmt
/// attaches comments: own-line comments on their own lines at the current
/// indentation, trailing ones at the end of the line they trailed, comments
/// inside an expression inline. Output is built in a string so that a
/// trailing comment can join the line already printed.
class Printer {
public:
  explicit Printer(const SourceFile *trivia = nullptr) : trivia(trivia) {}

  void file(const SourceFile &f);
  void stmt(const Stmt &s, unsigned indent);
  void expr(const Expr &e);
  std::string out;

private:
  void operand(const Expr &e, unsigned minPrec);
  void bufferRef(const BufferRef &b, const Expr &index);
  void doc(llvm::StringRef doc, unsigned indent);
  void block(const BlockStmt &b, unsigned indent);
  void indentTo(unsigned n) { out.append(n, ' '); }
  bool literalSpelling(const IntLit &lit);

  // Comments (formatting only).
  bool formatting() const { return trivia != nullptr; }
  bool atLineStart() const { return out.empty() || out.back() == '\n'; }
  /// The last line printed ends with a `//` comment: nothing may join it.
  bool lineClosed() const { return out.size() == lineCommentEnd; }
  /// Nothing but indentation on the line being printed.
  bool onBlankLine() const {
    size_t lastCode = out.find_last_not_of(' ');
    return lastCode == std::string::npos || out[lastCode] == '\n';
  }
  bool afterBlankOrOpen() const;
  bool blankLineBefore(const char *p) const;
  bool ownLine(const char *p) const;
  const char *textBegin() const; // the file's text, after a byte-order mark
  /// Prints the comments that start before \p pos (only those that trail
  /// a line of code, with \p trailingOnly).
  void commentsBefore(llvm::SMLoc pos, unsigned indent,
                      bool trailingOnly = false);
  void ownLineComment(llvm::StringRef c, unsigned indent);
  /// Appends \p c with LF line endings (formatSourceFile restores CRLF).
  void appendComment(llvm::StringRef c);
  /// Where the first token after \p p starts (blanks and comments skipped).
  llvm::SMLoc tokenAfter(const char *p) const;
  /// Keeps one blank line where the source had one before \p pos.
  void blankLineIfSource(llvm::SMLoc pos);
  /// Ends an item or a protocol entry with its ';' (at \p semi): the
  /// comments before it stay before it, so that none becomes the next
  /// item's doc comment.
  void endItem(llvm::SMLoc semi) {
    commentsBefore(semi, exprIndent);
    if (llvm::StringRef(out).endswith("*/ "))
      out.pop_back();
    out += ";\n";
  }

  const SourceFile *trivia;
  size_t nextComment = 0;
  size_t lineCommentEnd = std::string::npos;
  unsigned exprIndent = 0; // the statement's indentation, for line comments
};

const char *Printer::textBegin() const {
  llvm::StringRef t = trivia->text;
  return t.begin() + (t.startswith(kUtf8Bom) ? kUtf8Bom.size() : 0);
}

llvm::SMLoc Printer::tokenAfter(const char *p) const {
  const std::vector<llvm::StringRef> &cs = trivia->comments;
  auto c = llvm::lower_bound(
      cs, p, [](llvm::StringRef s, const char *q) { return s.begin() < q; });
  const char *end = trivia->text.end();
  while (p < end) {
    if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
      ++p;
    else if (c != cs.end() && c->begin() == p)
      p = (c++)->end();
    else
      break;
  }
  return llvm::SMLoc::getFromPointer(p);
}

bool Printer::afterBlankOrOpen() const {
  if (out.empty())
    return true;
  llvm::StringRef o(out);
  return o.endswith("\n\n") || o.endswith("{\n");
}

/// The source has an empty line between \p p and the code before it.
bool Printer::blankLineBefore(const char *p) const {
  const char *begin = textBegin();
  unsigned newlines = 0;
  while (p > begin && (p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\r' ||
                       p[-1] == '\n')) {
    --p;
    newlines += *p == '\n';
  }
  return newlines >= 2 && p > begin;
}

/// Nothing but blanks precede \p p on its source line.
bool Printer::ownLine(const char *p) const {
  const char *begin = textBegin();
  while (p > begin && (p[-1] == ' ' || p[-1] == '\t'))
    --p;
  return p == begin || p[-1] == '\n';
}

void Printer::blankLineIfSource(llvm::SMLoc pos) {
  if (formatting() && pos.isValid() && atLineStart() && !afterBlankOrOpen() &&
      blankLineBefore(pos.getPointer()))
    out += '\n';
}

void Printer::appendComment(llvm::StringRef c) {
  for (size_t i = 0; i < c.size(); ++i)
    if (!(c[i] == '\r' && i + 1 < c.size() && c[i + 1] == '\n'))
      out += c[i];
}

/// A comment on a line of its own, at \p indent; inside a line of code
/// (an expression) the code goes on after it, on the next line, four
/// columns further in.
void Printer::ownLineComment(llvm::StringRef c, unsigned indent) {
  bool continuation = !atLineStart();
  // A continuation line that holds only its indentation takes the comment.
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  if (!atLineStart())
    out += '\n';
  if (!afterBlankOrOpen() && blankLineBefore(c.begin()))
    out += '\n';
  unsigned at = continuation ? exprIndent + 4 : indent;
  indentTo(at);
  appendComment(c);
  out += '\n';
  if (c.startswith("//"))
    lineCommentEnd = out.size();
  if (continuation)
    indentTo(at);
}

void Printer::commentsBefore(llvm::SMLoc pos, unsigned indent,
                             bool trailingOnly) {
  if (!formatting())
    return;
  const std::vector<llvm::StringRef> &cs = trivia->comments;
  while (nextComment < cs.size() &&
         (!pos.isValid() || cs[nextComment].begin() < pos.getPointer())) {
    if (trailingOnly && ownLine(cs[nextComment].begin()))
      return;
    llvm::StringRef c = cs[nextComment++];
    bool isLine = c.startswith("//");
    if (isLine)
      c = c.rtrim(" \t\r");
    // A comment that trailed code goes on a line of its own where it
    // cannot join the line before (which ends with a `//` comment, or is
    // the file's first) and where it would start one (a continuation line),
    // as the next run sees it.
    if (ownLine(c.begin()) || (onBlankLine() && (!atLineStart() ||
                                                 out.empty() || lineClosed()))) {
      ownLineComment(c, indent);
    } else if (atLineStart()) {
      // It trailed the line just printed: join that line.
      out.pop_back();
      out += ' ';
      appendComment(c);
      out += '\n';
      if (isLine)
        lineCommentEnd = out.size();
    } else {
      // Inside a line (an expression): inline; a line comment ends the
      // line, and the expression continues on the next, indented.
      if (!out.empty() && out.back() != ' ' && out.back() != '(' &&
          out.back() != '[')
        out += ' ';
      appendComment(c);
      if (isLine) {
        out += '\n';
        indentTo(exprIndent + 4);
      } else {
        out += ' ';
      }
    }
  }
}

/// Formatting: the literal as written (digit separators, hex case), when
/// its location is its own text in this file (not a -D value, say).
bool Printer::literalSpelling(const IntLit &lit) {
  const char *p = lit.loc.getPointer();
  if (!p || p < trivia->text.begin() || p >= trivia->text.end() ||
      !llvm::isDigit(*p))
    return false;
  const char *q = p;
  while (q < trivia->text.end() && (llvm::isAlnum(*q) || *q == '_'))
    ++q;
  out.append(p, q);
  return true;
}

void Printer::operand(const Expr &e, unsigned minPrec) {
  bool parens = exprPrecedence(e) < minPrec;
  if (parens)
    out += '(';
  expr(e);
  if (parens)
    out += ')';
}

void Printer::bufferRef(const BufferRef &b, const Expr &index) {
  out += b.name;
  out += '[';
  expr(index);
  out += ']';
}

void Printer::doc(llvm::StringRef doc, unsigned indent) {
  // Formatting prints `///` lines as the comments they are.
  if (doc.empty() || formatting())
    return;
  llvm::SmallVector<llvm::StringRef, 4> lines;
  doc.split(lines, '\n');
  for (llvm::StringRef line : lines) {
    indentTo(indent);
    out += "///";
    if (!line.empty())
      out += " " + line.str();
    out += '\n';
  }
}

void Printer::block(const BlockStmt &b, unsigned indent) {
  out += "{\n";
  for (const StmtPtr &s : b.body)
    stmt(*s, indent + 2);
  commentsBefore(b.endLoc, indent + 2);
  indentTo(indent);
  out += '}';
}

void Printer::expr(const Expr &e) {
  // A binary expression's location is its operator: its operands print the
  // comments before them.
  if (!llvm::isa<BinaryExpr>(e) ||
      cast<BinaryExpr>(e).op == BinaryOp::Min ||
      cast<BinaryExpr>(e).op == BinaryOp::Max)
    commentsBefore(e.loc, exprIndent);
  llvm::raw_string_ostream os(out);
  switch (e.kind) {
  case Expr::Kind::IntLit: {
    auto &lit = cast<IntLit>(e);
    if (formatting() && literalSpelling(lit)) // keeps 1_000_000 as written
      return;
    if (lit.hex)
      os << llvm::format("0x%X", lit.value);
    else
      os << lit.value;
    return;
  }
  case Expr::Kind::BoolLit:
    os << (cast<BoolLit>(e).value ? "true" : "false");
    return;
  case Expr::Kind::Name:
    os << cast<NameExpr>(e).name;
    return;
  case Expr::Kind::Member: {
    auto &m = cast<MemberExpr>(e);
    os << m.group << '.' << m.member;
    return;
  }
  case Expr::Kind::Unary: {
    auto &u = cast<UnaryExpr>(e);
    os << spelling(u.op);
    os.flush();
    operand(*u.operand, 10);
    return;
  }
  case Expr::Kind::Binary: {
    auto &b = cast<BinaryExpr>(e);
    if (b.op == BinaryOp::Min || b.op == BinaryOp::Max) {
      os << spelling(b.op) << '(';
      os.flush();
      expr(*b.lhs);
      out += ", ";
      expr(*b.rhs);
      out += ')';
      return;
    }
    unsigned p = precedence(b.op);
    // Left-associative: an equal-precedence left operand needs no parens,
    // except comparisons, which do not chain.
    operand(*b.lhs, isComparison(b.op) ? p + 1 : p);
    out += " " + spelling(b.op).str() + " ";
    operand(*b.rhs, p + 1);
    return;
  }
  case Expr::Kind::Select: {
    auto &s = cast<SelectExpr>(e);
    out += "select(";
    expr(*s.cond);
    out += ", ";
    expr(*s.ifTrue);
    out += ", ";
    expr(*s.ifFalse);
    out += ')';
    return;
  }
  case Expr::Kind::Load: {
    auto &l = cast<LoadExpr>(e);
    bufferRef(l.buffer, *l.index);
    return;
  }
  case Expr::Kind::Atomic: {
    auto &a = cast<AtomicExpr>(e);
    out += spelling(a.op).str() + "(";
    bufferRef(a.buffer, *a.index);
    for (const ExprPtr &x : a.operands) {
      out += ", ";
      expr(*x);
    }
    if (a.order != MemoryOrder::Relaxed)
      out += ", " + spelling(a.order).str();
    out += ')';
    return;
  }
  }
}

void Printer::stmt(const Stmt &s, unsigned indent) {
  commentsBefore(s.loc, indent);
  blankLineIfSource(s.loc);
  indentTo(indent);
  exprIndent = indent;
  switch (s.kind) {
  case Stmt::Kind::Let: {
    auto &l = cast<LetStmt>(s);
    out += (l.decl.isMutable ? "var " : "let ") + l.decl.name + " = ";
    expr(*l.init);
    out += ";\n";
    return;
  }
  case Stmt::Kind::Assign: {
    auto &a = cast<AssignStmt>(s);
    out += a.name + " = ";
    expr(*a.value);
    out += ";\n";
    return;
  }
  case Stmt::Kind::Store: {
    auto &st = cast<StoreStmt>(s);
    bufferRef(st.buffer, *st.index);
    out += " = ";
    expr(*st.value);
    out += ";\n";
    return;
  }
  case Stmt::Kind::If: {
    const IfStmt *i = &cast<IfStmt>(s);
    while (true) {
      out += "if ";
      exprIndent = indent;
      expr(*i->cond);
      out += ' ';
      block(*i->thenBlock, indent);
      if (!i->elseStmt)
        break;
      out += " else ";
      if (auto *elif = dyn_cast<IfStmt>(i->elseStmt.get())) {
        i = elif;
        continue;
      }
      block(cast<BlockStmt>(*i->elseStmt), indent);
      break;
    }
    out += '\n';
    return;
  }
  case Stmt::Kind::For: {
    auto &f = cast<ForStmt>(s);
    out += "for " + f.var.name + " in ";
    // `..` binds looser than every operator: no operand needs parens.
    expr(*f.lo);
    out += "..";
    expr(*f.hi);
    out += ' ';
    block(*f.body, indent);
    out += '\n';
    return;
  }
  case Stmt::Kind::Break:
    out += "break;\n";
    return;
  case Stmt::Kind::Block:
    block(cast<BlockStmt>(s), indent);
    out += '\n';
    return;
  case Stmt::Kind::ExprStmt:
    expr(*cast<ExprStmt>(s).expr);
    out += ";\n";
    return;
  }
}

void Printer::file(const SourceFile &file) {
  bool first = true;
  SourceFile::Item::Kind prev = SourceFile::Item::Kind::Import;
  for (const SourceFile::Item &item : file.items) {
    // One blank line between items, except between consecutive imports and
    // consecutive consts or buffers, which read as one group.
    bool grouped = !first && item.kind == prev &&
                   (item.kind == SourceFile::Item::Kind::Import ||
                    item.kind == SourceFile::Item::Kind::Const ||
                    item.kind == SourceFile::Item::Kind::Buffer);
    commentsBefore(item.start, 0, /*trailingOnly=*/true); // the previous item's
    if (!first && !grouped)
      out += '\n';
    first = false;
    prev = item.kind;
    commentsBefore(item.start, 0);
    blankLineIfSource(item.start);
    exprIndent = 0;
    switch (item.kind) {
    case SourceFile::Item::Kind::Import:
      out += "import \"";
      // The lexer knows only the escapes \" and \\ and takes every other
      // byte literally, so write_escaped's \t or \000 would not read back.
      for (char c : file.imports[item.index].path) {
        if (c == '"' || c == '\\')
          out += '\\';
        out += c;
      }
      out += '"';
      endItem(item.end);
      break;
    case SourceFile::Item::Kind::Const: {
      const ConstDecl &c = *file.consts[item.index];
      doc(c.doc, 0);
      out += "const " + c.name + " = ";
      expr(*c.init);
      endItem(item.end);
      break;
    }
    case SourceFile::Item::Kind::Buffer: {
      const BufferDecl &b = *file.buffers[item.index];
      doc(b.doc, 0);
      out += "buffer " + b.name + ": " + typeName(b.elementType).str() + "[";
      if (b.size)
        expr(*b.size);
      out += "] ";
      out += b.access == Access::Read ? "read" : "read_write";
      if (b.atomic)
        out += " atomic";
      if (b.set) {
        out += " @set(";
        expr(*b.set);
        out += ')';
      }
      out += " @binding(";
      expr(*b.binding);
      out += ')';
      endItem(item.end);
      break;
    }
    case SourceFile::Item::Kind::Protocol:
      out += "protocol";
      if (formatting()) // the comments before '{' are no entry's doc
        commentsBefore(tokenAfter(item.start.getPointer() + 8), 0);
      out += out.back() == ' ' ? "{\n" : " {\n";
      for (const ProtocolEntry &e : file.protocolBlocks[item.index]) {
        commentsBefore(e.loc, 2);
        blankLineIfSource(e.loc);
        doc(e.doc, 2);
        out += "  " + e.group + '.' + e.key + " = ";
        exprIndent = 2;
        expr(*e.value);
        endItem(e.end);
      }
      commentsBefore(item.end, 2);
      out += "}\n";
      break;
    case SourceFile::Item::Kind::Handler: {
      const HandlerDecl &h = *file.handlers[item.index];
      doc(h.doc, 0);
      out += "handler " + h.name + " = ";
      expr(*h.opcode);
      out += ' ';
      block(*h.body, 0);
      out += '\n';
      break;
    }
    }
  }
  commentsBefore(llvm::SMLoc(), 0); // the comments after the last item
}

} // namespace

void vyre::printExpr(const Expr &e, llvm::raw_ostream &os) {
  Printer p;
  p.expr(e);
  os << p.out;
}

void vyre::printStmt(const Stmt &s, llvm::raw_ostream &os, unsigned indent) {
  Printer p;
  p.stmt(s, indent);
  os << p.out;
}

void vyre::printSourceFile(const SourceFile &file, llvm::raw_ostream &os) {
  Printer p;
  p.file(file);
  os << p.out;
}

void vyre::formatSourceFile(const SourceFile &file, llvm::raw_ostream &os) {
  Printer p(&file);
  p.file(file);
  // The file's conventions stay: its byte-order mark, and CRLF line endings
  // where its first line ends with one (the printer writes LF).
  llvm::StringRef text = file.text;
  if (file.utf8Bom || text.startswith(kUtf8Bom))
    os << kUtf8Bom;
  size_t firstLf = text.find('\n');
  if (firstLf == llvm::StringRef::npos || firstLf == 0 ||
      text[firstLf - 1] != '\r') {
    os << p.out;
    return;
  }
  for (char c : p.out) {
    if (c == '\n')
      os << '\r';
    os << c;
  }
}
