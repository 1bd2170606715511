// Every subgroup operation and built-in value a megakernel's grouped and
// subgroup loops use, in uniform control flow: Tint accepts them once the
// device has the `subgroups` feature (docs/webgpu.md).
// REQUIRES: webgpu-subgroups
// RUN: %wgsl-check --feature subgroups %s
//
// Without the feature, `enable subgroups;` itself is the error.
// RUN: %expect-exit 1 %wgsl-check %s 2>/dev/null
// RUN: not %wgsl-check %s 2>&1 | FileCheck %s --check-prefix=NO-FEATURE
// NO-FEATURE: subgroup-builtins.wgsl:[[# @LINE + 6]]:8: error: extension 'subgroups' is not allowed in the current environment
//
// And without `enable subgroups;`, the first subgroup built-in is.
// RUN: grep -v '^enable subgroups;' %s > %t.wgsl
// RUN: not %wgsl-check --feature subgroups %t.wgsl 2>&1 | FileCheck %s --check-prefix=NO-ENABLE
// NO-ENABLE: error: {{.*}} without extension 'subgroups'
enable subgroups;

@group(0) @binding(0) var<storage, read_write> out: array<u32>;

@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) lid: u32,
        @builtin(subgroup_invocation_id) lane: u32,
        @builtin(subgroup_size) width: u32,
        @builtin(subgroup_id) group: u32,
        @builtin(num_subgroups) groups: u32) {
  let ballot: vec4<u32> = subgroupBallot(lid % 3u == 0u);
  let voters = countOneBits(ballot.x) + countOneBits(ballot.y) + countOneBits(ballot.z) + countOneBits(ballot.w);
  let first = subgroupBroadcastFirst(lid);
  let lane0 = subgroupBroadcast(lid, 0u);
  let sum = subgroupAdd(lid);
  let before = subgroupExclusiveAdd(1u);
  let upto = subgroupInclusiveAdd(1u);
  let low = subgroupMin(lid);
  let high = subgroupMax(lid);
  let bits = subgroupAnd(lid) | subgroupOr(lid);
  let odd = subgroupXor(lid);
  let mirrored = subgroupShuffle(lid, width - 1u - lane);
  let swapped = subgroupShuffleXor(lid, 1u) + subgroupShuffleUp(lid, 1u) + subgroupShuffleDown(lid, 1u);
  let all_set = select(0u, 1u, subgroupAll(lid < 1024u));
  let any_set = select(0u, 1u, subgroupAny(lid == 0u));
  let quad0 = quadBroadcast(lid, 0u);
  out[lid] = voters + first + lane0 + sum + before + upto + low + high + bits + odd + mirrored + swapped
           + all_set + any_set + group + groups + quad0;
  if (subgroupElect()) {
    out[lid] += 1u;
  }
}
