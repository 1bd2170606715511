//===- IR.h - vyre's typed tree IR ---------------------------------------===//
//
// The parser builds this tree and every later stage reads it. It mirrors
// vyre's own `Expr`/`Node` (vyre_foundation::ir): expressions are side-effect
// free except atomics; statements are let/var/assign/store/if/for/break/
// block/expression. Every node carries the source location it came from.
// Sema fills in types, resolved declarations and constant values in place.
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_IR_IR_H
#define VYRE_IR_IR_H

#include "vyre/IR/NodeAllocator.h"
#include "vyre/Protocol/Protocol.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Casting.h"
#include "llvm/Support/SMLoc.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vyre {

enum class Type : uint8_t { Unknown, U32, Bool, Void };
llvm::StringRef typeName(Type t);

enum class BinaryOp : uint8_t {
  Add, Sub, Mul, Div, Rem,
  BitAnd, BitOr, BitXor, Shl, Shr,
  Eq, Ne, Lt, Le, Gt, Ge,
  LogicalAnd, LogicalOr,
  Min, Max, // written as calls: min(a, b), max(a, b)
};
enum class UnaryOp : uint8_t { BitNot, LogicalNot };

enum class AtomicOp : uint8_t {
  Load, Store, Add, Sub, And, Or, Xor, Min, Max, Exchange, CompareExchange,
};
enum class MemoryOrder : uint8_t { Relaxed, Acquire, Release, AcqRel, SeqCst };

/// True if \p s is one vyre identifier, `[A-Za-z_][A-Za-z0-9_]*` (e.g. a
/// -D NAME).
bool isIdentifier(llvm::StringRef s);

llvm::StringRef spelling(BinaryOp op);
llvm::StringRef spelling(UnaryOp op);
llvm::StringRef spelling(AtomicOp op);   // "atomic_add", ...
llvm::StringRef spelling(MemoryOrder o); // "relaxed", ...
/// Number of value operands after the `buf[i]` place (store: 1, cas: 2).
unsigned atomicValueOperands(AtomicOp op);
bool isComparison(BinaryOp op);
bool isLogical(BinaryOp op);
/// Binding strength, 1 (`||`) to 9 (`* / %`); Rust's order, so comparisons
/// bind looser than the bitwise operators. Comparisons do not chain.
unsigned precedence(BinaryOp op);

struct BufferDecl;
struct LocalDecl;
struct ConstDecl;
struct HandlerDecl;

//===-- Expressions -------------------------------------------------------===//

struct Expr {
  enum class Kind : uint8_t {
    IntLit, BoolLit, Name, Member, Unary, Binary, Select, Load, Atomic,
  };
  const Kind kind;
  Type type = Type::Unknown; // set by Sema
  /// Height of this tree, a leaf being 1 (set by the parser, which bounds
  /// it by kMaxExprDepth): what the Depth pass builds on.
  uint16_t height = 1;
  llvm::SMLoc loc;
  /// Compile-time value when Sema proved the expression constant.
  std::optional<uint32_t> constValue;
  /// Set by Sema (pass 4): the expression reads a protocol value that is a
  /// specialization constant, directly or through a const. The emitter
  /// keeps such an expression symbolic instead of folding it to a literal,
  /// so a host that specializes the constant changes it too.
  bool tunable = false;

  virtual ~Expr() = default;
  // Nodes come from the recycling node allocator (NodeAllocator.h).
  static void *operator new(std::size_t size) { return allocateNode(size); }
  static void operator delete(void *p, std::size_t size) {
    deallocateNode(p, size);
  }

protected:
  Expr(Kind k, llvm::SMLoc l) : kind(k), loc(l) {}
};
using ExprPtr = std::unique_ptr<Expr>;

struct IntLit : Expr {
  uint32_t value;
  bool hex = false; // spelled in hex: the printer keeps the radix
  IntLit(llvm::SMLoc l, uint32_t v, bool h = false)
      : Expr(Kind::IntLit, l), value(v), hex(h) {}
  static bool classof(const Expr *e) { return e->kind == Kind::IntLit; }
};

struct BoolLit : Expr {
  bool value;
  BoolLit(llvm::SMLoc l, bool v) : Expr(Kind::BoolLit, l), value(v) {}
  static bool classof(const Expr *e) { return e->kind == Kind::BoolLit; }
};

/// What a plain name refers to once resolved.
enum class NameTarget : uint8_t { Unresolved, Local, Const, Input };

