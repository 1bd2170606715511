#!/usr/bin/env python3
"""bench/gpu.py: vyrec's module against the glslang-built peer on a GPU (issue 11).

Runs on the GPU machine with only python3, this bench/ folder, vyre-run and
a folder of prebuilt modules (bench/run, or scripts/gpu-bench-stage.sh):

  vyrec_N.spv  vyrec_N.json (manifest)  glslang_N.spv  [glslang_N.json]
  [vyrec_N.VARIANT.spv ...]  extra vyrec modules (e.g. portable: the
                             --skeleton=portable module) measured beside
  [floor_cas.spv floor_plain.spv]  bench/floor.comp with and without its
                             CAS, with manifests: the NOP ring's floor

and measures, in one run, side by side:

  nop     1,048,576 NOP slots (1024 workgroups x 64): slots/s from the
          dispatch's GPU time (vyre-run --time, timestamp queries); also
          the floor kernels (floor.cas, floor.plain: claiming and
          completing each slot and nothing else)
  mix     the seeded bench mix over N=10 handlers (gen.scenario), likewise
  build   pipeline creation wall time (vyre-run --time's "pipeline:") with
          the driver's shader cache off (__GL_SHADER_DISK_CACHE=0) for each N
          given, every pipeline of the module built as vyre-run builds them;
          the best and the median of --build-repeats (7; at most 3 above
          N=100) builds, the modules taking turns
  latency round trips (vyre-run --latency, issue 26): the N=10 module
          resident (1024 x 64 invocations, a ring of --slots slots), one NOP
          request at a time published and waited for (p50, p99, max), bursts
          of 64, and one vkQueueSubmit + vkWaitForFences per request, for the
          default module (the host publishes by status word) and
          vyrec_10.doorbell (kernel.PUBLISH = publish.DOORBELL),
          vyrec_10.mirror (the doorbell module with a completion mirror,
          which the host waits on), and any staged vyrec_10.x-NAME whose
          NAME says doorbell or mirror (an earlier build, beside them in
          the same run)
  full    the full-state workload (bench/fullstate.py): fullstate.VARIANT.spv
          for every skeleton, the doorbell and the completion mirror,
          --slots slots, whose whole final state (the mirror's words too)
          must equal vyre-interp's

nop and mix run with the buffers in device-local host-visible memory (what
vyre-run chooses where the device has it) and once more in system memory
(--memory=host). results_equal compares the control words 0 .. OBSERVABLE_BASE
of both kernels' results (SHUTDOWN, DONE_COUNT, metrics, EPOCH, the error
counters and the reserved words) except words 2..31, on which the mix's
COMPARE_SWAP slots race (the first CAS of each word wins, in whichever order
the GPU runs them), like the observables, which are not compared.

With --webgpu CMD (the WebGPU host, tools/vyre-run-webgpu: `node
.../vyre-run-webgpu.mjs`), nop and mix also run vyrec's WGSL modules
(webgpu_10.wgsl: the grouped loop, as the SPIR-V default; webgpu_10.portable.wgsl:
WebGPU's default loop) through Dawn in the same run, timed by
`timestamp-query` (unquantized), with the same results_equal check against
the glslang peer, and their pipeline creation time.

Writes the issue's JSON (--json) and a Markdown report (--markdown).
"""

import argparse
import datetime
import json
import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen  # noqa: E402
import fullstate  # noqa: E402

NVIDIA_ICD = '/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json'
TIMES = {
    'dispatch': re.compile(r'^dispatch:\s*([0-9.]+) ms', re.M),
    'pipeline': re.compile(r'^pipeline:\s*([0-9.]+) ms', re.M),
}
MEMORY = re.compile(r'^memory:\s*(.*)$', re.M)
# vyre-run --pipeline-stats: `stats: ENTRY: EXECUTABLE: NAME=VALUE; ...`.
STATS = re.compile(r'^stats: ([^:\n]+): ([^:\n]+): (.*)$', re.M)


def pipeline_stats(stderr):
    """{entry: {executable: {name: value}}} from vyre-run --pipeline-stats
    (empty where the driver has no VK_KHR_pipeline_executable_properties)."""
    out = {}
    for entry, executable, pairs in STATS.findall(stderr):
        values = {}
        for pair in pairs.split('; '):
            name, _, value = pair.partition('=')
            try:
                values[name.strip()] = int(value)
            except ValueError:
                values[name.strip()] = value
        out.setdefault(entry, {})[executable] = values
    return out


