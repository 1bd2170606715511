#!/usr/bin/env python3
"""bench/driver_build.py: the driver's pipeline-build time (issue 11 item 3).

How long a Vulkan driver takes to turn the module into pipelines
(vkCreateComputePipelines), for vyrec's sharded module (every shard built on
parallel threads, as vyre-run and a host following docs/embedding.md do),
optionally vyrec's unsharded module, and the glslang-built peer of
bench/gen.py. Measure with the driver's shader cache off
(`__GL_SHADER_DISK_CACHE=0` on NVIDIA; this script sets it).

  # here (needs vyrec and glslangValidator):
  bench/driver_build.py prepare --dir D --vyrec build/bin/vyrec -n 10 100 400
  # on the GPU machine (needs only vyre-run and the Vulkan loader):
  bench/driver_build.py measure --dir D --vyre-run D/vyre-run \\
      --icd /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json \\
      -n 10 100 400 [--peer 10 100 400] [--unsharded 10 100] [--json out.json]

`prepare` writes, per N: bench_N.vyre/.comp (gen.py), vyrec_N.spv/.json
(unsharded), vyrec_N_shards.spv/.json (--shards=auto) and glslang_N.spv.
`measure` prints one line per module and writes
{"driver_build": {"N": {"vyrec_s": s, "shards": K, "glslang_s": s,
"vyrec_unsharded_s": s}}} (keys absent where not measured), the shape of
bench/results-gpu.json's "driver_build". The peer is built with the
unsharded manifest: the same bindings, entry point "main".

Standard library only.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH)


def run(cmd, env=None, timeout=None):
    p = subprocess.run(cmd, capture_output=True, text=True, env=env,
                       timeout=timeout)
    if p.returncode != 0:
        raise SystemExit('driver_build: %s failed (%d): %s' %
                         (' '.join(cmd), p.returncode, (p.stderr or p.stdout)[-500:]))
    return p.stdout


def prepare(a):
    os.makedirs(a.dir, exist_ok=True)
    run([sys.executable, os.path.join(BENCH, 'gen.py'), '--out', a.dir, '-n'] +
        [str(n) for n in a.n])
    for n in a.n:
        src = os.path.join(a.dir, 'bench_%d.vyre' % n)
        for suffix, extra in (('', []), ('_shards', ['--shards=auto'])):
            out = os.path.join(a.dir, 'vyrec_%d%s' % (n, suffix))
            run([a.vyrec, '-w', src, '-o', out + '.spv', '--manifest',
                 out + '.json'] + extra)
        run([a.glslang, '-V', '--target-env', 'vulkan1.1', '-o',
             os.path.join(a.dir, 'glslang_%d.spv' % n),
             os.path.join(a.dir, 'bench_%d.comp' % n)])


LINE = re.compile(r'pipelines: (\d+) built in ([0-9.]+) s')


def build_time(a, spv, manifest, env):
    t0 = time.perf_counter()
    out = run([a.vyre_run, '--build-only', spv, manifest] +
              (['--build-threads', str(a.threads)] if a.threads else []),
              env=env, timeout=a.timeout)
    m = LINE.search(out)
    if not m:
        raise SystemExit('driver_build: no build time in: ' + out[-300:])
    return int(m.group(1)), float(m.group(2)), time.perf_counter() - t0


def measure(a):
    env = dict(os.environ, __GL_SHADER_DISK_CACHE='0')
    if a.icd:
        env['VK_DRIVER_FILES'] = a.icd
    res = {}
    for n in a.n:
        d = os.path.join(a.dir, 'vyrec_%d' % n)
        r = res.setdefault(str(n), {})
        k, s, _ = build_time(a, d + '_shards.spv', d + '_shards.json', env)
        r['vyrec_s'], r['shards'] = s, k
        print('N=%-5d vyrec  %3d pipelines %8.3f s' % (n, k, s), flush=True)
        if n in a.unsharded:
            _, s, _ = build_time(a, d + '.spv', d + '.json', env)
            r['vyrec_unsharded_s'] = s
            print('N=%-5d vyrec  unsharded     %8.3f s' % (n, s), flush=True)
        if a.peer is None or n in a.peer:
            _, s, _ = build_time(a, os.path.join(a.dir, 'glslang_%d.spv' % n),
                                 d + '.json', env)
            r['glslang_s'] = s
            print('N=%-5d glslang 1 pipeline   %8.3f s' % (n, s), flush=True)
    if a.json:
        with open(a.json, 'w') as f:
            json.dump({'driver_build': res}, f, indent=2, sort_keys=True)
            f.write('\n')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    p = sub.add_parser('prepare')
    p.add_argument('--dir', required=True)
    p.add_argument('--vyrec', required=True)
    p.add_argument('--glslang', default='glslangValidator')
    p.add_argument('-n', type=int, nargs='+', default=[10, 100, 200, 400, 1000])
    m = sub.add_parser('measure')
    m.add_argument('--dir', required=True)
    m.add_argument('--vyre-run', required=True)
    m.add_argument('--icd')
    m.add_argument('-n', type=int, nargs='+', default=[10, 100, 200, 400, 1000])
    m.add_argument('--peer', type=int, nargs='*',
                   help='time the peer only at these N (default: every N)')
    m.add_argument('--unsharded', type=int, nargs='*', default=[],
                   help='also time the unsharded module at these N')
    m.add_argument('--threads', type=int, help='vyre-run --build-threads')
    m.add_argument('--timeout', type=float, default=590)
    m.add_argument('--json')
    a = ap.parse_args()
    (prepare if a.cmd == 'prepare' else measure)(a)


if __name__ == '__main__':
    main()
