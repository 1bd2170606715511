#!/usr/bin/env bash
# bench/gpu-stage.sh DEST [N...]: gathers into DEST everything bench/gpu.sh
# needs on the GPU machine: vyre-run linked with a static C++ runtime
# (build-gpu/, Release), bench/gen.py, gpu.py and gpu.sh, and for each N
# (default 10 100 200 400 1000) bench_N.vyre compiled by vyrec with
# --shards=auto (vyrec_N.spv, its manifest vyrec_N.json: one entry point at
# N=10, one shard per max(16, sqrt(N)) handlers above; vyre-run builds the
# shards' pipelines in parallel, as gpu.py's build figure wants), and
# vyrec_N.portable.spv with
# --skeleton=portable at N=10) and bench_N.comp by glslangValidator
# (glslang_N.spv). Then, there: BENCH_OUT=DEST DEST/bench/gpu.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=$1; shift
ns=("$@"); [ ${#ns[@]} -gt 0 ] || ns=(10 100 200 400 1000)
cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DVYREC_STATIC_RUNTIME=ON >/dev/null
cmake --build build-gpu --target vyrec vyre-run
mkdir -p "$dest/bin" "$dest/bench" "$dest/src"
cp build-gpu/bin/vyre-run "$dest/bin/"
cp bench/gen.py bench/gpu.py bench/gpu.sh "$dest/bench/"
python3 bench/gen.py --out "$dest/src" -n "${ns[@]}"
for n in "${ns[@]}"; do
  build-gpu/bin/vyrec -w --shards=auto "$dest/src/bench_$n.vyre" \
    -o "$dest/vyrec_$n.spv" --manifest "$dest/vyrec_$n.json" 2>/dev/null
  glslangValidator -V --target-env vulkan1.1 -o "$dest/glslang_$n.spv" \
    "$dest/src/bench_$n.comp" >/dev/null
done
build-gpu/bin/vyrec -w --skeleton=portable "$dest/src/bench_10.vyre" \
  -o "$dest/vyrec_10.portable.spv" 2>/dev/null
rm -rf "$dest/src"
du -sh "$dest"
