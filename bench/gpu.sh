#!/bin/sh
# bench/gpu.sh: vyrec's module against the glslang-built peer on an NVIDIA
# GPU, in one run (issue 11): NOP slots and the N=10 mix (slots/s from the
# dispatch's GPU time) with device-local and with system-memory buffers,
# and the driver's pipeline build time at 10..1000 handlers. bench/gpu.py
# says what is measured and how.
#
# Needs no compiler: only python3, this bench/ folder, vyre-run and the
# prebuilt modules (bench/gpu-stage.sh DEST builds and gathers everything
# into DEST on the build machine; bench/run leaves them in bench/build-out/
# too). vyre-run needs the Vulkan loader (libvulkan.so.1), and the NVIDIA
# ICD needs libglvnd (docs/gpu-runs.md).
#
#   bench/gpu.sh [gpu.py options: --repeats R --build-n 10 100 ... --build-timeout S]
#
# BENCH_OUT: the modules (default bench/build-out); VYRE_RUN: vyre-run
# (default BENCH_OUT/bin/vyre-run); VYRE_ICD: the ICD; RESULTS_DIR: where
# RESULTS-gpu.md and results-gpu.json go (default bench/); VYRE_INTERP:
# vyre-interp for the full-state workload (default beside vyre-run);
# VYRE_WEBGPU: the WebGPU host's command (e.g. "node
# BENCH_OUT/vyre-run-webgpu/vyre-run-webgpu.mjs"), which adds the WebGPU rows
# (vyre-scenario from BENCH_OUT/bin).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${BENCH_OUT:-$here/build-out}
results=${RESULTS_DIR:-$here}
icd=${VYRE_ICD:-/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json}
vr=${VYRE_RUN:-$out/bin/vyre-run}
if [ ! -x "$vr" ]; then
  echo "gpu.sh: no vyre-run at $vr (set VYRE_RUN)" >&2
  exit 1
fi
if [ ! -f "$icd" ]; then
  echo "gpu.sh: no ICD at $icd (set VYRE_ICD)" >&2
  exit 1
fi
if [ -n "${VYRE_WEBGPU:-}" ]; then
  export VYRE_SCENARIO=${VYRE_SCENARIO:-$out/bin/vyre-scenario} VYRE_WEBGPU_BACKEND=${VYRE_WEBGPU_BACKEND:-vulkan}
  set -- --webgpu "$VYRE_WEBGPU" "$@"
fi
exec python3 "$here/gpu.py" --dir "$out" --vyre-run "$vr" --icd "$icd" \
  --vyre-interp "${VYRE_INTERP:-$(dirname "$vr")/vyre-interp}" \
  --json "$results/results-gpu.json" --markdown "$results/RESULTS-gpu.md" "$@"
