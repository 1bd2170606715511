#!/usr/bin/env bash
# Runs every test: doctest unit tests and the lit suite, through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --build build
ctest --test-dir build --output-on-failure
