#include "vyre/IR/Printer.h"

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

void printOperand(const Expr &e, unsigned minPrec, llvm::raw_ostream &os) {
  bool parens = exprPrecedence(e) < minPrec;
  if (parens)
    os << '(';
  printExpr(e, os);
  if (parens)
    os << ')';
}

void printBufferRef(const BufferRef &b, const Expr &index, llvm::raw_ostream &os) {
  os << b.name << '[';
  printExpr(index, os);
  os << ']';
}

void printDoc(llvm::StringRef doc, unsigned indent, llvm::raw_ostream &os) {
  if (doc.empty())
    return;
  llvm::SmallVector<llvm::StringRef, 4> lines;
  doc.split(lines, '\n');
  for (llvm::StringRef line : lines) {
    os.indent(indent) << "///";
    if (!line.empty())
      os << ' ' << line;
    os << '\n';
  }
}

void printBlock(const BlockStmt &b, llvm::raw_ostream &os, unsigned indent) {
  os << "{\n";
  for (const StmtPtr &s : b.body)
    printStmt(*s, os, indent + 2);
  os.indent(indent) << '}';
}

} // namespace

void vyre::printExpr(const Expr &e, llvm::raw_ostream &os) {
  switch (e.kind) {
  case Expr::Kind::IntLit: {
    auto &lit = cast<IntLit>(e);
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
    printOperand(*u.operand, 10, os);
    return;
  }
  case Expr::Kind::Binary: {
    auto &b = cast<BinaryExpr>(e);
    if (b.op == BinaryOp::Min || b.op == BinaryOp::Max) {
      os << spelling(b.op) << '(';
      printExpr(*b.lhs, os);
      os << ", ";
      printExpr(*b.rhs, os);
      os << ')';
      return;
    }
    unsigned p = precedence(b.op);
    // Left-associative: an equal-precedence left operand needs no parens,
    // except comparisons, which do not chain.
    printOperand(*b.lhs, isComparison(b.op) ? p + 1 : p, os);
    os << ' ' << spelling(b.op) << ' ';
    printOperand(*b.rhs, p + 1, os);
    return;
  }
  case Expr::Kind::Select: {
    auto &s = cast<SelectExpr>(e);
    os << "select(";
    printExpr(*s.cond, os);
    os << ", ";
    printExpr(*s.ifTrue, os);
    os << ", ";
    printExpr(*s.ifFalse, os);
    os << ')';
    return;
  }
  case Expr::Kind::Load: {
    auto &l = cast<LoadExpr>(e);
    printBufferRef(l.buffer, *l.index, os);
    return;
  }
  case Expr::Kind::Atomic: {
    auto &a = cast<AtomicExpr>(e);
    os << spelling(a.op) << '(';
    printBufferRef(a.buffer, *a.index, os);
    for (const ExprPtr &x : a.operands) {
      os << ", ";
      printExpr(*x, os);
    }
    if (a.order != MemoryOrder::Relaxed)
      os << ", " << spelling(a.order);
    os << ')';
    return;
  }
  }
}

