// The harness fails on WGSL that Tint rejects: exit code 1, and Tint's
// message located as file:line:col, as a compiler writes it.
// REQUIRES: webgpu
// RUN: %expect-exit 1 %wgsl-check %s 2>/dev/null
// RUN: not %wgsl-check %s 2>&1 | FileCheck %s
// CHECK: type-error.wgsl:[[# @LINE + 7]]:19: error: cannot convert value of type 'abstract-float' to type 'u32'
// CHECK-NOT: error

@group(0) @binding(0) var<storage, read_write> counts: array<atomic<u32>>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let step: u32 = 1.5;
  atomicAdd(&counts[gid.x], step);
}
