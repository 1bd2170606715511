#!/usr/bin/env bash
# Installs vyrec's build and test dependencies from Debian packages, builds
# vyrec into build/ and compiles the shipped example. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake ninja-build g++ python3 python3-jsonschema llvm-14-dev llvm-14-tools
          spirv-headers spirv-tools libcli11-dev doctest-dev
          libvulkan-dev mesa-vulkan-drivers vulkan-validationlayers glslang-tools
          spirv-cross
          clang-14 libclang-rt-14-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build
./build/bin/vyrec examples/counter.vyre -o build/counter.spv --manifest build/counter.json
echo "setup: built build/bin/vyrec and compiled examples/counter.vyre into build/counter.spv and build/counter.json"
