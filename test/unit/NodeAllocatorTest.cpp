#include "vyre/IR/IR.h"
#include "vyre/IR/NodeAllocator.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <vector>

using namespace vyre;

TEST_CASE("the node allocator recycles storage per size and keeps it aligned") {
  std::vector<void *> blocks;
  for (std::size_t size : {1, 16, 17, 100, 256, 257, 4096}) {
    void *p = allocateNode(size);
    REQUIRE(p);
    CHECK(reinterpret_cast<std::uintptr_t>(p) % 16 == 0);
    std::memset(p, 0xAB, size); // the whole block is usable
    blocks.push_back(p);
  }
  std::size_t i = 0;
  for (std::size_t size : {1, 16, 17, 100, 256, 257, 4096})
    deallocateNode(blocks[i++], size);

  // Nodes of one size class come back in last-in-first-out order.
  void *a = allocateNode(48);
  void *b = allocateNode(48);
  CHECK(a != b);
  deallocateNode(a, 48);
  void *c = allocateNode(40); // same 48-byte class
  if (nodeRecyclingEnabled())
    CHECK(c == a);
  deallocateNode(b, 48);
  deallocateNode(c, 40);
}

TEST_CASE("IR nodes go through the node allocator") {
  // The class operator new/delete pair: build and destroy a small tree.
  ExprPtr e = std::make_unique<BinaryExpr>(
      llvm::SMLoc(), BinaryOp::Add, std::make_unique<IntLit>(llvm::SMLoc(), 1),
      std::make_unique<NameExpr>(llvm::SMLoc(), "a_name_longer_than_sso"));
  CHECK(e->height == 1); // only the parser sets heights
  e.reset();
  StmtPtr s = std::make_unique<BreakStmt>(llvm::SMLoc());
  s.reset();
}