def log(msg):
    print(msg, flush=True)


def run(vr, spv, manifest, scen, env, timeout, extra=()):
    """One vyre-run --time (or the WebGPU host's: VR is then a command list):
    (result JSON, {dispatch_s, pipeline_s, memory}) or (None, error text)."""
    cmd = (list(vr) if isinstance(vr, list) else [vr]) + ['--time'] + list(extra) + [spv, manifest, scen]
    try:
        p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, 'timed out after %d s' % timeout
    if p.returncode != 0:
        return None, 'exit %d: %s' % (p.returncode, (p.stderr or p.stdout).strip()[-400:])
    info = {}
    for key, rx in TIMES.items():
        m = rx.search(p.stderr)
        if m:
            info[key + '_s'] = float(m.group(1)) / 1e3
    m = MEMORY.search(p.stderr)
    info['memory'] = m.group(1).strip() if m else 'unknown'
    stats = pipeline_stats(p.stderr)
    if stats:
        info['stats'] = stats
    try:
        return json.loads(p.stdout), info
    except ValueError:
        return None, 'unparsable output: ' + p.stdout[:200]


# Control words the mix's COMPARE_SWAP slots race on (gen.scenario_slots:
# arg0 in 2..31): not compared.
RACY = range(2, 32)


def control(out):
    return {int(k): v for k, v in out.get('control', {}).items() if int(k) not in RACY}


def write_json(path, obj):
    with open(path, 'w') as f:
        json.dump(obj, f, separators=(',', ':'))


# What the throughput rows read back: the control words below the
# observables.
OUTPUT = {'control': [[0, gen.P['control.OBSERVABLE_BASE']]], 'ring_status': False,
          'debug_records': 'count'}
# A scenario that only builds the pipelines (and runs an empty ring).
BUILD_SCENARIO = {'comment': 'bench/gpu.py: pipeline build only', 'workgroups': 1,
                  'spec': {'slot.COUNT': 64}, 'shutdown': True, 'service_io': False,
                  'timeout_ms': 600000, 'slots': [], 'output': {'control': [[1, 2]]}}


def nop_scenario(slots, workgroups, status=None):
    """A ring of `slots` NOP slots, all PUBLISHED (or all `status`, such as
    DONE: the scan alone), dispatched over `workgroups`."""
    ring = {'opcode': 'NOP', 'repeat': slots}
    if status:
        ring['status'] = status
    return {'comment': 'bench/gpu.py: NOP slots', 'workgroups': workgroups,
            'spec': {'slot.COUNT': slots}, 'shutdown': True, 'service_io': False,
            'timeout_ms': 600000, 'slots': [ring], 'output': OUTPUT}


def scenarios(d, slots, workgroups, seed):
    """The NOP and mix scenarios (written once: the mix is large)."""
    nop = os.path.join(d, 'gpu_nop_%d_%d.json' % (slots, workgroups))
    if not os.path.exists(nop):
        write_json(nop, nop_scenario(slots, workgroups))
    mix = os.path.join(d, 'gpu_mix_%d_%d.json' % (slots, workgroups))
    if not os.path.exists(mix):
        s = gen.scenario(10, slots, seed, workgroups)
        s['output'] = OUTPUT
        write_json(mix, s)
    build = os.path.join(d, 'gpu_build.json')
    if not os.path.exists(build):
        write_json(build, BUILD_SCENARIO)
    return nop, mix, build


def throughput(vr, spv, manifest, scen, slots, env, repeats, timeout, extra):
    """The fastest of repeats dispatches in one vyre-run (--repeat: the
    scenario is read and the pipeline built once)."""
    out, info = run(vr, spv, manifest, scen, env, timeout,
                    list(extra) + ['--repeat', str(repeats)])
    if out is None:
        return {'error': info}
    c = control(out)
    if c.get(1) != slots:
        return {'error': 'DONE_COUNT %s, expected %d' % (c.get(1), slots)}
    if 'dispatch_s' not in info:
        return {'error': 'no dispatch time (the queue has no timestamps)'}
    best = dict(info, control=c)
    best['slots_per_s'] = slots / best['dispatch_s']
    return best


