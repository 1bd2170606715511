#!/usr/bin/env bash
# Builds the libFuzzer fuzzers (test/fuzz, docs/fuzzing.md) into build-fuzz/
# with clang-14 (-DVYREC_FUZZ=ON: ASan + UBSan + coverage) and runs each one
# for FUZZ_SECONDS (default 20) seconds from its seed corpus (test/fuzz/corpus;
# fuzz-lsp also test/fuzz/corpus-lsp, fuzz-host-json test/fuzz/corpus-host-json),
# with inputs up to FUZZ_MAX_LEN bytes (default 128 KiB: flat chains, many
# handlers). FUZZERS picks some (default: all five). Any crash,
# sanitizer report, leak or property violation fails the script and leaves
# the reproducer in build-fuzz/fuzz-smoke/<fuzzer>/crash-*. clang-14 is
# required (scripts/setup.sh installs it): without it this fails.
set -euo pipefail
cd "$(dirname "$0")/.."

secs=${FUZZ_SECONDS:-20}
jobs=${VYREC_JOBS:-2}
for tool in clang-14 clang++-14; do
  if ! command -v "$tool" >/dev/null; then
    echo "fuzz-smoke: error: $tool not found; scripts/setup.sh installs clang-14 and libclang-rt-14-dev" >&2
    exit 1
  fi
done

# -O1 and line tables only, as libFuzzer's documentation builds: half the
# build time of -O2 -g, the same lines in a report.
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
  -DVYREC_FUZZ=ON >/dev/null
fuzzers=${FUZZERS:-parse compile mutate lsp host-json}
cmake --build build-fuzz -j "$jobs" --target $(printf 'fuzz-%s ' $fuzzers)

work=build-fuzz/fuzz-smoke
rm -rf "$work"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:malloc_context_size=5
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
for f in $fuzzers; do
  mkdir -p "$work/$f/corpus"
  # fuzz-mutate's whole-input mutations (chains, many handlers) get the whole
  # -max_len at once: libFuzzer's default length control would cap them at
  # the largest seed for most of a short run.
  extra=()
  [ "$f" = mutate ] && extra=(-len_control=0)
  seeds=(test/fuzz/corpus)
  [ "$f" = lsp ] && seeds+=(test/fuzz/corpus-lsp)
  [ "$f" = host-json ] && seeds=(test/fuzz/corpus-host-json)
  # New inputs go to the first (scratch) directory; the seeds stay as they are.
  if build-fuzz/bin/fuzz-$f "$work/$f/corpus" "${seeds[@]}" \
       -max_total_time="$secs" -max_len="${FUZZ_MAX_LEN:-131072}" -timeout=60 \
       -artifact_prefix="$work/$f/" -print_final_stats=1 "${extra[@]}" \
       >"$work/$f/log" 2>&1; then
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$f/log")
    cov=$(grep -E '^#[0-9]+' "$work/$f/log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+')
    echo "fuzz-smoke: fuzz-$f: ${execs:-?} executions, ${cov:-?}, no crash"
  else
    echo "fuzz-smoke: fuzz-$f FAILED; log $work/$f/log, reproducer:" >&2
    ls "$work/$f"/crash-* "$work/$f"/leak-* "$work/$f"/timeout-* "$work/$f"/oom-* 2>/dev/null >&2 || true
    tail -60 "$work/$f/log" >&2
    status=1
  fi
done
exit $status
