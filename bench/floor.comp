#version 450
// bench/floor.comp: the floor of claiming and completing NOP slots on
// vyrec's ring layout (16-word slots, STATUS_WORD 0, OPCODE_WORD 1,
// control.DONE_COUNT 1; the bindings and slot.COUNT spec constant of the
// megakernels): one scan, the claim (a CAS with -DCAS, else the status
// read alone), the opcode read a dispatch needs, DONE, and one DONE_COUNT
// add per invocation. No handler call, metrics, fences or persistent loop:
// no megakernel can do less per slot. bench/gpu-stage.sh builds
// floor_cas.spv and floor_plain.spv from it; bench/gpu.py times them on the
// NOP ring beside vyrec and the peer (issue 26: throughput toward the
// hardware's floor).
layout(local_size_x = 64) in;
layout(constant_id = 0) const uint SLOT_COUNT = 256u;
layout(std430, set = 0, binding = 0) coherent buffer ControlBlock { uint w[]; } control;
layout(std430, set = 0, binding = 1) coherent buffer RingBlock { uint w[]; } ring_buffer;
const uint PUBLISHED = 1u, CLAIMED = 2u, DONE = 3u;
void main() {
  uint nthreads = gl_NumWorkGroups.x * 64u;
  uint done = 0u;
  for (uint s = gl_GlobalInvocationID.x; s < SLOT_COUNT; s += nthreads) {
    uint b = s * 16u;
#ifdef CAS
    bool claimed = ring_buffer.w[b] == PUBLISHED &&
                   atomicCompSwap(ring_buffer.w[b], PUBLISHED, CLAIMED) == PUBLISHED;
#else
    bool claimed = ring_buffer.w[b] == PUBLISHED;
#endif
    if (claimed) {
      if (ring_buffer.w[b + 1u] == 0xFFFFFFFFu) // the opcode: never, but read
        atomicAdd(control.w[160], 1u);
      atomicExchange(ring_buffer.w[b], DONE);
      done += 1u;
    }
  }
  if (done != 0u)
    atomicAdd(control.w[1], done);
}