def modules(d, n):
    """(label, spv, manifest) of every module measured for N handlers:
    vyrec, glslang, then the vyrec variants."""
    man = os.path.join(d, 'vyrec_%d.json' % n)
    gman = os.path.join(d, 'glslang_%d.json' % n)
    out = [('vyrec', os.path.join(d, 'vyrec_%d.spv' % n), man),
           ('glslang', os.path.join(d, 'glslang_%d.spv' % n),
            gman if os.path.exists(gman) else man)]
    prefix = 'vyrec_%d.' % n
    for f in sorted(os.listdir(d)):
        if f.startswith(prefix) and f.endswith('.spv'):
            variant = f[len(prefix):-4]
            if not variant:
                continue
            vman = os.path.join(d, 'vyrec_%d.%s.json' % (n, variant))
            out.append(('vyrec.' + variant, os.path.join(d, f),
                        vman if os.path.exists(vman) else man))
    return [m for m in out if os.path.exists(m[1]) and os.path.exists(m[2])]


def timed_rows(cmd, mods, scen, slots, env, a, extra=(),
               note=lambda r: '(%s)' % r['memory']):
    """{label: throughput} of each (label, module, manifest) in `mods`, run
    by `cmd` on `scen`, each logged with `note` (default: its memory)."""
    row = {}
    for label, module, man in mods:
        r = throughput(cmd, module, man, scen, slots, env, a.repeats, a.timeout, extra)
        row[label] = r
        log('    %-18s %s' % (label, r.get('error') or '%.3f ms  %.3g slots/s  %s' % (
            r['dispatch_s'] * 1e3, r['slots_per_s'], note(r))))
    return row


def side_by_side(vr, d, n, scen, slots, env, a, extra, variants=True):
    return timed_rows(vr, modules(d, n)[:None if variants else 2], scen, slots, env, a, extra)


def webgpu_modules(d, n):
    """(label, wgsl, manifest) of vyrec's WGSL modules for N handlers."""
    out = [('webgpu', 'webgpu_%d' % n), ('webgpu.portable', 'webgpu_%d.portable' % n)]
    return [(label, os.path.join(d, stem + '.wgsl'), os.path.join(d, stem + '.json'))
            for label, stem in out if os.path.exists(os.path.join(d, stem + '.wgsl'))]


def webgpu_rows(cmd, d, scen, slots, env, a):
    return timed_rows(cmd, webgpu_modules(d, 10), scen, slots, env, a,
                      note=lambda r: 'pipeline %.3f s' % r.get('pipeline_s', 0))


def webgpu_summary(row, spirv):
    """The WebGPU rows with the SPIR-V rows' keys: vyrec_slots_per_s is the
    WGSL module's (the grouped loop), beside the same run's peer and SPIR-V."""
    w, g, v = row.get('webgpu', {}), spirv.get('glslang', {}), spirv.get('vyrec', {})
    out = summary({'vyrec': w, 'glslang': g})
    out['spirv_slots_per_s'] = v.get('slots_per_s')
    out['portable_slots_per_s'] = row.get('webgpu.portable', {}).get('slots_per_s')
    out['pipeline_s'] = w.get('pipeline_s')
    if 'error' in w:
        out['error'] = w['error']
    return out


def floor_rows(vr, d, scen, slots, env, a):
    """The floor (bench/floor.comp) on the NOP ring: claiming and
    completing each slot with nothing else, with the claim's CAS
    (floor.cas) and without (floor.plain)."""
    mods = [('floor.' + v, os.path.join(d, 'floor_%s.spv' % v),
             os.path.join(d, 'floor_%s.json' % v)) for v in ('cas', 'plain')]
    return timed_rows(vr, [m for m in mods if os.path.exists(m[1]) and os.path.exists(m[2])],
                      scen, slots, env, a)


def summary(row):
    v, g = row.get('vyrec', {}), row.get('glslang', {})
    out = {'vyrec_slots_per_s': v.get('slots_per_s'),
           'glslang_slots_per_s': g.get('slots_per_s'),
           'results_equal': ('control' in v and 'control' in g
                             and v['control'] == g['control'])}
    for label in ('floor.cas', 'floor.plain'):
        if label in row:
            out[label.replace('.', '_') + '_slots_per_s'] = row[label].get('slots_per_s')
    return out


def variants_equal(row):
    """{label: whether its control words equal vyrec's} for every vyrec
    variant of a row (results_equal compares vyrec with glslang only)."""
    base = row.get('vyrec', {}).get('control')
    return {label: ('control' in r and base is not None and r['control'] == base)
            for label, r in row.items() if label.startswith('vyrec.')}


