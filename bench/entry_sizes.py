#!/usr/bin/env python3
"""The size of a SPIR-V module and of the code each entry point reaches.

A driver compiles, for one pipeline, the entry point's function and every
function it calls: this prints, per entry point, the bytes of those
functions (OpFunction .. OpFunctionEnd), beside the module's size and the
bytes outside functions (header, names, decorations, types, constants).
Standard library only, so it runs wherever the modules are:

    bench/entry_sizes.py MODULE.spv [MODULE.spv ...] [--json]
"""
import argparse
import json
import struct
import sys

OP_NAME, OP_ENTRY_POINT, OP_FUNCTION, OP_FUNCTION_END, OP_FUNCTION_CALL = 5, 15, 54, 56, 57


def literal_string(words):
    raw = b''.join(struct.pack('<I', w) for w in words)
    return raw.split(b'\0')[0].decode()


def measure(path):
    data = open(path, 'rb').read()
    if len(data) < 20 or len(data) % 4:
        raise ValueError('%s: not a SPIR-V module' % path)
    words = struct.unpack('<%dI' % (len(data) // 4), data)
    if words[0] != 0x07230203:
        raise ValueError('%s: not a SPIR-V module (magic %#x)' % (path, words[0]))
    names, entries, size, calls = {}, [], {}, {}
    current, outside, i = None, 5 * 4, 5
    while i < len(words):
        count, op = words[i] >> 16, words[i] & 0xFFFF
        if count == 0:
            raise ValueError('%s: an instruction of word count 0' % path)
        inst = words[i:i + count]
        if op == OP_NAME:
            names[inst[1]] = literal_string(inst[2:])
        elif op == OP_ENTRY_POINT:
            entries.append((literal_string(inst[3:]), inst[2]))
        elif op == OP_FUNCTION:
            current = inst[2]
            size[current], calls[current] = 0, set()
        elif op == OP_FUNCTION_CALL and current is not None:
            calls[current].add(inst[3])
        if current is None:
            outside += count * 4
        else:
            size[current] += count * 4
        if op == OP_FUNCTION_END:
            current = None
        i += count
    out = {'module': path, 'bytes': len(data), 'outside_functions': outside,
           'entry_points': {}}
    for name, fn in entries:
        seen, todo = set(), [fn]
        while todo:
            f = todo.pop()
            if f not in seen:
                seen.add(f)
                todo.extend(calls.get(f, ()))
        out['entry_points'][name] = {
            'function_bytes': sum(size.get(f, 0) for f in seen),
            'functions': len(seen),
            'entry_function_bytes': size.get(fn, 0)}
    out['function_bytes'] = sum(size.values())
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('modules', nargs='+')
    ap.add_argument('--json', action='store_true')
    a = ap.parse_args(argv)
    try:
        results = [measure(m) for m in a.modules]
    except (OSError, ValueError) as e:
        print('entry_sizes.py: %s' % e, file=sys.stderr)
        return 1
    if a.json:
        json.dump(results, sys.stdout, indent=1)
        print()
        return 0
    for r in results:
        print('%s: %d bytes (%d outside functions, %d in functions)'
              % (r['module'], r['bytes'], r['outside_functions'], r['function_bytes']))
        for name, e in r['entry_points'].items():
            print('  %s: reaches %d functions, %d bytes (its own function %d bytes)'
                  % (name, e['functions'], e['function_bytes'], e['entry_function_bytes']))
    return 0


if __name__ == '__main__':
    sys.exit(main())
