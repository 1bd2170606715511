#!/usr/bin/env bash
# scripts/gpu-webgpu-unpack.sh DEST (on the GPU machine): unpacks what
# scripts/gpu-webgpu-stage.sh DEST staged: DEST/bin/node, and the `webgpu`
# package into node_modules/webgpu at the repository root, where
# test/webgpu/wgsl-check.mjs and tools/vyre-run-webgpu find it. Prints the
# node binary's path.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=$1
mkdir -p "$dest/bin" node_modules/webgpu/dist/linux-x64
[ -x "$dest/bin/node" ] || { xz -dc "$dest/node.xz" > "$dest/bin/node"; chmod +x "$dest/bin/node"; }
cp "$dest/webgpu/index.js" "$dest/webgpu/package.json" node_modules/webgpu/
[ -f node_modules/webgpu/dist/linux-x64/dawn.node ] ||
  xz -dc "$dest/webgpu/dist/linux-x64/dawn.node.xz" > node_modules/webgpu/dist/linux-x64/dawn.node
echo "$PWD/$dest/bin/node"
