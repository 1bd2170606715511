#!/usr/bin/env bash
# Runs every test: doctest unit tests and the lit suite, through CTest; then
# the same suite under ASan + UBSan (build-asan/) and a short run of each
# libFuzzer fuzzer (build-fuzz/, clang-14).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --build build
ctest --test-dir build --output-on-failure
./scripts/test-asan.sh
./scripts/fuzz-smoke.sh
