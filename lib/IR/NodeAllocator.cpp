//===- NodeAllocator.cpp - recycling storage for IR nodes -----------------===//
#include "vyre/IR/NodeAllocator.h"

#include "llvm/Support/Compiler.h"

#include <cstdint>
#include <mutex>
#include <new>
#include <vector>

using namespace vyre;

// Under AddressSanitizer every node gets its own allocation, so a
// use-after-free of a node is still caught.
#if defined(__SANITIZE_ADDRESS__)
#define VYRE_NODE_POOL 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VYRE_NODE_POOL 0
#endif
#endif
#ifndef VYRE_NODE_POOL
#define VYRE_NODE_POOL 1
#endif

namespace {

constexpr std::size_t kGranule = 16;  // sizes round up to this
constexpr std::size_t kMaxSmall = 256; // larger sizes go to ::operator new
constexpr std::size_t kClasses = kMaxSmall / kGranule;
constexpr std::size_t kSlabBytes = 64 * 1024;

struct FreeNode {
  FreeNode *next;
};

/// Slabs live until the process ends (they stay reachable from here, so a
/// leak checker sees no leak); a free list may hand a slab's memory to any
/// thread.
struct SlabRegistry {
  std::mutex lock;
  std::vector<void *> slabs;
  void *newSlab() {
    void *p = ::operator new(kSlabBytes);
    std::lock_guard<std::mutex> g(lock);
    slabs.push_back(p);
    return p;
  }
};

SlabRegistry &registry() {
  static SlabRegistry *r = new SlabRegistry; // never destroyed: nodes may outlive statics
  return *r;
}

/// Per-thread state: no locking on the hot path.
struct ThreadPool {
  FreeNode *freeLists[kClasses] = {};
  char *bump = nullptr, *bumpEnd = nullptr;

  void *allocate(std::size_t cls) {
    if (FreeNode *n = freeLists[cls]) {
      freeLists[cls] = n->next;
      return n;
    }
    std::size_t bytes = (cls + 1) * kGranule;
    if (LLVM_UNLIKELY(static_cast<std::size_t>(bumpEnd - bump) < bytes))
      refill();
    void *p = bump;
    bump += bytes;
    return p;
  }
  /// Out of line, so the common path saves no registers.
  LLVM_ATTRIBUTE_NOINLINE void refill() {
    bump = static_cast<char *>(registry().newSlab());
    bumpEnd = bump + kSlabBytes;
  }
  void deallocate(void *p, std::size_t cls) {
    auto *n = static_cast<FreeNode *>(p);
    n->next = freeLists[cls];
    freeLists[cls] = n;
  }
};

thread_local ThreadPool pool; // trivially destructible: no TLS destructor

std::size_t sizeClass(std::size_t size) {
  return (size + kGranule - 1) / kGranule - 1;
}

} // namespace

bool vyre::nodeRecyclingEnabled() { return VYRE_NODE_POOL; }

void *vyre::allocateNode(std::size_t size) {
  if (!VYRE_NODE_POOL || size == 0 || size > kMaxSmall)
    return ::operator new(size);
  return pool.allocate(sizeClass(size));
}

void vyre::deallocateNode(void *p, std::size_t size) noexcept {
  if (!p)
    return;
  if (!VYRE_NODE_POOL || size == 0 || size > kMaxSmall) {
    ::operator delete(p);
    return;
  }
  pool.deallocate(p, sizeClass(size));
}
