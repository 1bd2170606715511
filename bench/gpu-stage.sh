#!/usr/bin/env bash
# bench/gpu-stage.sh DEST [N...]: gathers into DEST everything bench/gpu.sh
# needs on the GPU machine: vyre-run linked with a static C++ runtime
# (build-gpu/, Release), bench/gen.py, gpu.py and gpu.sh, and for each N
# (default 10 100 200 400 1000) bench_N.vyre compiled by vyrec with
# --shards=auto (vyrec_N.spv, its manifest vyrec_N.json: one entry point at
# N=10, one shard per max(16, sqrt(N)) handlers above; vyre-run builds the
# shards' pipelines in parallel, as gpu.py's build figure wants), and
# bench_N.comp by glslangValidator (glslang_N.spv, with glslang_N.json:
# vyrec's layout and the peer's SHA-256); at N=10 also the subgroup and
# portable skeletons (vyrec_10.subgroup.spv, vyrec_10.portable.spv and
# their manifests), the grouped loop with claim batches of 8 and 16
# (vyrec_10.cb8.spv, vyrec_10.cb16.spv) and through spirv-opt -O
# (vyrec_10.opt.spv), the default module with kernel.PUBLISH =
# publish.DOORBELL (vyrec_10.doorbell.spv: the latency section's resident
# kernel) and that module with a completion mirror (vyrec_10.mirror.spv,
# measured beside it); the full-state workload (bench/fullstate.py: fullstate.SKELETON.spv
# for each skeleton, fullstate.doorbell.spv and fullstate.mirror.spv, their sources, and a static
# vyre-interp to compare with); and the WGSL modules at N=10 for the WebGPU
# rows (webgpu_10.wgsl: the grouped loop; webgpu_10.portable.wgsl) with
# vyre-scenario and the WebGPU host's scripts (DEST/vyre-run-webgpu/); and
# the floor, bench/floor.comp with and without its CAS (floor_cas.spv,
# floor_plain.spv).
# Then, there: BENCH_OUT=DEST DEST/bench/gpu.sh (VYRE_WEBGPU="node
# DEST/vyre-run-webgpu/vyre-run-webgpu.mjs" adds the WebGPU rows; Node and
# Dawn come from scripts/gpu-webgpu-stage.sh, docs/gpu-runs.md).
set -euo pipefail
cd "$(dirname "$0")/.."
dest=$1; shift
ns=("$@"); [ ${#ns[@]} -gt 0 ] || ns=(10 100 200 400 1000)
cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DVYREC_STATIC_RUNTIME=ON >/dev/null
cmake --build build-gpu --target vyrec vyre-run vyre-interp vyre-scenario
mkdir -p "$dest/bin" "$dest/bench" "$dest/src" "$dest/vyre-run-webgpu"
cp build-gpu/bin/vyre-run build-gpu/bin/vyre-interp build-gpu/bin/vyre-scenario "$dest/bin/"
cp tools/vyre-run-webgpu/*.mjs "$dest/vyre-run-webgpu/"
cp bench/gen.py bench/gpu.py bench/gpu.sh bench/fullstate.py "$dest/bench/"
python3 bench/gen.py --out "$dest/src" -n "${ns[@]}"
# The peer's manifest: vyrec's one-entry-point layout, made the peer's by
# bench/runtime.py's peer_manifest.
peer_manifest() { # VYREC_MANIFEST PEER_SPV > PEER_MANIFEST
  python3 - "$1" "$2" <<'PY'
import json, sys
sys.path.insert(0, 'bench')
import runtime
json.dump(runtime.peer_manifest(sys.argv[2], sys.argv[1]), sys.stdout, indent=1)
PY
}
for n in "${ns[@]}"; do
  build-gpu/bin/vyrec -w --shards=auto "$dest/src/bench_$n.vyre" \
    -o "$dest/vyrec_$n.spv" --manifest "$dest/vyrec_$n.json" 2>/dev/null
  glslangValidator -V --target-env vulkan1.1 -o "$dest/glslang_$n.spv" \
    "$dest/src/bench_$n.comp" >/dev/null
  build-gpu/bin/vyrec -w "$dest/src/bench_$n.vyre" --emit=manifest \
    -o "$dest/src/one_$n.json" 2>/dev/null
  peer_manifest "$dest/src/one_$n.json" "$dest/glslang_$n.spv" > "$dest/glslang_$n.json"
done
# The floor (bench/floor.comp): claiming and completing a NOP slot and
# nothing else, with and without the claim's CAS; gpu.py times it on the NOP
# ring.
for v in cas plain; do
  glslangValidator -V --target-env vulkan1.1 $([ $v = cas ] && echo -DCAS) \
    -o "$dest/floor_$v.spv" bench/floor.comp >/dev/null
  peer_manifest "$dest/src/one_10.json" "$dest/floor_$v.spv" > "$dest/floor_$v.json"
done
# Variants at N=10, measured beside the default (grouped) module: the other
# skeletons, and the grouped loop with other claim batches (cbK: what a
# batch size costs in throughput and at start-up).
for v in subgroup portable; do
  build-gpu/bin/vyrec -w --skeleton=$v "$dest/src/bench_10.vyre" \
    -o "$dest/vyrec_10.$v.spv" --manifest "$dest/vyrec_10.$v.json" 2>/dev/null
done
for k in 8 16; do
  build-gpu/bin/vyrec -w --claim-batch=$k "$dest/src/bench_10.vyre" \
    -o "$dest/vyrec_10.cb$k.spv" --manifest "$dest/vyrec_10.cb$k.json" 2>/dev/null
done
build-gpu/bin/vyrec -w -O "$dest/src/bench_10.vyre" \
  -o "$dest/vyrec_10.opt.spv" --manifest "$dest/vyrec_10.opt.json" 2>/dev/null
# The doorbell: the same handlers, announced by the host (docs/protocol.md,
# "The doorbell").
doorbell='protocol {\n  kernel.PUBLISH = publish.DOORBELL;\n}\n'
{ printf "$doorbell"; cat "$dest/src/bench_10.vyre"; } > "$dest/src/bench_10_doorbell.vyre"
build-gpu/bin/vyrec -w "$dest/src/bench_10_doorbell.vyre" \
  -o "$dest/vyrec_10.doorbell.spv" --manifest "$dest/vyrec_10.doorbell.json" 2>/dev/null
# The completion mirror: the doorbell module with a "completions" buffer,
# whose host waits on a word in its own cached memory instead of reading
# the ring's status word across the bus (docs/protocol.md, "The completion
# mirror"). Binding 6: gen.py's handlers use 4 and 5.
{ printf "$doorbell"
  printf 'buffer completions: u32[] read_write atomic @binding(6);\n'
  cat "$dest/src/bench_10.vyre"; } > "$dest/src/bench_10_mirror.vyre"
build-gpu/bin/vyrec -w "$dest/src/bench_10_mirror.vyre" \
  -o "$dest/vyrec_10.mirror.spv" --manifest "$dest/vyrec_10.mirror.json" 2>/dev/null
# The full-state workload: every skeleton, the doorbell and the mirror.
python3 bench/fullstate.py --out "$dest" --slots 1048576 --workgroups 1024 >/dev/null
rm "$dest"/fullstate_1048576_1024*.json # gpu.py writes them there
for v in grouped subgroup portable; do
  build-gpu/bin/vyrec -w --skeleton=$v "$dest/fullstate.vyre" \
    -o "$dest/fullstate.$v.spv" --manifest "$dest/fullstate.$v.json"
done
for v in doorbell mirror; do
  build-gpu/bin/vyrec -w "$dest/fullstate_$v.vyre" \
    -o "$dest/fullstate.$v.spv" --manifest "$dest/fullstate.$v.json"
done
build-gpu/bin/vyrec -w --target-env=webgpu --skeleton=grouped "$dest/src/bench_10.vyre" \
  -o "$dest/webgpu_10.wgsl" --manifest "$dest/webgpu_10.json" 2>/dev/null
build-gpu/bin/vyrec -w --target-env=webgpu --skeleton=portable "$dest/src/bench_10.vyre" \
  -o "$dest/webgpu_10.portable.wgsl" --manifest "$dest/webgpu_10.portable.json" 2>/dev/null
rm -rf "$dest/src"
du -sh "$dest"