def latency_run(vr, spv, man, scen, env, requests, timeout, extra=()):
    """One vyre-run --latency: its JSON, or {'error': ...}."""
    cmd = [vr, '--latency', str(requests)] + list(extra) + [spv, man, scen]
    try:
        p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {'error': 'timed out after %d s' % timeout}
    try:
        out = json.loads(p.stdout)
    except ValueError:
        return {'error': 'exit %d: %s' % (p.returncode, (p.stderr or p.stdout).strip()[-400:])}
    if p.returncode != 0 and 'error' not in out:
        out['error'] = 'exit %d: %s' % (p.returncode, p.stderr.strip()[-400:])
    return out


def latency(vr, d, env, a):
    """The latency section: {label/placement: vyre-run --latency JSON}."""
    def scenario(slots):
        path = os.path.join(d, 'gpu_latency_%d_%d.json' % (slots, a.workgroups))
        write_json(path, {'comment': 'bench/gpu.py: round trips', 'workgroups': a.workgroups,
                          'spec': {'slot.COUNT': slots}, 'service_io': False,
                          'timeout_ms': 10000, 'slots': [{'opcode': 'NOP'}]})
        return path
    scen, small = scenario(a.slots), scenario(64)
    rows = {}
    for label, spv, man in modules(d, 10):
        # The default module, its doorbell and mirror variants, and any
        # staged x- variant of them (an earlier build, measured beside).
        if label not in ('vyrec', 'vyrec.doorbell', 'vyrec.mirror') and not (
                label.startswith('vyrec.x-') and
                ('doorbell' in label or 'mirror' in label)):
            continue
        # The ring, then a ring of 64 slots (the issue measured
        # 68 us there too). Not in system memory: a running kernel does not
        # see the host's writes there, and vyre-run refuses it
        # (docs/gpu-runs.md, 2026-12-07).
        for placement, extra, requests, ring in (
                ('device', [], a.latency_requests, scen),
                ('device/ring64', [], 2000, small)):
            r = latency_run(vr, spv, man, ring, env, requests, a.timeout, extra)
            rows['%s/%s' % (label, placement)] = r
            log('    %-26s %s' % ('%s/%s' % (label, placement), r.get('error') or
                'resident p50 %.2f p99 %.2f max %.2f us, submit p50 %.2f p99 %.2f us, '
                'burst64 p50 %.2f us' % (
                    r['resident']['p50_us'], r['resident']['p99_us'], r['resident']['max_us'],
                    r['submit']['p50_us'], r['submit']['p99_us'], r['burst64']['p50_us'])))
    return rows


def latency_summary(rows):
    """The issue's keys, from the doorbell module where there is one (the
    latency design; on an H100 the completion mirror answered 0.4 us later
    at the median, docs/gpu-runs.md), else the mirror's, else the default
    module's."""
    for label in ('vyrec.doorbell/device', 'vyrec.mirror/device', 'vyrec/device'):
        r = rows.get(label)
        if r and 'error' not in r:
            return {'module': label.split('/')[0],
                    'completion': r.get('completion', 'status'),
                    'resident_p50_us': r['resident']['p50_us'],
                    'resident_p99_us': r['resident']['p99_us'],
                    'resident_max_us': r['resident']['max_us'],
                    'submit_p50_us': r['submit']['p50_us'],
                    'submit_p99_us': r['submit']['p99_us'],
                    'burst64_us': r['burst64']['p50_us']}
    return {'error': '; '.join('%s: %s' % (k, v.get('error')) for k, v in rows.items())}


