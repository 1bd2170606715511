#!/usr/bin/env python3
"""Runtime throughput of compiled megakernels through vyre-run (issue 6).

Needs only: a vyre-run binary, python3 (standard library), bench/gen.py
beside this file, and a folder of prebuilt modules as bench/run leaves them
in bench/build-out/:

  vyrec_N.spv   vyrec_N.json (manifest)   glslang_N.spv   ceiling.spv

For every N it runs the same seeded scenario (a mix of user handlers,
built-ins and packed slots, all published, SHUTDOWN preset so the kernel
drains the ring and leaves) through vyrec's module and glslang's
module (with vyrec's manifest and that module's SHA-256: the bindings and
protocol are identical by construction), and the same scenario with every
slot already DONE.

vyre-run's wall time includes process start, Vulkan instance and device
creation, pipeline compilation, reading the scenario and printing the
result; the DONE baseline has all of that (same module, same file size,
same ring scan) but claims no slot, so

    slots/s = slots / (best time published - best time baseline)

is the cost of claiming, dispatching, running and retiring the slots.

Usage: runtime.py --dir bench/out --vyre-run PATH [--driver lavapipe|nvidia]
                  [-n 10 100 1000] [--slots S] [--workgroups W] [--repeats R]
"""

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen  # noqa: E402

ICDS = {
    'lavapipe': '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json',
    'nvidia': '/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json',
}
DEFAULTS = {  # slots, workgroups
    # lavapipe: llvmpipe ends every loop of an invocation once it has run
    # 65,535 loop iterations in all (docs/scenario.md, "lavapipe"), so each
    # invocation gets 8 slots (the ceiling kernel's 4,097 adds per slot fit).
    'lavapipe': (131072, 256),
    'nvidia': (1048576, 1024),
}


def driver_env(driver):
    env = dict(os.environ)
    icd = ICDS.get(driver, driver)
    env['VK_DRIVER_FILES'] = icd
    env['VK_ICD_FILENAMES'] = icd  # older loaders
    return env


def device_name(vyre_run, env):
    try:
        p = subprocess.run([vyre_run, '--list-devices'], env=env, capture_output=True,
                           text=True, timeout=60)
        text = (p.stdout + p.stderr).strip()
        return text.splitlines()[0] if text else 'unknown (no output)'
    except Exception as e:  # noqa: BLE001
        return 'unknown (%s)' % e


# If vyre-run learns to time the dispatch itself (`--time`, printing
# "dispatch: <float> ms" on stderr), that time replaces the wall-clock
# difference below, which cannot resolve a GPU's per-slot cost next to
# vyre-run's own per-slot cost of reading the scenario.
DISPATCH_RE = re.compile(r'dispatch:\s*([0-9.]+)\s*(ms|us|s)\b')
TIME_FLAG = []


def detect_time_flag(vyre_run):
    try:
        p = subprocess.run([vyre_run, '--help'], capture_output=True, text=True, timeout=30)
        if '--time' in p.stdout + p.stderr:
            TIME_FLAG[:] = ['--time']
    except Exception:  # noqa: BLE001
        pass


