#!/usr/bin/env bash
# Builds everything with AddressSanitizer + UBSan (CMakePresets.json preset
# "asan", VYREC_SANITIZE=ON) into build-asan/ and runs the test suite there
# (without the tests that need a Vulkan device and the sweeps over every
# input, which the plain suite runs: below). Leaks are errors; only the
# Vulkan loader's and lavapipe's own allocations are suppressed
# (test/lsan.supp).
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=${VYREC_JOBS:-2}
cmake --preset asan >/dev/null
cmake --build --preset asan -j "$jobs"

export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS="suppressions=$PWD/test/lsan.supp:print_suppressions=0"
# Tests that run kernels on lavapipe are left out here (they run in the
# plain suite): lavapipe's JIT allocates heavily, and lavapipe is built
# without frame pointers, so its leaks could only be matched by a
# suppression with the full unwinder (fast_unwind_on_malloc=0), which makes
# every allocation slow: the unit tests took 90 s of CI's time with it and
# take 5 without. With no driver loaded every frame is vyrec's, libstdc++'s
# or LLVM's, which the fast unwinder walks.
export VYREC_TEST_NO_VULKAN=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
# The sweeps over every input run in the plain suite (lit.cfg.py says why).
export VYREC_TEST_NO_SWEEPS=1
# ASan makes the lit suite several times slower than ctest's default 1500 s.
ctest --test-dir build-asan --output-on-failure --timeout 3600