def full_state(vr, vi, d, env, a):
    """The full-state workload: each fullstate.VARIANT.spv against vyre-interp."""
    scens = {}
    for mirror in (False, True):
        scens[mirror] = os.path.join(d, fullstate.scenario_name(a.slots, a.workgroups,
                                                                mirror=mirror))
        write_json(scens[mirror], fullstate.scenario(a.slots, a.workgroups, mirror=mirror))
    expected = {}
    res = {}
    for f in sorted(os.listdir(d)):
        if not (f.startswith('fullstate.') and f.endswith('.spv')):
            continue
        variant = f[len('fullstate.'):-4]
        # The doorbell and mirror programs by name, every skeleton from
        # fullstate.vyre; the mirror's scenario also prints its words.
        src = os.path.join(d, 'fullstate_%s.vyre' % variant
                           if variant in ('doorbell', 'mirror') else 'fullstate.vyre')
        scen = scens[variant == 'mirror']
        if src not in expected:
            try:
                p = subprocess.run([vi, src, scen], capture_output=True, text=True,
                                   timeout=a.timeout)
                expected[src] = p.stdout if p.returncode == 0 else None
            except subprocess.TimeoutExpired:
                expected[src] = None
        out, info = run(vr, os.path.join(d, f), os.path.join(d, 'fullstate.%s.json' % variant),
                        scen, env, a.timeout)
        if expected[src] is None:
            r = {'equal': None, 'error': 'vyre-interp failed or timed out'}
        elif out is None:
            r = {'equal': False, 'error': info}
        else:
            r = {'equal': out == json.loads(expected[src]), 'dispatch_s': info.get('dispatch_s')}
        res[variant] = r
        log('    %-10s %s' % (variant, r.get('error') or 'equal to the interpreter: %s'
                              % r['equal']))
    return res


