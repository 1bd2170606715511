// A loop whose only exit is a `break` on an atomicLoad leaves control flow
// uniform again after it: a barrier after the claim loop is accepted. An
// early `return` on the same condition is different: everything after it is
// non-uniform, and the barrier is rejected.
// REQUIRES: webgpu
// RUN: %wgsl-check %s
// RUN: sed 's|^  // RETURN: |  |' %s > %t.return.wgsl
// RUN: not %wgsl-check %t.return.wgsl 2>&1 | FileCheck %s
// CHECK: return.wgsl:[[# @LINE + 12]]:3: error: 'workgroupBarrier' must only be called from uniform control flow
// CHECK: note: return value of 'atomicLoad' may be non-uniform

@group(0) @binding(0) var<storage, read_write> control: array<atomic<u32>>;

@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) lid: u32) {
  loop {
    if (atomicLoad(&control[0]) != 0u) { break; }
    atomicAdd(&control[1 + lid % 4u], 1u);
  }
  // RETURN: if (atomicLoad(&control[2]) != 0u) { return; }
  workgroupBarrier();
  atomicAdd(&control[8], 1u);
}
