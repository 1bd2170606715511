#!/usr/bin/env bash
# diff-exec.sh [--no-dump] OUT PROGRAM.vyre SCENARIO.json [vyrec options...]
#
# Compiles PROGRAM with vyrec (OUT.spv, OUT.manifest.json), runs SCENARIO
# through the interpreter (vyre-interp) and through the Vulkan host
# (vyre-run), and fails unless both exit the same way and print
# byte-identical JSON: the scenario's own output (OUT.interp.json,
# OUT.run.json) and, unless --no-dump (for scenarios whose full final state
# is legitimately racy), the default output of every non-zero word
# (OUT.interp.dump.json, OUT.run.dump.json). Prints the interpreter's output
# for FileCheck and exits with the tools' common exit code.
# DIFF_EXEC_VYREC_FLAGS: more vyrec options (not given to vyre-interp), e.g.
# --skeleton=portable.
# VYRE_EXEC_HOST=webgpu: the WGSL module (OUT.wgsl, vyrec
# --target-env=webgpu) through the WebGPU host ($VYRE_RUN_WEBGPU, lit sets
# it) instead of the SPIR-V module through vyre-run. WebGPU's default loop
# is the portable one, which has no kernel.PORTABLE_LOOP switch: a scenario
# that sets it gets SPIR-V's default, the grouped loop, unless a --skeleton
# is given.
set -u
dump=1
if [ "$1" = --no-dump ]; then dump=0; shift; fi
out=$1 prog=$2 scenario=$3
shift 3
module=$out.spv run=(vyre-run) target=()
if [ "${VYRE_EXEC_HOST:-}" = webgpu ]; then
  module=$out.wgsl run=($VYRE_RUN_WEBGPU) target=(--target-env=webgpu)
  if [[ " ${DIFF_EXEC_VYREC_FLAGS:-} $* " != *" --skeleton"* ]] &&
     grep -q 'kernel.PORTABLE_LOOP' "$scenario"; then
    target+=(--skeleton=grouped)
  fi
fi
vyrec --validate -w ${DIFF_EXEC_VYREC_FLAGS:-} "${target[@]}" "$@" "$prog" -o "$module" --manifest "$out.manifest.json" || {
  echo "diff-exec: vyrec failed" >&2; exit 1; }

idump=() rdump=()
if [ $dump = 1 ]; then
  rm -f "$out.interp.dump.json" "$out.run.dump.json"
  idump=(--dump "$out.interp.dump.json") rdump=(--dump "$out.run.dump.json")
fi
vyre-interp "${idump[@]}" "$@" "$prog" "$scenario" > "$out.interp.json" 2> "$out.interp.err"
irc=$?
cat "$out.interp.err" >&2
"${run[@]}" "${rdump[@]}" "$module" "$out.manifest.json" "$scenario" > "$out.run.json" 2> "$out.run.err"
rrc=$?
cat "$out.run.err" >&2
if [ "$irc" != "$rrc" ]; then
  echo "diff-exec: vyre-interp exited $irc but ${run[*]} exited $rrc" >&2
  exit 1
fi
if ! diff -u "$out.interp.json" "$out.run.json" >&2; then
  echo "diff-exec: the interpreter and ${run[-1]##*/} disagree (- interp, + run)" >&2
  exit 1
fi
if [ $dump = 1 ] && [ "$irc" = 0 ] &&
   ! diff -u "$out.interp.dump.json" "$out.run.dump.json" >&2; then
  echo "diff-exec: the final states differ (- interp, + run)" >&2
  exit 1
fi
cat "$out.interp.json"
exit "$irc"