def driver_build(vr, d, ns, build_scen, env, timeout, repeats):
    env = dict(env, __GL_SHADER_DISK_CACHE='0')
    res = {}
    for n in ns:
        entry = {}
        # The variants too (N=10 has them): what a smaller claim batch or
        # another skeleton saves in pipeline creation (issue 26 item 5).
        # The best and the median of `repeats` builds (3 above N=100, where
        # one build takes seconds), the modules taking turns: one build
        # varies by a third from run to run, and ten in a row drifted up
        # by as much (2026-12-07), so best of 3 cannot judge 10%.
        samples = {}
        for _ in range(repeats if n <= 100 else min(repeats, 3)):
            for label, spv, man in modules(d, n):
                if samples.get(label) is None and label in samples:
                    continue  # failed once: not again
                t0 = time.perf_counter()
                out, info = run(vr, spv, man, build_scen, env, timeout)
                wall = time.perf_counter() - t0
                if out is None:
                    samples[label] = None
                    entry[label + '_error'] = info
                    log('    N=%-5d %-8s %s (%.1f s)' % (n, label, info, wall))
                else:
                    samples.setdefault(label, []).append(info.get('pipeline_s', wall))
        for label, times in samples.items():
            entry[label + '_s'] = round(min(times), 3) if times else None
            if times:
                entry[label + '_median_s'] = round(statistics.median(times), 3)
                log('    N=%-5d %-8s %.3f s (best of %s)' % (
                    n, label, min(times), ' '.join('%.3f' % t for t in times)))
        # Then once more each, untimed, with the driver's statistics
        # (what the driver reports, such as registers: what the modules
        # cost the device beyond their build time), where it has them: a
        # module that built but reported none means the driver has none.
        for label, spv, man in modules(d, n):
            out, info = run(vr, spv, man, build_scen, env, timeout, ['--pipeline-stats'])
            if out is not None and not info.get('stats'):
                break
            if out is not None:
                entry[label + '_stats'] = info['stats']
                log('    N=%-5d %-8s %s' % (n, label, json.dumps(info['stats'])[:300]))
        if entry:
            res[str(n)] = entry
    return res


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--dir', required=True, help='the prebuilt modules')
    ap.add_argument('--vyre-run', required=True)
    ap.add_argument('--icd', default=NVIDIA_ICD)
    ap.add_argument('--slots', type=int, default=1048576)
    ap.add_argument('--workgroups', type=int, default=1024)
    ap.add_argument('--repeats', type=int, default=5)
    ap.add_argument('--timeout', type=int, default=300)
    ap.add_argument('--build-n', type=int, nargs='*', default=[10, 100, 200, 400, 1000])
    ap.add_argument('--build-repeats', type=int, default=7,
                    help='pipeline builds per module up to N=100 (at most 3 above); '
                         'the best and the median are recorded')
    ap.add_argument('--build-timeout', type=int, default=300,
                    help='seconds one pipeline build may take before it is recorded as null')
    ap.add_argument('--no-host-memory', action='store_true')
    ap.add_argument('--vyre-interp', help='vyre-interp, for the full-state workload '
                    '(default: beside vyre-run)')
    ap.add_argument('--latency-requests', type=int, default=10000)
    ap.add_argument('--no-latency', action='store_true')
    ap.add_argument('--no-full-state', action='store_true')
    ap.add_argument('--seed', type=lambda s: int(s, 0), default=gen.SEED)
    ap.add_argument('--webgpu', help='the WebGPU host command (e.g. "node '
                    'tools/vyre-run-webgpu/vyre-run-webgpu.mjs"): also run webgpu_10*.wgsl')
    ap.add_argument('--json', required=True)
    ap.add_argument('--markdown', required=True)
    a = ap.parse_args(argv)

    env = dict(os.environ, VK_DRIVER_FILES=a.icd, VK_ICD_FILENAMES=a.icd)
    p = subprocess.run([a.vyre_run, '--list-devices'], env=env, capture_output=True, text=True)
    device = (p.stdout.strip().splitlines() or ['unknown: ' + p.stderr.strip()])[0]
    device = re.sub(r'^\d+:\s*', '', device)
    try:
        driver = subprocess.run(['nvidia-smi', '--query-gpu=driver_version',
                                 '--format=csv,noheader'], capture_output=True,
                                text=True).stdout.strip().splitlines()[0]
    except (OSError, IndexError):
        driver = 'unknown'
    log('gpu bench: %s, driver %s' % (device, driver))
    nop, mix, build = scenarios(a.dir, a.slots, a.workgroups, a.seed)

    try:
        with open(os.path.join(a.dir, 'vyrec_10.json')) as f:
            claim_batch = json.load(f)['skeleton']['claim_batch']
    except (OSError, ValueError, KeyError):
        claim_batch = None
    res = {'device': device, 'driver': driver, 'claim_batch': claim_batch,
           'date': datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC'),
           'slots': a.slots, 'workgroups': a.workgroups, 'repeats': a.repeats}
    detail = {}
    for placement, extra in (('device', []), ('host', ['--memory=host'])):
        if placement == 'host' and a.no_host_memory:
            continue
        for kind, scen in (('nop', nop), ('mix', mix)):
            log('  %s, %s memory:' % (kind, placement))
            # The variants run with device-local buffers only.
            detail[(kind, placement)] = side_by_side(a.vyre_run, a.dir, 10, scen, a.slots,
                                                     env, a, extra, placement == 'device')
            if kind == 'nop' and placement == 'device':
                detail[(kind, placement)].update(floor_rows(a.vyre_run, a.dir, scen, a.slots,
                                                            env, a))
    dev_nop = detail[('nop', 'device')].get('vyrec', {})
    res['memory'] = dev_nop.get('memory', 'unknown')
    res['nop'] = summary(detail[('nop', 'device')])
    res['mix'] = summary(detail[('mix', 'device')])
    if ('nop', 'host') in detail:
        res['host_memory'] = {
            'memory': detail[('nop', 'host')].get('vyrec', {}).get('memory', 'unknown'),
            'nop': summary(detail[('nop', 'host')]),
            'mix': summary(detail[('mix', 'host')])}
    if a.webgpu:
        cmd = a.webgpu.split()
        webgpu = {}
        for kind, scen in (('nop', nop), ('mix', mix)):
            log('  %s, WebGPU (Dawn):' % kind)
            webgpu[kind] = webgpu_rows(cmd, a.dir, scen, a.slots, env, a)
        res['webgpu'] = {kind: webgpu_summary(webgpu[kind], detail[(kind, 'device')])
                         for kind in webgpu}
    res['variants'] = {
        '%s/%s' % k: {label: r.get('slots_per_s') for label, r in row.items()}
        for k, row in detail.items()}
    res['variants_equal'] = {'%s/%s' % k: variants_equal(row) for k, row in detail.items()}
    if not a.no_latency:
        log('  latency (vyre-run --latency %d):' % a.latency_requests)
        rows = latency(a.vyre_run, a.dir, env, a)
        res['latency'] = latency_summary(rows)
        res['latency_runs'] = rows
    if not a.no_full_state:
        log('  full state (bench/fullstate.py, %d slots):' % a.slots)
        vi = a.vyre_interp or os.path.join(os.path.dirname(a.vyre_run), 'vyre-interp')
        res['full_state'] = full_state(a.vyre_run, vi, a.dir, env, a)
    log('  pipeline build, shader cache off:')
    res['build_repeats'] = a.build_repeats
    res['driver_build'] = driver_build(a.vyre_run, a.dir, a.build_n, build, env,
                                       a.build_timeout, a.build_repeats)
    with open(a.json, 'w') as f:
        json.dump(res, f, indent=1)
    with open(a.markdown, 'w') as f:
        f.write(markdown(res, detail))
    log(markdown(res, detail))
    return res


