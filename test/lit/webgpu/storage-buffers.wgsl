// Nine storage buffers in one compute stage: Tint compiles the module, and
// pipeline creation fails on the device's maxStorageBuffersPerShaderStage (8,
// the WebGPU default and all the null adapter offers). A kernel layout must
// fit eight.
// REQUIRES: webgpu
// RUN: not %wgsl-check %s 2>&1 | FileCheck %s
// CHECK: storage-buffers.wgsl: error: The number of storage buffers (9) in the Compute stage exceeds the maximum per-stage limit (8).
//
// With the `auto` layout, only the buffers the entry point uses count.
// RUN: sed 's/ + b8\[0\]//' %s > %t.unused.wgsl
// RUN: %wgsl-check %t.unused.wgsl
@group(0) @binding(0) var<storage, read_write> b0: array<u32>;
@group(0) @binding(1) var<storage, read_write> b1: array<u32>;
@group(0) @binding(2) var<storage, read_write> b2: array<u32>;
@group(0) @binding(3) var<storage, read_write> b3: array<u32>;
@group(0) @binding(4) var<storage, read_write> b4: array<u32>;
@group(0) @binding(5) var<storage, read_write> b5: array<u32>;
@group(0) @binding(6) var<storage, read_write> b6: array<u32>;
@group(0) @binding(7) var<storage, read_write> b7: array<u32>;
@group(1) @binding(0) var<storage, read> b8: array<u32>;

@compute @workgroup_size(1)
fn main() {
  b0[0] = b1[0] + b2[0] + b3[0] + b4[0] + b5[0] + b6[0] + b7[0] + b8[0];
}