/// The handler's implicit read-only inputs, as in vyre's handlers.rs
/// (HandlerInputs.def, their one list).
enum class HandlerInput : uint8_t {
#define HANDLER_INPUT(E, S) E,
#include "vyre/IR/HandlerInputs.def"
};
inline constexpr unsigned kNumHandlerInputs = 0
#define HANDLER_INPUT(E, S) +1
#include "vyre/IR/HandlerInputs.def"
    ;
/// Every input, in HandlerInput's order.
inline constexpr HandlerInput kHandlerInputs[] = {
#define HANDLER_INPUT(E, S) HandlerInput::E,
#include "vyre/IR/HandlerInputs.def"
};
/// The order in which handler_NAME and dispatch_op take the inputs as
/// parameters: handler_NAME(slot_base, opcode, arg0, arg1, arg2).
inline constexpr HandlerInput kHandlerParameterOrder[kNumHandlerInputs] = {
    HandlerInput::SlotBase, HandlerInput::Opcode, HandlerInput::Arg0,
    HandlerInput::Arg1, HandlerInput::Arg2};
/// \p in's position in kHandlerParameterOrder.
constexpr unsigned parameterIndex(HandlerInput in) {
  unsigned i = 0;
  while (i < kNumHandlerInputs && kHandlerParameterOrder[i] != in)
    ++i;
  return i;
}
llvm::StringRef spelling(HandlerInput in);
/// The input a handler body names \p name, if any.
std::optional<HandlerInput> lookupHandlerInput(llvm::StringRef name);

struct NameExpr : Expr {
  std::string name;
  NameTarget target = NameTarget::Unresolved;
  LocalDecl *local = nullptr;
  ConstDecl *constant = nullptr;
  HandlerInput input = HandlerInput::Opcode;
  NameExpr(llvm::SMLoc l, std::string n) : Expr(Kind::Name, l), name(std::move(n)) {}
  static bool classof(const Expr *e) { return e->kind == Kind::Name; }
};

/// What a `group.NAME` refers to once resolved.
enum class MemberTarget : uint8_t { Unresolved, Protocol, Opcode };

/// `group.NAME`: a protocol value (`control.SHUTDOWN`) or a handler's
/// opcode (`opcode.STORE_U32`). Always a compile-time constant.
struct MemberExpr : Expr {
  std::string group, member;
  llvm::SMLoc memberLoc;
  // Set by Sema (the Names pass); later stages read these, never the names.
  MemberTarget target = MemberTarget::Unresolved;
  PV protocol = PV::NumValues;     // target Protocol
  HandlerDecl *handler = nullptr;  // target Opcode
  MemberExpr(llvm::SMLoc l, std::string g, std::string m, llvm::SMLoc ml)
      : Expr(Kind::Member, l), group(std::move(g)), member(std::move(m)),
        memberLoc(ml) {}
  static bool classof(const Expr *e) { return e->kind == Kind::Member; }
};

struct UnaryExpr : Expr {
  UnaryOp op;
  ExprPtr operand;
  UnaryExpr(llvm::SMLoc l, UnaryOp o, ExprPtr x)
      : Expr(Kind::Unary, l), op(o), operand(std::move(x)) {}
  static bool classof(const Expr *e) { return e->kind == Kind::Unary; }
};

struct BinaryExpr : Expr {
  BinaryOp op;
  ExprPtr lhs, rhs;
  BinaryExpr(llvm::SMLoc l, BinaryOp o, ExprPtr a, ExprPtr b)
      : Expr(Kind::Binary, l), op(o), lhs(std::move(a)), rhs(std::move(b)) {}
  static bool classof(const Expr *e) { return e->kind == Kind::Binary; }
};

struct SelectExpr : Expr {
  ExprPtr cond, ifTrue, ifFalse;
  SelectExpr(llvm::SMLoc l, ExprPtr c, ExprPtr t, ExprPtr f)
      : Expr(Kind::Select, l), cond(std::move(c)), ifTrue(std::move(t)),
        ifFalse(std::move(f)) {}
  static bool classof(const Expr *e) { return e->kind == Kind::Select; }
};

/// A buffer word named as `buf[index]`: the place loads, stores and atomics
/// work on.
struct BufferRef {
  std::string name;
  llvm::SMLoc loc;
  BufferDecl *decl = nullptr; // set by Sema
};