def latency_markdown(res):
    out = []
    if 'latency_runs' in res:
        out += ['## Round trips (`vyre-run --latency`, µs)', '',
                'One NOP request at a time published and waited for with the kernel '
                'resident ("kernel saw it": until its status left PUBLISHED), bursts '
                'of 64, and one vkQueueSubmit + vkWaitForFences per request; '
                '`vyrec.doorbell` is the default module with `kernel.PUBLISH = '
                'publish.DOORBELL` (docs/protocol.md, "The doorbell"); `vyrec.mirror` '
                'is that module with a completion mirror, which the host waits on '
                'instead of the status word ("The completion mirror"; it does not '
                'see the claim: no "kernel saw it").', '',
                '| module / memory | resident p50 | p99 | max | kernel saw it, p50 | '
                'submit p50 | submit p99 | burst of 64, p50 |',
                '|---|---:|---:|---:|---:|---:|---:|---:|']
        for label, r in res['latency_runs'].items():
            if 'error' in r:
                out.append('| %s | error: %s | | | | | | |' % (label, r['error']))
                continue
            seen = r.get('resident_seen')
            out.append('| %s | %.2f | %.2f | %.2f | %s | %.2f | %.2f | %.2f |' % (
                label, r['resident']['p50_us'], r['resident']['p99_us'],
                r['resident']['max_us'], '%.2f' % seen['p50_us'] if seen else 'n/a',
                r['submit']['p50_us'], r['submit']['p99_us'], r['burst64']['p50_us']))
        out.append('')
    if 'full_state' in res:
        out += ['## Full state (bench/fullstate.py)', '',
                'Every buffer after the run, against vyre-interp: ' + ', '.join(
                    '%s: %s' % (k, v.get('error') or ('equal' if v['equal'] else 'DIFFERENT'))
                    for k, v in res['full_state'].items()) + '.', '']
    return out


def ratio(a, b):
    return '%.2fx' % (a / b) if a and b else 'n/a'


def build_row(e, name, label, peer):
    """One row of the pipeline-build table: \p label's best and median
    against the peer's (the peer's own figures only in its row)."""
    def secs(module, stat):
        x = e.get(module + stat)
        return '%.2f' % x if x is not None else e.get(module + '_error', 'n/a')
    ratio_of = lambda stat: ratio(e.get(label + stat), e.get('glslang' + stat)).rstrip('x')
    return '| %s | %s | %s | %s | %s | %s | %s |' % (
        name, secs(label, '_s'), secs('glslang', '_s') if peer else '', ratio_of('_s'),
        secs(label, '_median_s'), secs('glslang', '_median_s') if peer else '',
        ratio_of('_median_s'))


