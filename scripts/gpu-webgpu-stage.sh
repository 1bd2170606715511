#!/usr/bin/env bash
# scripts/gpu-webgpu-stage.sh DEST: what the WebGPU host needs on the GPU
# machine, which has no Node.js: this machine's Node (the official
# single-file build; ~24 MB once xz-compressed) and the pinned `webgpu`
# package's linux-x64 Dawn build only (~5 MB compressed), into DEST/node.xz
# and DEST/webgpu/. scripts/gpu-webgpu-unpack.sh DEST unpacks them there.
# Compression takes a minute; an up-to-date DEST is left as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=$1
node=$(command -v node)
pkg=node_modules/webgpu
[ -f "$pkg/dist/linux-x64/dawn.node" ] || {
  echo "gpu-webgpu-stage: no $pkg/dist/linux-x64/dawn.node (run scripts/setup.sh)" >&2; exit 1; }
mkdir -p "$dest/webgpu/dist/linux-x64"
if [ ! -f "$dest/node.xz" ] || [ "$node" -nt "$dest/node.xz" ]; then
  xz -T0 -9 -c "$node" > "$dest/node.xz.tmp" && mv "$dest/node.xz.tmp" "$dest/node.xz"
fi
cp "$pkg/index.js" "$pkg/package.json" "$dest/webgpu/"
dawn=$dest/webgpu/dist/linux-x64/dawn.node.xz
if [ ! -f "$dawn" ] || [ "$pkg/dist/linux-x64/dawn.node" -nt "$dawn" ]; then
  xz -T0 -9 -c "$pkg/dist/linux-x64/dawn.node" > "$dawn.tmp" && mv "$dawn.tmp" "$dawn"
fi
du -sh "$dest"