struct LoadExpr : Expr {
  BufferRef buffer;
  ExprPtr index;
  LoadExpr(llvm::SMLoc l, BufferRef b, ExprPtr i)
      : Expr(Kind::Load, l), buffer(std::move(b)), index(std::move(i)) {}
  static bool classof(const Expr *e) { return e->kind == Kind::Load; }
};

struct AtomicExpr : Expr {
  AtomicOp op;
  BufferRef buffer;
  ExprPtr index;
  std::vector<ExprPtr> operands; // value (store, rmw) or expected, desired
  MemoryOrder order = MemoryOrder::Relaxed;
  bool explicitOrder = false;
  llvm::SMLoc orderLoc;
  AtomicExpr(llvm::SMLoc l, AtomicOp o, BufferRef b, ExprPtr i)
      : Expr(Kind::Atomic, l), op(o), buffer(std::move(b)), index(std::move(i)) {}
  static bool classof(const Expr *e) { return e->kind == Kind::Atomic; }
};

//===-- Statements --------------------------------------------------------===//

struct Stmt {
  enum class Kind : uint8_t { Let, Assign, Store, If, For, Break, Block, ExprStmt };
  const Kind kind;
  llvm::SMLoc loc;
  virtual ~Stmt() = default;
  static void *operator new(std::size_t size) { return allocateNode(size); }
  static void operator delete(void *p, std::size_t size) {
    deallocateNode(p, size);
  }

protected:
  Stmt(Kind k, llvm::SMLoc l) : kind(k), loc(l) {}
};
using StmtPtr = std::unique_ptr<Stmt>;

/// A local: `let`/`var` bindings and `for` induction variables.
struct LocalDecl {
  std::string name;
  llvm::SMLoc loc;
  bool isMutable = false;
  bool isInduction = false;
  Type type = Type::Unknown;
};

struct LetStmt : Stmt {
  LocalDecl decl;
  ExprPtr init;
  LetStmt(llvm::SMLoc l, std::string name, llvm::SMLoc nameLoc, bool isVar,
          ExprPtr i)
      : Stmt(Kind::Let, l), init(std::move(i)) {
    decl.name = std::move(name);
    decl.loc = nameLoc;
    decl.isMutable = isVar;
  }
  static bool classof(const Stmt *s) { return s->kind == Kind::Let; }
};

struct AssignStmt : Stmt {
  std::string name;
  llvm::SMLoc nameLoc;
  LocalDecl *target = nullptr; // set by Sema
  ExprPtr value;
  AssignStmt(llvm::SMLoc l, std::string n, ExprPtr v)
      : Stmt(Kind::Assign, l), name(std::move(n)), nameLoc(l), value(std::move(v)) {}
  static bool classof(const Stmt *s) { return s->kind == Kind::Assign; }
};

struct StoreStmt : Stmt {
  BufferRef buffer;
  ExprPtr index, value;
  StoreStmt(llvm::SMLoc l, BufferRef b, ExprPtr i, ExprPtr v)
      : Stmt(Kind::Store, l), buffer(std::move(b)), index(std::move(i)),
        value(std::move(v)) {}
  static bool classof(const Stmt *s) { return s->kind == Kind::Store; }
};

struct BlockStmt : Stmt {
  std::vector<StmtPtr> body;
  llvm::SMLoc endLoc; // the closing brace
  explicit BlockStmt(llvm::SMLoc l) : Stmt(Kind::Block, l) {}
  static bool classof(const Stmt *s) { return s->kind == Kind::Block; }
};
using BlockPtr = std::unique_ptr<BlockStmt>;

struct IfStmt : Stmt {
  ExprPtr cond;
  BlockPtr thenBlock;
  StmtPtr elseStmt; // null, a BlockStmt, or an IfStmt (`else if`)
  IfStmt(llvm::SMLoc l, ExprPtr c, BlockPtr t, StmtPtr e)
      : Stmt(Kind::If, l), cond(std::move(c)), thenBlock(std::move(t)),
        elseStmt(std::move(e)) {}
  static bool classof(const Stmt *s) { return s->kind == Kind::If; }
};

/// `for i in lo..hi { ... }`: i counts from lo while i < hi; both bounds are
/// evaluated once, before the first iteration.
struct ForStmt : Stmt {
  LocalDecl var;
  ExprPtr lo, hi;
  BlockPtr body;
  ForStmt(llvm::SMLoc l, std::string name, llvm::SMLoc nameLoc, ExprPtr a,
          ExprPtr b, BlockPtr blk)
      : Stmt(Kind::For, l), lo(std::move(a)), hi(std::move(b)), body(std::move(blk)) {
    var.name = std::move(name);
    var.loc = nameLoc;
    var.isInduction = true;
  }
  static bool classof(const Stmt *s) { return s->kind == Kind::For; }
};