def markdown(res, detail):
    out = ['# vyrec on a GPU: vyrec against the glslang-built peer', '',
           '_Generated by `bench/gpu.sh` on %s; do not edit by hand._' % res['date'], '',
           '| | |', '|---|---|',
           '| device | %s |' % res['device'],
           '| driver | %s |' % res['driver'],
           '| buffers | %s%s |' % (res['memory'], ' (and system memory, `--memory=host`, below)'
                                   if 'host_memory' in res else ''),
           '| workload | %d slots, %d workgroups x 64, best of %d dispatches (GPU timestamps) |'
           % (res['slots'], res['workgroups'], res['repeats']), '',
           '`vyrec` is the default module (the grouped skeleton, `--claim-batch=%s`;'
           % (res.get('claim_batch') or 'default'),
           'sharded with `--shards=auto` from 100 handlers on, for the pipeline build);',
           '`vyrec.subgroup` and `vyrec.portable` are the other skeletons. How the',
           'grouped skeleton came about, with every intermediate figure:',
           '[docs/gpu-runs.md](../docs/gpu-runs.md#2026-11-29-nvidia-h200-the-grouped-skeleton).',
           '']
    out += ['## Throughput (slots/s)', '',
            '| workload | memory | module | dispatch ms | slots/s | vs glslang |',
            '|---|---|---|---:|---:|---:|']
    for (kind, placement), row in detail.items():
        g = row.get('glslang', {}).get('slots_per_s')
        for label, r in row.items():
            if 'error' in r:
                out.append('| %s | %s | %s | error: %s | | |' % (kind, placement, label,
                                                                r['error']))
                continue
            out.append('| %s | %s | %s | %.3f | %.3g | %s |' % (
                kind, placement, label, r['dispatch_s'] * 1e3, r['slots_per_s'],
                ratio(r['slots_per_s'], g)))
    out += ['', 'results_equal (control words 0..OBSERVABLE_BASE of vyrec and glslang): '
            'NOP %s, mix %s.' % (res['nop']['results_equal'], res['mix']['results_equal'])]
    differ = sorted('%s (%s)' % (label, k) for k, row in res.get('variants_equal', {}).items()
                    for label, same in row.items() if not same)
    out += ['Every variant\'s control words equal vyrec\'s.' if not differ else
            'Variants whose control words differ from vyrec\'s: %s.' % ', '.join(differ), '']
    n = res['nop']
    if n.get('floor_cas_slots_per_s') and n.get('vyrec_slots_per_s'):
        out += ['The floor (`floor.cas`, `floor.plain`: bench/floor.comp, a scan of the NOP '
                'ring that claims each slot, with and without the CAS, reads its opcode, '
                'stores DONE and adds DONE_COUNT once per invocation; no megakernel does less): '
                'vyrec\'s NOP takes %.2fx the time of the floor with the CAS%s.' % (
                    n['floor_cas_slots_per_s'] / n['vyrec_slots_per_s'],
                    ', %.2fx without' % (n['floor_plain_slots_per_s'] / n['vyrec_slots_per_s'])
                    if n.get('floor_plain_slots_per_s') else ''), '']
    if 'webgpu' in res:
        w = res['webgpu']
        out += ['## WebGPU (vyrec\'s WGSL through Dawn, same run)', '',
                'The WGSL modules through tools/vyre-run-webgpu on Dawn (its Vulkan backend), '
                'device-local buffers; ratios against the same run\'s SPIR-V and glslang rows above.', '',
                '| workload | WGSL (grouped) slots/s | vs SPIR-V | vs glslang | WGSL portable slots/s | pipeline s | results_equal |',
                '|---|---:|---:|---:|---:|---:|---|']
        for kind in ('nop', 'mix'):
            r = w.get(kind, {})
            out.append('| %s | %s | %s | %s | %s | %s | %s |' % (
                kind, '%.3g' % r['vyrec_slots_per_s'] if r.get('vyrec_slots_per_s') else r.get('error', 'n/a'),
                ratio(r.get('vyrec_slots_per_s'), r.get('spirv_slots_per_s')),
                ratio(r.get('vyrec_slots_per_s'), r.get('glslang_slots_per_s')),
                '%.3g' % r['portable_slots_per_s'] if r.get('portable_slots_per_s') else 'n/a',
                '%.3f' % r['pipeline_s'] if r.get('pipeline_s') else 'n/a', r.get('results_equal')))
        out.append('')
    out += latency_markdown(res)
    out += ['## Pipeline build (s, `__GL_SHADER_DISK_CACHE=0`, best and median of %d; '
            'of at most 3 above N=100)' % res.get('build_repeats', 1), '',
            '| handlers | vyrec | glslang | vyrec / glslang | median: vyrec | glslang | vyrec / glslang |',
            '|---:|---:|---:|---:|---:|---:|---:|']
    for n, e in res['driver_build'].items():
        out.append(build_row(e, n, 'vyrec', peer=True))
        for key in sorted(k for k in e if k.startswith('vyrec.') and k.endswith('_s')
                          and not k.endswith('_median_s')):
            label = key[:-len('_s')]
            out.append(build_row(e, '%s `%s`' % (n, label), label, peer=False))
    stats = [(n, k[:-len('_stats')], v) for n, e in res['driver_build'].items()
             for k, v in sorted(e.items()) if k.endswith('_stats')]
    if stats:
        out += ['', '**The driver\'s pipeline statistics** (`vyre-run --pipeline-stats`; '
                'every statistic is in results-gpu.json):', '']
        for n, label, entries in stats:
            for entry, executables in entries.items():
                for executable, values in executables.items():
                    out.append('- N=%s `%s` %s (%s): %s' % (
                        n, label, entry, executable,
                        ', '.join('%s %s' % (k, v) for k, v in list(values.items())[:8])))
    return '\n'.join(out) + '\n'


if __name__ == '__main__':
    main()
