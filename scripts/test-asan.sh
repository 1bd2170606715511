#!/usr/bin/env bash
# Builds everything with AddressSanitizer + UBSan (CMakePresets.json preset
# "asan", VYREC_SANITIZE=ON) into build-asan/ and runs the whole test suite
# there. Leaks are errors; only the Vulkan loader's and lavapipe's own
# allocations are suppressed (test/lsan.supp).
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=${VYREC_JOBS:-2}
cmake --preset asan >/dev/null
cmake --build --preset asan -j "$jobs"

# fast_unwind_on_malloc=0: lavapipe is built without frame pointers and is
# unloaded before LeakSanitizer reports, so with the fast unwinder its leaks
# have a two-frame stack in "<unknown module>" that no suppression can match;
# the full unwinder reaches the Vulkan loader's frames (test/lsan.supp).
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS="suppressions=$PWD/test/lsan.supp:print_suppressions=0"
# Tests that run kernels on lavapipe are left out here (they run in the
# plain suite): lavapipe's JIT allocates heavily, and with the full unwinder
# every allocation is minutes of stack walking.
export VYREC_TEST_NO_VULKAN=1
# The sweeps over every input run in the plain suite (lit.cfg.py says why).
export VYREC_TEST_NO_SWEEPS=1
# ASan makes the lit suite several times slower than ctest's default 1500 s.
ctest --test-dir build-asan --output-on-failure --timeout 3600