void vyre::printStmt(const Stmt &s, llvm::raw_ostream &os, unsigned indent) {
  os.indent(indent);
  switch (s.kind) {
  case Stmt::Kind::Let: {
    auto &l = cast<LetStmt>(s);
    os << (l.decl.isMutable ? "var " : "let ") << l.decl.name << " = ";
    printExpr(*l.init, os);
    os << ";\n";
    return;
  }
  case Stmt::Kind::Assign: {
    auto &a = cast<AssignStmt>(s);
    os << a.name << " = ";
    printExpr(*a.value, os);
    os << ";\n";
    return;
  }
  case Stmt::Kind::Store: {
    auto &st = cast<StoreStmt>(s);
    printBufferRef(st.buffer, *st.index, os);
    os << " = ";
    printExpr(*st.value, os);
    os << ";\n";
    return;
  }
  case Stmt::Kind::If: {
    const IfStmt *i = &cast<IfStmt>(s);
    while (true) {
      os << "if ";
      printExpr(*i->cond, os);
      os << ' ';
      printBlock(*i->thenBlock, os, indent);
      if (!i->elseStmt)
        break;
      os << " else ";
      if (auto *elif = dyn_cast<IfStmt>(i->elseStmt.get())) {
        i = elif;
        continue;
      }
      printBlock(cast<BlockStmt>(*i->elseStmt), os, indent);
      break;
    }
    os << '\n';
    return;
  }
  case Stmt::Kind::For: {
    auto &f = cast<ForStmt>(s);
    os << "for " << f.var.name << " in ";
    // `..` binds looser than every operator: no operand needs parens.
    printExpr(*f.lo, os);
    os << "..";
    printExpr(*f.hi, os);
    os << ' ';
    printBlock(*f.body, os, indent);
    os << '\n';
    return;
  }
  case Stmt::Kind::Break:
    os << "break;\n";
    return;
  case Stmt::Kind::Block:
    printBlock(cast<BlockStmt>(s), os, indent);
    os << '\n';
    return;
  case Stmt::Kind::ExprStmt:
    printExpr(*cast<ExprStmt>(s).expr, os);
    os << ";\n";
    return;
  }
}

void vyre::printSourceFile(const SourceFile &file, llvm::raw_ostream &os) {
  bool first = true;
  SourceFile::Item::Kind prev = SourceFile::Item::Kind::Import;
  for (const SourceFile::Item &item : file.items) {
    // One blank line between items, except between consecutive imports and
    // consecutive consts or buffers, which read as one group.
    bool grouped = !first && item.kind == prev &&
                   (item.kind == SourceFile::Item::Kind::Import ||
                    item.kind == SourceFile::Item::Kind::Const ||
                    item.kind == SourceFile::Item::Kind::Buffer);
    if (!first && !grouped)
      os << '\n';
    first = false;
    prev = item.kind;
    switch (item.kind) {
    case SourceFile::Item::Kind::Import:
      os << "import \"";
      // The lexer knows only the escapes \" and \\ and takes every other
      // byte literally, so write_escaped's \t or \000 would not read back.
      for (char c : file.imports[item.index].path) {
        if (c == '"' || c == '\\')
          os << '\\';
        os << c;
      }
      os << "\";\n";
      break;
    case SourceFile::Item::Kind::Const: {
      const ConstDecl &c = *file.consts[item.index];
      printDoc(c.doc, 0, os);
      os << "const " << c.name << " = ";
      printExpr(*c.init, os);
      os << ";\n";
      break;
    }
    case SourceFile::Item::Kind::Buffer: {
      const BufferDecl &b = *file.buffers[item.index];
      printDoc(b.doc, 0, os);
      os << "buffer " << b.name << ": " << typeName(b.elementType) << '[';
      if (b.size)
        printExpr(*b.size, os);
      os << "] " << (b.access == Access::Read ? "read" : "read_write");
      if (b.atomic)
        os << " atomic";
      if (b.set) {
        os << " @set(";
        printExpr(*b.set, os);
        os << ')';
      }
      os << " @binding(";
      printExpr(*b.binding, os);
      os << ");\n";
      break;
    }
    case SourceFile::Item::Kind::Protocol:
      os << "protocol {\n";
      for (const ProtocolEntry &e : file.protocolBlocks[item.index]) {
        printDoc(e.doc, 2, os);
        os << "  " << e.group << '.' << e.key << " = ";
        printExpr(*e.value, os);
        os << ";\n";
      }
      os << "}\n";
      break;
    case SourceFile::Item::Kind::Handler: {
      const HandlerDecl &h = *file.handlers[item.index];
      printDoc(h.doc, 0, os);
      os << "handler " << h.name << " = ";
      printExpr(*h.opcode, os);
      os << ' ';
      printBlock(*h.body, os, 0);
      os << '\n';
      break;
    }
    }
  }
}
