#!/usr/bin/env python3
"""bench/fullstate.py: the full-state workload (issue 26, item 4).

Every handler only adds atomically (user handlers into a user buffer `acc`
and into observables, the built-in ATOMIC_ADD, packed ATOMIC_ADDs), besides
NOP and BATCH_FENCE with one fixed argument, so the final state of every
buffer is the same whatever order the slots run in: a GPU run must equal
the interpreter's word for word (control, acc, debug_log, io_queue and
every slot's status; the kernel writes no other ring word). A kernel that
skipped or repeated handler work cannot pass, unlike results_equal of the
NOP and mix runs, which compares control words only.

  fullstate.py --out DIR [--slots N] [--workgroups W] [--live]

writes DIR/fullstate.vyre, DIR/fullstate_doorbell.vyre (the same with
kernel.PUBLISH = publish.DOORBELL), DIR/fullstate_mirror.vyre (the doorbell
program with a completion mirror, docs/protocol.md "The completion
mirror"), DIR/fullstate_N_W.json and DIR/fullstate_N_W_mirror.json (the
same slots; its output also prints the mirror's words). With --live,
DIR/fullstate_N_W_live.json: "publish": "live", the host publishing the
slots one at a time while the kernel runs, which a doorbell module answers
through its window.
"""

import argparse
import json
import os

ACC_WORDS = 4096
KINDS = 256  # distinct slots, each repeated slots / KINDS times

VYRE = """// bench/fullstate.py: the full-state workload (issue 26, item 4).
// Every handler only adds, atomically: the final state of every buffer is
// the same in any order the slots run.
%(protocol)s
/// What the user handlers add into.
buffer acc: u32[%(acc)d] read_write atomic @binding(4);

/// acc[arg0 %% ACC] += arg1; observable 1 + arg2 %% 63 += 1.
handler ADD_ACC = 0x100 {
  atomic_add(acc[arg0 %% %(acc)d], arg1);
  atomic_add(control[control.OBSERVABLE_BASE + 1 + arg2 %% 63], 1);
}

/// Four adds spread over acc; observable 1 + arg0 %% 63 += arg2.
handler ADD_SPREAD = 0x101 {
  for i in 0..4 {
    atomic_add(acc[(arg0 + i * 1024) %% %(acc)d], arg1 + i);
  }
  atomic_add(control[control.OBSERVABLE_BASE + 1 + arg0 %% 63], arg2);
}
"""

DOORBELL = """protocol {
  kernel.PUBLISH = publish.DOORBELL;
}
"""
# The completion mirror (binding 5: acc has 4): the kernel stores DONE
# into completions[slot] after each slot's DONE.
MIRROR = DOORBELL + """/// The completion mirror.
buffer completions: u32[] read_write atomic @binding(5);
"""
# (program file, extra output) of each program write() writes.
PROGRAMS = (('fullstate.vyre', ''), ('fullstate_doorbell.vyre', DOORBELL),
            ('fullstate_mirror.vyre', MIRROR))

# BATCH_FENCE stores its arg1 into observable 0: one fixed value.
FENCE_ARG = 12345


def observable(k):
    return 161 + k % 63  # OBSERVABLE_BASE + 1 .. + 63: never observable 0


def kind(k):
    """The k-th distinct slot."""
    c = k % 8
    if c == 0:
        return {'opcode': 0x100, 'args': [k * 13, k + 1, k]}
    if c == 1:
        return {'opcode': 0x101, 'args': [k * 7, k, k * 3]}
    if c == 2:
        return {'opcode': 'ATOMIC_ADD', 'args': [k + 1, observable(k)]}
    if c == 3:
        return {'opcode': 'NOP'}
    if c == 4:
        return {'opcode': 'BATCH_FENCE', 'args': [0, FENCE_ARG]}
    if c == 5:
        return {'packed': [{'opcode': 'ATOMIC_ADD', 'args': [1, observable(k)]},
                           {'opcode': 'ATOMIC_ADD', 'args': [k, 170]}]}
    if c == 6:
        return {'packed': [{'opcode': 'ATOMIC_ADD', 'args': [k, observable(k + 1)]},
                           {'opcode': 'ATOMIC_ADD', 'args': [2, observable(k + 2)]},
                           {'opcode': 'ATOMIC_ADD', 'args': [3, observable(k + 3)]}]}
    return {'opcode': 0x100, 'args': [k * 31, 1, k * 5]}


OUTPUT = {'control': 'all', 'acc': 'all', 'debug_log': 'all', 'io_queue': 'all',
          'ring_status': True}


def scenario(slots, workgroups, live=False, mirror=False):
    """The scenario; with mirror its output also prints the completion
    mirror's words (only a program with one has that buffer)."""
    per = max(1, slots // KINDS)
    out = []
    left = slots
    for k in range(KINDS):
        n = min(per, left) if k < KINDS - 1 else left
        if n <= 0:
            break
        s = dict(kind(k))
        s['repeat'] = n
        out.append(s)
        left -= n
    s = {'comment': 'bench/fullstate.py: %d slots' % slots, 'workgroups': workgroups,
         'spec': {'slot.COUNT': slots}, 'service_io': False,
         'timeout_ms': 600000, 'max_steps': 4000000000,
         'slots': out, 'output': dict(OUTPUT, completions='all') if mirror else OUTPUT}
    if live:
        s['publish'] = 'live'
    else:
        s['shutdown'] = True
    return s


def write(d, slots, workgroups, live=False):
    """Writes the programs and the scenarios; returns their paths."""
    os.makedirs(d, exist_ok=True)
    paths = []
    for name, protocol in PROGRAMS:
        p = os.path.join(d, name)
        with open(p, 'w') as f:
            f.write(VYRE % {'protocol': protocol, 'acc': ACC_WORDS})
        paths.append(p)
    for mirror in (False, True):
        p = os.path.join(d, scenario_name(slots, workgroups, live, mirror))
        with open(p, 'w') as f:
            json.dump(scenario(slots, workgroups, live, mirror), f,
                      separators=(',', ':'))
        paths.append(p)
    return paths


def scenario_name(slots, workgroups, live=False, mirror=False):
    return 'fullstate_%d_%d%s%s.json' % (slots, workgroups, '_live' if live else '',
                                         '_mirror' if mirror else '')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--out', required=True)
    ap.add_argument('--slots', type=int, default=1048576)
    ap.add_argument('--workgroups', type=int, default=1024)
    ap.add_argument('--live', action='store_true')
    a = ap.parse_args()
    for p in write(a.out, a.slots, a.workgroups, a.live):
        print(p)


if __name__ == '__main__':
    main()
