#!/usr/bin/env bash
# Runs the execution suite (test/lit/exec) on a real GPU's Vulkan driver.
#
# Meant for the `device` machine (docs/gpu-runs.md): it has an NVIDIA driver
# and its Vulkan ICD but no Vulkan loader, no build tools and no LLVM. Run
# scripts/gpu-bundle.sh here first: it fills .device/ (git-ignored) with
# statically linked vyrec, vyre-interp and vyre-run, FileCheck and not with
# the libraries they need, lit, and the loader package. Output: a log and a
# summary in $OUT (or ./gpu-out).
#
# Then the same suite through the WebGPU host (VYRE_EXEC_HOST=webgpu: the
# WGSL modules on Dawn's Vulkan backend on the same driver), with Node and
# Dawn from .device/webgpu: exec-webgpu.log and its summary. GPU_EXEC_ONLY=
# vulkan or webgpu runs one of the two.
set -uo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-gpu-out}
mkdir -p "$out"
[ -d .device/bin ] || tar -C .device -xJf .device/tools.tar.xz
for f in .device/deb/*.deb; do dpkg -x "$f" /; done
ldconfig
export LD_LIBRARY_PATH=$PWD/.device/lib
icd=${VYREC_TEST_ICD:-/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json}
[ -f "$icd" ] || icd=$(ls /usr/share/vulkan/icd.d/nvidia_icd*.json /etc/vulkan/icd.d/nvidia_icd*.json 2>/dev/null | head -1)
export VYREC_TEST_ICD=$icd VK_DRIVER_FILES=$icd VK_ICD_FILENAMES=$icd

{
  date -u
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>&1
  echo "ICD: $icd"
  .device/bin/vyre-run --list-devices
} 2>&1 | tee "$out/device.txt"

site=build-device/test/lit
mkdir -p "$site"
cat > "$site/lit.site.cfg.py" <<PY
import os
config.vyrec_src_root = "$PWD"
config.vyrec_obj_root = "$PWD/build-device"
config.vyrec_tools_dir = "$PWD/.device/bin"
config.llvm_tools_dir = "$PWD/.device/bin"
lit_config.load_config(config, os.path.join("$PWD", "test", "lit", "lit.cfg.py"))
PY
rc=0
summarize() { # LOG SUMMARY
  grep -E '^(PASS|FAIL|XFAIL|XPASS|UNSUPPORTED|UNRESOLVED):' "$1" > "$2"
  tail -5 "$1" >> "$2"
}
only=${GPU_EXEC_ONLY:-both}
if [ "$only" != webgpu ]; then
  python3 .device/lit/lit.py -v "$site/exec" 2>&1 | tee "$out/exec.log"
  rc=${PIPESTATUS[0]}
  summarize "$out/exec.log" "$out/summary.txt"
fi
if [ "$only" != vulkan ]; then
  node=$(scripts/gpu-webgpu-unpack.sh .device/webgpu)
  export PATH=$(dirname "$node"):$PATH XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
  VYRE_EXEC_HOST=webgpu VYRE_WEBGPU_BACKEND=vulkan \
    python3 .device/lit/lit.py -v "$site/exec" "$site/webgpu-host" 2>&1 | tee "$out/exec-webgpu.log"
  wrc=${PIPESTATUS[0]}
  summarize "$out/exec-webgpu.log" "$out/summary-webgpu.txt"
  [ "$wrc" = 0 ] || rc=$wrc
fi
exit "$rc"
