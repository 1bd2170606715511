#!/usr/bin/env bash
# bench/experiments/stage.sh DEST: stages bench/gpu.sh's N=10 run (the
# default module and the glslang peer, bench/gpu-stage.sh DEST 10) and,
# beside them, the issue 26 experiments: modules built by vyrec with
# x-diag.patch applied (environment hooks, each off by default, so the
# patched vyrec's default module is byte-identical to main's; checked
# below). They are measured, never shipped: some are not valid modules
# (x-nomet, x-nodc, x-nofence, x-nocas, x-norun and x-min leave out work
# that the protocol needs, to show what it costs). Then, on the GPU machine:
#   BENCH_OUT=DEST RESULTS_DIR=$OUT DEST/bench/gpu.sh --no-host-memory \
#     --no-latency --no-full-state --build-n 10 --repeats 3
# and DEST/empty.sh (the scan alone: a ring whose slots are all DONE),
# DEST/diag.sh and DEST/floor.sh (below).
# The hooks (lib/Kernel, VYREC_X_*):
#   DEFER=1    metrics added once per subgroup and change of lead opcode
#   DCDEFER=1  DONE_COUNT added once per subgroup and pass, after the DONEs
#   FIRST=K    the grouped claim's first part is K slots (default 4)
#   NOMET=1 NODC=1 NOFENCE=1 NOCAS=1   leave out the metrics add, the
#              DONE_COUNT add, the fences, the claim's CAS
#   OWNONLY=1  own rounds only (partly filled), no spread rounds
#   NORUN=1    no run_slot in the grouped rounds (not the slot's loads, not
#              the dispatch call): what running a NOP costs
#   NOPORTABLE=1  no main_portable entry point
set -euo pipefail
cd "$(dirname "$0")/../.."
dest=$(realpath -m "$1")
root=$PWD
bash bench/gpu-stage.sh "$dest" 10
# The patched vyrec, built in a worktree of this commit.
wt=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$wt" >/dev/null 2>&1 || true' EXIT
git worktree add --detach "$wt" HEAD >/dev/null
git -C "$wt" apply "$root/bench/experiments/x-diag.patch"
cmake -S "$wt" -B "$wt/build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$wt/build" --target vyrec >/dev/null
vyrec=$wt/build/bin/vyrec
src=$(mktemp -d)
python3 bench/gen.py --out "$src" -n 10 >/dev/null
"$vyrec" -w "$src/bench_10.vyre" -o "$src/check.spv"
cmp "$src/check.spv" "$dest/vyrec_10.spv" # the hooks off change nothing
variant() { # NAME "VYREC_X_...=V ..." [vyrec options]
  local name=$1 vars=$2; shift 2
  env $vars "$vyrec" -w "$src/bench_10.vyre" "$@" \
    -o "$dest/vyrec_10.$name.spv" --manifest "$dest/vyrec_10.$name.json"
}
variant x-defer VYREC_X_DEFER=1
variant x-dcdefer VYREC_X_DCDEFER=1
variant x-defer2 "VYREC_X_DEFER=1 VYREC_X_DCDEFER=1"
variant x-first8 VYREC_X_FIRST=8 --claim-batch=8
variant x-first8-defer2 "VYREC_X_FIRST=8 VYREC_X_DEFER=1 VYREC_X_DCDEFER=1" --claim-batch=8
variant x-nomet VYREC_X_NOMET=1
variant x-nofence VYREC_X_NOFENCE=1
variant x-nocas VYREC_X_NOCAS=1
variant x-norun VYREC_X_NORUN=1
variant x-ownonly VYREC_X_OWNONLY=1
variant x-nodc VYREC_X_NODC=1
variant x-min "VYREC_X_NOMET=1 VYREC_X_NODC=1 VYREC_X_NOFENCE=1 VYREC_X_NOCAS=1"
variant x-noportable VYREC_X_NOPORTABLE=1
variant x-small "VYREC_X_OWNONLY=1 VYREC_X_NOPORTABLE=1" --claim-batch=2
# Item 5's candidates with spirv-opt: does -O on the one loop the
# GPU runs bring the driver's pipeline build to the peer's?
variant x-noportable-O VYREC_X_NOPORTABLE=1 -O
variant x-small-O "VYREC_X_OWNONLY=1 VYREC_X_NOPORTABLE=1" --claim-batch=2 -O
# Fewer rows make a shorter device call: the staged claim batches and
# the latency modules are not needed here.
for v in cb8 cb16 subgroup doorbell mirror; do
  rm -f "$dest/vyrec_10.$v.spv" "$dest/vyrec_10.$v.json"
