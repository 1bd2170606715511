// workgroupBarrier and storageBarrier inside a loop whose exit depends on an
// atomicLoad: Tint rejects them, and no diagnostic rule turns that off
// (`diagnostic(off, subgroup_uniformity)` governs subgroup operations only).
// barrier-uniform-exit.wgsl is the form Tint accepts.
// REQUIRES: webgpu
// RUN: %expect-exit 1 %wgsl-check %s 2>/dev/null
// RUN: not %wgsl-check %s 2>&1 | FileCheck %s
// CHECK:      barrier-uniformity.wgsl:[[# @LINE + 19]]:5: error: 'workgroupBarrier' must only be called from uniform control flow
// CHECK-NEXT: barrier-uniformity.wgsl:[[# @LINE + 15]]:5: note: control flow depends on possibly non-uniform value
// CHECK-NEXT: barrier-uniformity.wgsl:[[# @LINE + 14]]:9: note: return value of 'atomicLoad' may be non-uniform
// CHECK-NOT:  error
//
// RUN: grep -v workgroupBarrier %s > %t.storage.wgsl
// RUN: not %wgsl-check %t.storage.wgsl 2>&1 | FileCheck %s --check-prefix=STORAGE
// STORAGE: error: 'storageBarrier' must only be called from uniform control flow
diagnostic(off, subgroup_uniformity);

@group(0) @binding(0) var<storage, read_write> control: array<atomic<u32>>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;

@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) lid: u32) {
  loop {
    if (atomicLoad(&control[0]) != 0u) { break; }
    out[lid] += 1u;
    storageBarrier();
    workgroupBarrier();
  }
}