def run_once(vyre_run, spv, manifest, scen, env, timeout):
    t0 = time.perf_counter()
    try:
        p = subprocess.run([vyre_run] + TIME_FLAG + [spv, manifest, scen], env=env,
                           capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, 'timed out after %d s' % timeout, None
    dt = time.perf_counter() - t0
    if p.returncode != 0:
        return None, 'exit %d: %s' % (p.returncode, (p.stderr or p.stdout).strip()[-300:]), None
    try:
        out = json.loads(p.stdout)
    except ValueError:
        return None, 'unparsable output: %s' % p.stdout[:200], None
    m = DISPATCH_RE.search(p.stderr) if TIME_FLAG else None
    if m:
        out['_dispatch_s'] = float(m.group(1)) * {'s': 1, 'ms': 1e-3, 'us': 1e-6}[m.group(2)]
    return dt, None, out


def control_words(out):
    c = out.get('control', {})
    return {int(k): v for k, v in c.items()}


def scenario_files(d, n, slots, workgroups, seed):
    """Writes (once) the published and the baseline scenario for n handlers."""
    paths = []
    for base in (False, True):
        name = 'scenario_%d_%d_%d%s.json' % (n, slots, workgroups, '_base' if base else '')
        path = os.path.join(d, name)
        if not os.path.exists(path):
            with open(path, 'w') as f:
                json.dump(gen.scenario(n, slots, seed, workgroups, baseline=base), f,
                          separators=(',', ':'))
        paths.append(path)
    return paths


def peer_manifest(spv, manifest):
    """The manifest of a glslang-built peer module, from vyrec's (the peer
    has vyrec's bindings and spec constants): spv's SHA-256, which vyre-run
    checks, and no portable entry point (the peer has one, `main`, which
    vyre-run then builds on a CPU device too)."""
    m = json.load(open(manifest))
    m['module_sha256'] = hashlib.sha256(open(spv, 'rb').read()).hexdigest()
    if isinstance(m.get('skeleton'), dict):
        m['skeleton']['portable_entry_point'] = None
    return m


def manifest_for(spv, manifest):
    """A manifest for spv: vyrec's own where it describes spv, else the
    peer's (peer_manifest), written beside spv."""
    digest = hashlib.sha256(open(spv, 'rb').read()).hexdigest()
    if json.load(open(manifest)).get('module_sha256') == digest:
        return manifest
    m = peer_manifest(spv, manifest)
    path = spv + '.manifest.json'
    with open(path, 'w') as f:
        json.dump(m, f, indent=1)
    return path


def measure(vyre_run, spv, manifest, pub, base, slots, env, repeats, timeout, per_slot=1):
    """One unmeasured warm-up run of the baseline (it pays the driver's
    pipeline compilation and fills the driver's shader cache), then
    best-of-repeats for the published and baseline scenarios, interleaved so
    drift on a shared machine hits both alike."""
    t_warm, err, _ = run_once(vyre_run, spv, manifest, base, env, timeout)
    if err:
        return {'error': 'warm-up run: ' + err}
    best_pub = best_base = best_dispatch = None
    out_pub = None
    for _ in range(repeats):
        dt, err, out = run_once(vyre_run, spv, manifest, pub, env, timeout)
        if err:
            return {'error': 'published run: ' + err}
        cw = control_words(out)
        if cw.get(1) != slots:
            return {'error': 'DONE_COUNT %s, expected %d' % (cw.get(1), slots)}
        if cw.get(141, 0) != 0:
            return {'error': '%d unknown opcodes' % cw.get(141)}
        out_pub = out
        best_pub = dt if best_pub is None else min(best_pub, dt)
        if '_dispatch_s' in out:
            d = out['_dispatch_s']
            best_dispatch = d if best_dispatch is None else min(best_dispatch, d)
        dt, err, out = run_once(vyre_run, spv, manifest, base, env, timeout)
        if err:
            return {'error': 'baseline run: ' + err}
        best_base = dt if best_base is None else min(best_base, dt)
    work = best_pub - best_base
    r = {'t_published': best_pub, 't_baseline': best_base, 't_slots': work,
         't_first_run': t_warm,
         # The first run's extra time: pipeline compilation by the driver,
         # when its shader cache did not have the module yet.
         't_driver_compile': max(0.0, t_warm - best_base),
         'metrics': [control_words(out_pub).get(i, 0) for i in range(96, 128)]}
    if best_dispatch is not None:
        r['t_dispatch'] = best_dispatch
        r['slots_per_s'] = slots * per_slot / best_dispatch
    elif work <= 0.02 * best_base or work <= 0:
        r['error'] = 'no measurable difference (%.3f s vs %.3f s); use more slots' % (
            best_pub, best_base)
    else:
        r['slots_per_s'] = slots * per_slot / work
    return r


def main(argv=None):
    ap = argparse.ArgumentParser(description='vyre-run throughput (see the module doc)')
    ap.add_argument('--dir', default=os.path.join(HERE, 'build-out'))
    ap.add_argument('--vyre-run', default=None)
    ap.add_argument('--driver', default='lavapipe',
                    help='lavapipe, nvidia, or a path to an ICD json')
    ap.add_argument('-n', type=int, nargs='+', default=[10, 100, 1000])
    ap.add_argument('--slots', type=int, default=None)
    ap.add_argument('--workgroups', type=int, default=None)
    ap.add_argument('--repeats', type=int, default=3)
    ap.add_argument('--timeout', type=int, default=300)
    ap.add_argument('--seed', type=lambda s: int(s, 0), default=gen.SEED)
    ap.add_argument('--json', default=None, help='write the results here')
    ap.add_argument('--markdown', default=None, help='write the table here')
    a = ap.parse_args(argv)

    d = a.dir
    vr = a.vyre_run
    if vr is None:
        for cand in (os.path.join(d, 'bin', 'vyre-run'),
                     os.path.join(HERE, '..', 'build-bench', 'bin', 'vyre-run')):
            if os.access(cand, os.X_OK):
                vr = cand
                break
    slots, wgs = DEFAULTS.get(a.driver, DEFAULTS['nvidia'])
    slots = a.slots or slots
    wgs = a.workgroups or wgs
    env = driver_env(a.driver)
    res = {'driver': a.driver, 'icd': env['VK_DRIVER_FILES'], 'slots': slots,
           'workgroups': wgs, 'repeats': a.repeats, 'rows': [], 'notes': []}
    if not vr or not os.access(vr, os.X_OK):
        res['skipped'] = 'vyre-run not available (build-bench/bin/vyre-run missing)'
        return finish(res, a)
    res['device'] = device_name(vr, env)
    if res['device'].startswith('vyre-run:') or res['device'].startswith('unknown'):
        res['skipped'] = 'no Vulkan device through %s: %s' % (env['VK_DRIVER_FILES'], res['device'])
        return finish(res, a)
    detect_time_flag(vr)
    res['method'] = ('vyre-run --time (dispatch time)' if TIME_FLAG else
                     'wall-clock difference against the all-DONE baseline')
    if 'CPU' not in res['device'] and a.driver == 'lavapipe':
        res['notes'].append('device line: ' + res['device'])

    print('runtime: %s, %d slots, %d workgroups, best of %d' % (
        res['device'], slots, wgs, a.repeats), flush=True)
    ceiling_done = False
    for n in a.n:
        v_spv = os.path.join(d, 'vyrec_%d.spv' % n)
        man = os.path.join(d, 'vyrec_%d.json' % n)
        g_spv = os.path.join(d, 'glslang_%d.spv' % n)
        if not (os.path.exists(v_spv) and os.path.exists(man)):
            res['notes'].append('N=%d: no vyrec module/manifest, skipped' % n)
            continue
        pub, base = scenario_files(d, n, slots, wgs, a.seed)
        row = {'n': n}
        for label, spv in (('vyrec', v_spv), ('glslang', g_spv)):
            if not os.path.exists(spv):
                row[label] = {'error': 'module missing'}
                continue
            print('  N=%-5d %-8s ...' % (n, label), end='', flush=True)
            r = measure(vr, spv, manifest_for(spv, man), pub, base, slots, env,
                        a.repeats, a.timeout)
            row[label] = r
            print(' %s' % (r.get('error') or
                           '%.3g slots/s (run %.2f s, baseline %.2f s, first run %.2f s)' % (
                               r['slots_per_s'], r['t_published'], r['t_baseline'],
                               r['t_first_run'])), flush=True)
        mv, mg = row['vyrec'].get('metrics'), row['glslang'].get('metrics')
        if mv is not None and mg is not None:
            row['metrics_equal'] = mv == mg
        res['rows'].append(row)
        c_spv = os.path.join(d, 'ceiling.spv')
        if not ceiling_done and os.path.exists(c_spv):
            print('  ceiling  ...', end='', flush=True)
            r = measure(vr, c_spv, manifest_for(c_spv, man), pub, base, slots, env,
                        a.repeats, a.timeout, per_slot=gen.CEILING_REPEAT + 1)
            res['ceiling'] = r
            ceiling_done = True
            print(' %s' % (r.get('error') or '%.3g slots/s' % r['slots_per_s']), flush=True)
    return finish(res, a)


def fmt_rate(r):
    if r is None:
        return 'n/a'
    if 'error' in r:
        return 'error: ' + r['error']
    return '%.3g' % r['slots_per_s']


def markdown(res):
    out = []
    if res.get('skipped'):
        return ['Runtime (%s): skipped: %s.' % (res['driver'], res['skipped'])]
    out.append('Device: %s (ICD `%s`); %d slots per run, %d workgroups of 64, '
               'best of %d; method: %s.'
               % (res.get('device'), res['icd'], res['slots'], res['workgroups'],
                  res['repeats'], res.get('method', '-')))
    out.append('')
    out.append('| N | vyrec slots/s | glslang slots/s | vyrec / glslang | vyrec vs N=%s | '
               'metrics equal | driver compile s (vyrec / glslang) |' % (
                   res['rows'][0]['n'] if res['rows'] else '-'))
    out.append('|---:|---:|---:|---:|---:|:---:|---:|')
    first = None
    for row in res['rows']:
        v, g = row.get('vyrec'), row.get('glslang')
        vr = v.get('slots_per_s') if v else None
        gr = g.get('slots_per_s') if g else None
        if first is None and vr:
            first = vr
        ratio = '%.2f' % (vr / gr) if vr and gr else 'n/a'
        scal = '%.2f' % (vr / first) if vr and first else 'n/a'
        eq = {True: 'yes', False: 'NO'}.get(row.get('metrics_equal'), 'n/a')
        dc = ' / '.join('%.2f' % x.get('t_driver_compile') if x and 't_driver_compile' in x
                        else '-' for x in (v, g))
        out.append('| %d | %s | %s | %s | %s | %s | %s |' % (row['n'], fmt_rate(v), fmt_rate(g),
                                                          ratio, scal, eq, dc))
    if 'ceiling' in res:
        out.append('')
        out.append('Raw atomic-add ceiling (bench/build-out/ceiling.comp: relaxed atomicAdds on one '
                   'word, %d per published slot, same ring scan): %s atomic adds/s, i.e. the '
                   'slots/s of a kernel whose slots cost one atomicAdd.' % (
                       gen.CEILING_REPEAT + 1, fmt_rate(res['ceiling'])))
    for note in res['notes']:
        out.append('')
        out.append('Note: ' + note)
    return out


def finish(res, a):
    md = markdown(res)
    if a.json:
        with open(a.json, 'w') as f:
            json.dump(res, f, indent=1)
    if a.markdown:
        with open(a.markdown, 'w') as f:
            f.write('\n'.join(md) + '\n')
    print('\n'.join(md))
    return res


if __name__ == '__main__':
    main()
