#!/usr/bin/env bash
# Fills .device/ (git-ignored) with what scripts/gpu-exec.sh needs on the GPU
# machine: vyrec, vyre-interp and vyre-run linked with a static C++ runtime,
# LLVM's FileCheck and not with the shared libraries they use, lit, and the
# Vulkan loader as a Debian package (the GPU machine has none); for the
# WebGPU host, vyre-scenario, Node and Dawn (scripts/gpu-webgpu-stage.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DVYREC_STATIC_RUNTIME=ON >/dev/null
cmake --build build-gpu --target vyrec vyre-interp vyre-run vyre-scenario
# The WebGPU runtime is kept across bundles: compressing Node takes a minute.
rm -rf .device-webgpu.keep
if [ -d .device/webgpu ]; then mv .device/webgpu .device-webgpu.keep; fi
rm -rf .device && mkdir -p .device/bin .device/lib .device/deb
if [ -d .device-webgpu.keep ]; then mv .device-webgpu.keep .device/webgpu; fi
scripts/gpu-webgpu-stage.sh .device/webgpu >/dev/null
cp build-gpu/bin/vyrec build-gpu/bin/vyre-interp build-gpu/bin/vyre-run build-gpu/bin/vyre-scenario .device/bin/
cp /usr/lib/llvm-14/bin/FileCheck /usr/lib/llvm-14/bin/not .device/bin/
# LLVM's split-file needs libLLVM (100 MB): a small Python stand-in travels instead.
cp test/lit/device/split-file .device/bin/
for lib in libz3.so.4 libtinfo.so.6; do cp -L /lib/x86_64-linux-gnu/$lib .device/lib/; done
cp -r /usr/lib/llvm-14/build/utils/lit .device/lit
# This machine is x86-64 like the GPU machine, so its own apt lists serve.
# The NVIDIA Vulkan driver there also needs libglvnd (else VK_ERROR_INCOMPATIBLE_DRIVER).
(cd .device/deb && apt-get download libvulkan1 libglvnd0 libgl1 libglx0 libegl1 libopengl0 libgles2 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
ls .device/deb/libvulkan1_*.deb >/dev/null
# The device tool carries at most 64 MiB: the binaries and libraries travel
# xz-compressed (about a quarter of their size); gpu-exec.sh unpacks them.
tar -C .device -cJf .device/tools.tar.xz bin lib && rm -rf .device/bin .device/lib
du -sh .device