struct BreakStmt : Stmt {
  explicit BreakStmt(llvm::SMLoc l) : Stmt(Kind::Break, l) {}
  static bool classof(const Stmt *s) { return s->kind == Kind::Break; }
};

/// An expression evaluated for its effect: only atomics are allowed here.
struct ExprStmt : Stmt {
  ExprPtr expr;
  ExprStmt(llvm::SMLoc l, ExprPtr e) : Stmt(Kind::ExprStmt, l), expr(std::move(e)) {}
  static bool classof(const Stmt *s) { return s->kind == Kind::ExprStmt; }
};

//===-- Items -------------------------------------------------------------===//

struct ImportDecl {
  std::string path;
  llvm::SMLoc loc;
  unsigned resolvedFile = 0; // index into Module::files, set by the loader
};

struct ConstDecl {
  std::string name;
  llvm::SMLoc loc;
  ExprPtr init;
  std::optional<uint32_t> value; // set by Sema
  std::string doc;
};

enum class Access : uint8_t { Read, ReadWrite };

struct BufferDecl {
  std::string name;
  llvm::SMLoc loc;
  Type elementType = Type::U32;
  llvm::SMLoc elementTypeLoc;
  ExprPtr size;    // null: runtime-sized
  ExprPtr set;     // null: set 0
  ExprPtr binding; // required
  Access access = Access::ReadWrite;
  bool atomic = false;
  std::string doc;
  // Evaluated by Sema.
  std::optional<uint32_t> sizeValue;
  uint32_t setValue = 0, bindingValue = 0;
};

/// One `group.KEY = expr;` line of a `protocol { ... }` block.
struct ProtocolEntry {
  std::string group, key;
  llvm::SMLoc loc, end; // its first token and its ';'
  ExprPtr value;
  std::string doc;
  std::optional<uint32_t> evaluated; // set by Sema
};

struct HandlerDecl {
  std::string name;
  llvm::SMLoc loc;
  ExprPtr opcode;
  BlockPtr body;
  std::string doc; // `///` lines before the handler
  std::optional<uint32_t> opcodeValue; // set by Sema
  bool fromPrelude = false;
};

/// One parsed `.vyre` file. Items keep their source order so the printer can
/// reproduce the file.
struct SourceFile {
  std::string path;     // as given or resolved
  unsigned bufferId = 0;
  bool isPrelude = false;
  struct Item {
    enum class Kind : uint8_t { Import, Const, Buffer, Protocol, Handler } kind;
    unsigned index; // into the vector of that kind
    llvm::SMLoc start, end; // its first token and its last (';' or '}')
  };
  std::vector<Item> items;
  std::vector<ImportDecl> imports;
  std::vector<std::unique_ptr<ConstDecl>> consts;
  std::vector<std::unique_ptr<BufferDecl>> buffers;
  std::vector<std::vector<ProtocolEntry>> protocolBlocks;
  std::vector<std::unique_ptr<HandlerDecl>> handlers;
  /// The height of the tallest expression tree in the file (Expr::height),
  /// set by the parser; ~0u when unknown (a tree built some other way).
  unsigned tallestExpr = ~0u;
  /// Trivia for the formatter: the source text, and every comment (`//`,
  /// `///`, `/* */`) in source order; formatSourceFile puts each one back
  /// before the node that follows it. Both point into the SourceMgr buffer.
  llvm::StringRef text;
  std::vector<llvm::StringRef> comments;
  /// The file began with a UTF-8 byte-order mark, which the loader took out
  /// of its buffer (so columns count from after it); the formatter puts it
  /// back.
  bool utf8Bom = false;
};

/// The UTF-8 byte-order mark: skipped at the start of a file, as clang, gcc
/// and rustc do (the loader drops it from the buffer, the lexer skips it in
/// a buffer that still has it), and kept by the formatter.
constexpr llvm::StringLiteral kUtf8Bom = "\xEF\xBB\xBF";

/// Everything one compilation sees: the prelude, the root file and every
/// file they import, in dependency order (a file after all it imports).
struct Module {
  std::vector<std::unique_ptr<SourceFile>> files;
  unsigned rootFile = 0;
};

} // namespace vyre

#endif
