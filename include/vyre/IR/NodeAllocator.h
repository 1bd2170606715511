//===- NodeAllocator.h - recycling storage for IR nodes -----------------===//
//
// Expr and Stmt nodes are small, many (about 150 per handler) and all of a
// few sizes: malloc and free were a fifth of a compile. Their class
// operator new/delete take memory from here instead: per-size free lists
// over slabs that are never returned, so an allocation is a pointer pop
// and a free a pointer push. Ownership stays as it is (unique_ptr); only
// where the bytes come from changes.
//
//===----------------------------------------------------------------------===//
#ifndef VYRE_IR_NODEALLOCATOR_H
#define VYRE_IR_NODEALLOCATOR_H

#include <cstddef>

namespace vyre {

/// Storage for one node of \p size bytes (any size; the small ones, every
/// IR node, are recycled).
void *allocateNode(std::size_t size);
/// Gives back storage from allocateNode(\p size).
void deallocateNode(void *p, std::size_t size) noexcept;
/// False under AddressSanitizer, where every node is its own allocation so
/// that a use after free is still caught.
bool nodeRecyclingEnabled();

} // namespace vyre

#endif
