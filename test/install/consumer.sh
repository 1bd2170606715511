#!/usr/bin/env bash
# consumer.sh BUILD_DIR SOURCE_DIR: installs vyrec from BUILD_DIR into a
# scratch prefix, then configures, builds and runs examples/consumer against
# it with find_package(Vyrec) + vyrec_add_module, and checks that editing a
# file the module imports rebuilds the module (the depfile at work), that a
# comment-only edit recompiles nothing that includes the header, and that
# deleting an import does not leave the module rebuilding on every build.
set -euo pipefail
build=$1 src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
test -x "$work/prefix/bin/vyrec"
test -x "$work/prefix/bin/vyre-run"
test -x "$work/prefix/bin/vyre-interp"
test -f "$work/prefix/include/vyre/host/host.h"
test -f "$work/prefix/share/vyrec/builtins.vyre"
test -f "$work/prefix/lib/cmake/Vyrec/VyrecConfig.cmake"
test -f "$work/prefix/share/doc/vyrec/language.md"

cp -r "$src/examples/consumer" "$work/consumer"
cmake -S "$work/consumer" -B "$work/build" -G Ninja \
      -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/build" >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
# Quiet by default: the module compiles without a single diagnostic.
if grep -E '\.vyre:[0-9]+:[0-9]+: |^vyrec: (warning|error|note)' "$work/build.log"; then
  echo "consumer: compiling the module printed diagnostics" >&2; exit 1
fi
"$work/build/consumer" | tee "$work/run.txt"
grep -q "opcode COUNT = 0x100" "$work/run.txt"
test -f "$work/build/counter_kernel/counter.spv"
test -f "$work/build/counter_kernel/counter.json"
# VALIDATE: the module's command line asks for the validator.
grep -q -- "--validate" "$work/build/build.ninja" || {
  echo "consumer: VALIDATE did not pass --validate" >&2; exit 1; }

# The installed executors run the consumer's module: the interpreter always,
# the Vulkan host when the machine has a device.
echo '{"shutdown": true, "slots": [{"opcode": "NOP"}], "output": {"control": [1]}}' \
  > "$work/scenario.json"
"$work/prefix/bin/vyre-interp" -I "$work/consumer/kernel" \
  "$work/consumer/kernel/counter.vyre" "$work/scenario.json" > "$work/interp.json"
grep -q '"1": 1' "$work/interp.json"
# Not under VYREC_TEST_NO_VULKAN (the ASan suite: lavapipe's JIT under the
# full unwinder takes minutes per kernel, as for lit's execution tests).
if [ -z "${VYREC_TEST_NO_VULKAN:-}" ] &&
   "$work/prefix/bin/vyre-run" --list-devices 2>/dev/null | grep -q .; then
  "$work/prefix/bin/vyre-run" "$work/build/counter_kernel/counter.spv" \
    "$work/build/counter_kernel/counter.json" "$work/scenario.json" > "$work/run.json"
  diff "$work/interp.json" "$work/run.json"
fi

# Nothing to do on a second build... (dry runs captured first: `grep -q`
# closing the pipe early would fail cmake under pipefail)
plan=$(cmake --build "$work/build" -- -n)
if grep -q "vyrec: compiling" <<<"$plan"; then
  echo "consumer: an up-to-date module was rebuilt" >&2; exit 1
fi
# ...but editing the imported file rebuilds the module and the header.
sleep 1
echo "// edited" >> "$work/consumer/kernel/bins.vyre"
plan=$(cmake --build "$work/build" -- -n)
grep -q "vyrec: compiling counter.spv, counter.json and counter.h" <<<"$plan" || {
  echo "consumer: editing an imported file did not rebuild the module" >&2; exit 1; }
# ...with one compiler run for the .spv, the manifest and the header.
commands=$(cmake --build "$work/build" -- -n -v)
runs=$(grep -c "/bin/vyrec " <<<"$commands" || true)
if [ "$runs" != 1 ]; then
  echo "consumer: rebuilding the module ran vyrec $runs times, not once" >&2; exit 1
fi

# What a change to the kernel's sources rebuilds, with GENERATOR, in a fresh
# copy of the consumer. A comment-only edit reruns vyrec but changes no
# output: vyrec leaves the header untouched, so main.cpp is not recompiled,
# and the next build has nothing to do (vyrec_add_module's stamp; Ninja's
# restat). Deleting an imported file (and its import) reruns vyrec once, and
# then the build is up to date; Unix Makefiles (CMake 3.25) keeps the
# deleted file among the module's dependencies until the workaround of
# docs/embedding.md clears them.
build_log() { # DIR: builds, and prints how many times vyrec ran
  cmake --build "$1" >"$1.log" 2>&1 || { cat "$1.log" >&2; exit 1; }
  grep -c "vyrec: compiling" "$1.log" || true
}
incremental() {
  local generator=$1 src="$work/src-${1// /-}" dir="$work/build-${1// /-}"
  cp -r "$work/consumer" "$src"
  sed -i '1i import "extra.vyre";' "$src/kernel/counter.vyre"
  echo "const EXTRA = 1;" > "$src/kernel/extra.vyre"
  cmake -S "$src" -B "$dir" -G "$generator" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
  [ "$(build_log "$dir")" = 1 ] || { echo "consumer ($generator): first build" >&2; exit 1; }
  local header="$dir/counter_kernel/counter.h"
  local object="$dir/CMakeFiles/consumer.dir/main.cpp.o"
  local before; before=$(stat -c '%Y %i' "$header" "$object")
  sleep 1
  echo "// a comment" >> "$src/kernel/bins.vyre"
  [ "$(build_log "$dir")" = 1 ] || {
    echo "consumer ($generator): a comment-only edit did not rerun vyrec" >&2; exit 1; }
  [ "$(stat -c '%Y %i' "$header" "$object")" = "$before" ] || {
    echo "consumer ($generator): a comment-only edit rewrote the header or recompiled main.cpp" >&2; exit 1; }
  [ "$(build_log "$dir")" = 0 ] || {
    echo "consumer ($generator): vyrec reruns on every build after a comment-only edit" >&2; exit 1; }
  sleep 1
  sed -i '/^import "extra.vyre";$/d' "$src/kernel/counter.vyre"
  rm "$src/kernel/extra.vyre"
  [ "$(build_log "$dir")" = 1 ] || {
    echo "consumer ($generator): deleting an import did not rerun vyrec" >&2; exit 1; }
  if [ "$generator" = "Unix Makefiles" ]; then
    local deps="$dir/CMakeFiles/counter_kernel_vyrec.dir"
    rm -f "$deps/compiler_depend.internal" && : > "$deps/compiler_depend.make"
  fi
  [ "$(build_log "$dir")" = 0 ] || {
    echo "consumer ($generator): after deleting an import vyrec reruns on every build" >&2; exit 1; }
}
incremental Ninja
incremental "Unix Makefiles"
echo "consumer: installed package builds, runs and tracks imports"
