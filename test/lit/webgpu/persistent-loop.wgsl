// A hand-written claim loop of the shape vyrec's WGSL megakernel takes: a
// ring of atomic slots in a storage buffer, a loop that claims slots with
// compare-exchange until the ring is drained, and a workgroup size that the
// host sets through an override constant. Tint must accept it.
// REQUIRES: webgpu
// RUN: %wgsl-check %s
// RUN: %wgsl-check --entry main --override 0=256 %s
//
// An override declared with @id(N) is set by its id, not by its name.
// RUN: %expect-exit 1 %wgsl-check --override wg=128 %s 2>/dev/null
// RUN: not %wgsl-check --override wg=128 %s 2>&1 | FileCheck %s --check-prefix=BY-NAME
// BY-NAME: persistent-loop.wgsl: error: Pipeline overridable constant "{{.*}}wg{{.*}}" not found
//
// The workgroup size is checked against the device's limits when the
// pipeline is created, with the override's value.
// RUN: not %wgsl-check --override 0=257 %s 2>&1 | FileCheck %s --check-prefix=TOO-WIDE
// TOO-WIDE: persistent-loop.wgsl: error: Entry-point uses workgroup_size(257, 1, 1) that exceeds the maximum allowed (256, 256, 64).
// RUN: not %wgsl-check --override 0=0 %s 2>&1 | FileCheck %s --check-prefix=ZERO
// ZERO: error: @workgroup_size values must be greater than 0
//
// Atomics in storage need read_write access.
// RUN: sed 's/var<storage, read_write> ring/var<storage, read> ring/' %s > %t.read.wgsl
// RUN: not %wgsl-check %t.read.wgsl 2>&1 | FileCheck %s --check-prefix=READ-ONLY
// READ-ONLY: error: atomic variables in 'storage' address space must have 'read_write' access mode
// RUN: not %wgsl-check --entry nope %s 2>&1 | FileCheck %s --check-prefix=NO-ENTRY
// NO-ENTRY: persistent-loop.wgsl: error: Entry point "{{.*}}nope{{.*}}" doesn't exist

struct Ring {
  head: atomic<u32>,
  done: atomic<u32>,
  slots: array<atomic<u32>>,
}

@group(0) @binding(0) var<storage, read_write> ring: Ring;
@group(0) @binding(1) var<storage, read_write> results: array<u32>;
@group(0) @binding(2) var<storage, read_write> claims: array<atomic<u32>>;

@id(0) override wg: u32 = 64;
@id(1) override budget: u32 = 1024;

// A workgroup array may be sized by an override.
var<workgroup> tally: array<atomic<u32>, wg>;

const EMPTY: u32 = 0u;
const CLAIMED: u32 = 0xffffffffu;

@compute @workgroup_size(wg)
fn main(@builtin(global_invocation_id) gid: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let capacity = arrayLength(&ring.slots);
  var passes = 0u;
  loop {
    if (passes >= budget || atomicLoad(&ring.done) != 0u) { break; }
    passes += 1u;
    let index = atomicAdd(&ring.head, 1u) % capacity;
    let value = atomicLoad(&ring.slots[index]);
    if (value == EMPTY || value == CLAIMED) { continue; }
    let claim = atomicCompareExchangeWeak(&ring.slots[index], value, CLAIMED);
    if (!claim.exchanged) { continue; }
    results[index] = value * 2u + gid.x % 2u;
    atomicAdd(&tally[lid], 1u);
    // A bare compare-exchange: its result is not @must_use.
    atomicCompareExchangeWeak(&claims[index % arrayLength(&claims)], 0u, 1u);
    atomicStore(&ring.slots[index], EMPTY);
    if (index == capacity - 1u) { atomicStore(&ring.done, 1u); }
  }
}
