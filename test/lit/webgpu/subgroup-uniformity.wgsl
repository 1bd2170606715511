// A subgroup operation inside a loop whose exit depends on an atomicLoad (a
// claim loop polling a shared flag) is outside subgroup-uniform control flow
// to Tint's uniformity analysis: an error under the `subgroup_uniformity`
// rule (error by default). `diagnostic(off, subgroup_uniformity);` accepts
// it; `derivative_uniformity` is not the rule that governs it.
// REQUIRES: webgpu-subgroups
// RUN: %expect-exit 1 %wgsl-check --feature subgroups %s 2>/dev/null
// RUN: not %wgsl-check --feature subgroups %s 2>&1 | FileCheck %s
// Tint reports one uniformity violation per module (here the subgroupElect
// call; the ballot and the scan above it are as non-uniform): CHECK lines
// beside the loop.
//
// RUN: sed 's/^diagnostic(error, subgroup_uniformity);/diagnostic(off, subgroup_uniformity);/' %s > %t.off.wgsl
// RUN: %wgsl-check --feature subgroups %t.off.wgsl
// RUN: sed 's/^diagnostic(error, subgroup_uniformity);/diagnostic(off, derivative_uniformity);/' %s > %t.derivative.wgsl
// RUN: not %wgsl-check --feature subgroups %t.derivative.wgsl 2>&1 | FileCheck %s --check-prefix=DERIVATIVE
// DERIVATIVE: error: 'subgroupElect' must only be called from subgroup uniform control flow
//
// As a warning, it is printed and the shader passes (WARNING beside the loop).
// RUN: sed 's/^diagnostic(error, subgroup_uniformity);/diagnostic(warning, subgroup_uniformity);/' %s > %t.warning.wgsl
// RUN: %wgsl-check --feature subgroups %t.warning.wgsl 2>&1 | FileCheck %s --check-prefix=WARNING
//
// The attribute form, on the loop statement, accepts it too.
// RUN: sed 's/^  loop {/  @diagnostic(off, subgroup_uniformity) loop {/' %s > %t.attribute.wgsl
// RUN: %wgsl-check --feature subgroups %t.attribute.wgsl
//
// Broadcasting the loaded flag from the first lane does not make the exit
// uniform to the analysis.
// RUN: sed 's/if (atomicLoad(&control\[0\]) != 0u)/if (subgroupBroadcastFirst(atomicLoad(\&control[0])) != 0u)/' %s > %t.broadcast.wgsl
// RUN: not %wgsl-check --feature subgroups %t.broadcast.wgsl 2>&1 | FileCheck %s --check-prefix=BROADCAST
// BROADCAST: error: 'subgroupElect' must only be called from subgroup uniform control flow
// BROADCAST: note: return value of 'atomicLoad' may be non-uniform
//
// The directives need no `enable subgroups;`; an unknown rule is a warning.
// RUN: printf 'diagnostic(off, subgroup_uniformity);\ndiagnostic(warning, no_such_rule);\n@compute @workgroup_size(1) fn main() {}\n' > %t.plain.wgsl
// RUN: %wgsl-check %t.plain.wgsl 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: plain.wgsl:2:21: warning: unrecognized diagnostic rule 'no_such_rule'
enable subgroups;
diagnostic(error, subgroup_uniformity);

@group(0) @binding(0) var<storage, read_write> control: array<atomic<u32>>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;

@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) lid: u32) {
  // CHECK:      subgroup-uniformity.wgsl:[[# @LINE + 9]]:9: error: 'subgroupElect' must only be called from subgroup uniform control flow
  // CHECK-NEXT: subgroup-uniformity.wgsl:[[# @LINE + 5]]:5: note: control flow depends on possibly non-uniform value
  // CHECK-NEXT: subgroup-uniformity.wgsl:[[# @LINE + 4]]:9: note: return value of 'atomicLoad' may be non-uniform
  // CHECK-NOT:  error
  // WARNING:    warning.wgsl:[[# @LINE + 5]]:9: warning: 'subgroupElect' must only be called from subgroup uniform control flow
  loop {
    if (atomicLoad(&control[0]) != 0u) { break; }
    let b = subgroupBallot(true);
    let before = subgroupExclusiveAdd(1u);
    if (subgroupElect()) {
      out[lid] = countOneBits(b.x) + before;
    }
  }
}