done
# The scenarios: NOP rings dispatched over 512 to 4,096 workgroups, the
# scan alone (1,048,576 slots, every one DONE: empty.json), and a build.
python3 - "$dest" <<'PY'
import sys
sys.path.insert(0, 'bench')
import gpu  # one home for the scenarios' shape
dest = sys.argv[1]
for w in (512, 1024, 2048, 4096):
    gpu.write_json('%s/nop_%d.json' % (dest, w), gpu.nop_scenario(1048576, w))
gpu.write_json(dest + '/empty.json', gpu.nop_scenario(1048576, 1024, status='DONE'))
gpu.write_json(dest + '/build.json', gpu.BUILD_SCENARIO)
PY
# DEST/time.sh, sourced by the scripts below: t MODULE SCENARIO prints the
# best of 5 dispatches of MODULE (.spv, .json) on SCENARIO.
cat > "$dest/time.sh" <<'SH'
ICD=${VYRE_ICD:-/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json}
t() {
  VK_ICD_FILENAMES=$ICD ./bin/vyre-run --time --repeat 5 $1.spv $1.json $2 2>&1 >/dev/null |
    grep dispatch | sed "s|^|$2 $1: |"
}
SH
cat > "$dest/empty.sh" <<'SH'
#!/bin/sh
cd "$(dirname "$0")" && . ./time.sh
for m in vyrec_10 glslang_10 vyrec_10.x-min; do t $m empty.json; done
SH
chmod +x "$dest/empty.sh"
# What a NOP slot waits on (DEST/diag.sh): each hook alone, timed by
# vyre-run itself (gpu.py records a wrong DONE_COUNT as an error, not a
# time), NOP rings over 512 to 4,096 workgroups, the scan alone (empty.sh),
# and ten pipeline builds per module taking turns (the build's noise).
cat > "$dest/diag.sh" <<'SH'
#!/bin/sh
cd "$(dirname "$0")" && . ./time.sh
for m in vyrec_10 glslang_10 vyrec_10.x-nofence vyrec_10.x-nocas vyrec_10.x-nodc \
  vyrec_10.x-nomet vyrec_10.x-min vyrec_10.x-dcdefer vyrec_10.x-norun vyrec_10.x-ownonly \
  vyrec_10.portable; do
  t $m nop_1024.json
done
for w in 512 2048 4096; do for m in vyrec_10 glslang_10; do t $m nop_$w.json; done; done
./empty.sh
for i in 1 2 3 4 5 6 7 8 9 10; do
  for m in vyrec_10 glslang_10 vyrec_10.portable vyrec_10.x-small; do
    __GL_SHADER_DISK_CACHE=0 VK_ICD_FILENAMES=$ICD ./bin/vyre-run --time $m.spv $m.json build.json 2>&1 >/dev/null |
      grep "^pipeline" | tr '\n' ' ' | sed "s|^|build $m: |"; echo
  done
done
SH
chmod +x "$dest/diag.sh"
# DEST/floor.sh: the floor (bench/floor.comp, staged by gpu-stage.sh) beside
# the default module, the peer and x-min, over 1,024 to 4,096 workgroups.
cat > "$dest/floor.sh" <<'SH'
#!/bin/sh
cd "$(dirname "$0")" && . ./time.sh
for r in 1 2; do
  for m in vyrec_10 glslang_10 floor_cas floor_plain vyrec_10.x-min; do t $m nop_1024.json; done
done
for m in floor_cas floor_plain; do t $m nop_2048.json; t $m nop_4096.json; t $m empty.json; done
SH
chmod +x "$dest/floor.sh"
rm -rf "$src"
du -sh "$dest"
