#!/usr/bin/env bash
# Installs vyrec's build and test dependencies from Debian packages (chromium:
# its SwiftShader Vulkan driver gives Dawn a WebGPU adapter that executes on
# machines without a GPU, and its WebGPU runs the browser test) and the
# npm packages package-lock.json pins, builds vyrec into build/ and compiles
# the shipped example. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake ninja-build g++ python3 python3-jsonschema llvm-14-dev llvm-14-tools
          spirv-headers spirv-tools libcli11-dev doctest-dev
          libvulkan-dev mesa-vulkan-drivers vulkan-validationlayers glslang-tools
          spirv-cross chromium neovim
          clang-14 libclang-rt-14-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js and npm for the WGSL tests (below); any packaging of them will do.
command -v npm >/dev/null || missing+=(nodejs npm)
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

# The npm packages, exactly the versions the lockfiles pin: at the root,
# Tint for the WGSL tests and the WebGPU host (Dawn's node bindings, npm
# `webgpu`: docs/webgpu.md), the SARIF 2.1.0 schema and Microsoft's SARIF
# multitool that validate every SARIF log of the tests (npm
# @microsoft/sarif-multitool-linux, docs/cli.md) and the LSP client library
# of the language-server tests (vscode-languageserver-protocol: docs/lsp.md);
# in editors/vscode, the extension's language client and vsce, which packs
# it (editors/README.md). npm ci replaces node_modules/ wholesale, so it runs
# only when the lockfile changed since the last install (or, at the root,
# the webgpu package does not start). Scripts stay off: the multitool's only
# one makes it executable.
npm_ci() { # DIR WHAT
  local installed_lock="$1/node_modules/.vyrec-package-lock.json"
  if ! cmp -s "$1/package-lock.json" "$installed_lock" ||
     { [ "$1" = . ] && ! node test/webgpu/wgsl-check.mjs --info >/dev/null 2>&1; }; then
    if ! (cd "$1" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null); then
      echo "setup: error: npm ci could not install $2 in $1 (see npm's message above)" >&2
      exit 1
    fi
    cp "$1/package-lock.json" "$installed_lock"
  fi
}
npm_ci . "the webgpu, SARIF multitool and LSP client packages"
npm_ci editors/vscode "the VS Code extension's packages"
multitool=node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
chmod u+x "$multitool"
if ! "$multitool" --version >/dev/null 2>&1; then
  echo "setup: error: the SARIF multitool ($multitool) does not start" >&2
  exit 1
fi
if ! info_error=$(node test/webgpu/wgsl-check.mjs --info 2>&1 >/dev/null); then
  echo "setup: error: the webgpu package does not start Dawn's null adapter: $info_error" >&2
  exit 1
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build
./build/bin/vyrec examples/counter.vyre -o build/counter.spv --manifest build/counter.json
echo "setup: installed node_modules (webgpu, the SARIF multitool, the LSP client) and editors/vscode/node_modules, built build/bin/vyrec and compiled examples/counter.vyre into build/counter.spv and build/counter.json"
