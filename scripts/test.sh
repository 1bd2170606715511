#!/usr/bin/env bash
# Runs every test: doctest unit tests and the lit suite, through CTest; then
# the same suite under ASan + UBSan (build-asan/) and a short run of each
# libFuzzer fuzzer (build-fuzz/, clang-14).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --build build
ctest --test-dir build --output-on-failure
# The execution suite once more under the Khronos validation layer: every
# vyre-run exits 5 on a validation error. Compiled for Vulkan 1.3 with the
# Vulkan memory model (the most demanding set-up: SPIR-V 1.6, the memory
# model's features); exec/validation-configs.test covers every target env
# and both memory models in the plain run. About 1-2 minutes on lavapipe.
VYRE_RUN_VALIDATE=1 DIFF_EXEC_VYREC_FLAGS="--target-env=vulkan1.3 --memory-model=vulkan" \
  python3 /usr/lib/llvm-14/build/utils/lit/lit.py -sv build/test/lit --filter 'exec/'
./scripts/test-asan.sh
./scripts/fuzz-smoke.sh
