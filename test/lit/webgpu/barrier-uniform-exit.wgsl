// The loop of barrier-uniformity.wgsl made uniform: one invocation reads the
// shared flag into workgroup memory and every invocation leaves through
// workgroupUniformLoad, whose result Tint treats as uniform. Barriers and
// subgroup operations in the loop are then accepted with no diagnostic
// directive.
// REQUIRES: webgpu-subgroups
// RUN: %wgsl-check --feature subgroups %s
//
// workgroupUniformLoad must itself be reached in uniform control flow (the
// barriers and subgroup operations are dropped: Tint reports one
// violation per module, here the last barrier).
// RUN: sed 's|^    // POLL: |    |' %s | grep -v -e Barrier -e ballot > %t.polled.wgsl
// RUN: not %wgsl-check --feature subgroups %t.polled.wgsl 2>&1 | FileCheck %s
// CHECK: error: 'workgroupUniformLoad' must only be called from uniform control flow
// CHECK: note: return value of 'atomicLoad' may be non-uniform
enable subgroups;

@group(0) @binding(0) var<storage, read_write> control: array<atomic<u32>>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;

var<workgroup> stop: atomic<u32>;

@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) lid: u32) {
  loop {
    // POLL: if (atomicLoad(&control[1]) != 0u) { break; }
    if (lid == 0u) { atomicStore(&stop, atomicLoad(&control[0])); }
    if (workgroupUniformLoad(&stop) != 0u) { break; }
    let ballot = subgroupBallot(out[lid] != 0u);
    if (subgroupElect()) { out[lid] = countOneBits(ballot.x); }
    storageBarrier();
    workgroupBarrier();
  }
}
