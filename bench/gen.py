#!/usr/bin/env python3
"""Benchmark workload generator for vyrec (issue 6).

From one seeded description this writes, for a handler count N:

  bench_N.vyre   N custom handlers (opcodes 0x100 upward) in .vyre;
  bench_N.comp   the equivalent hand-written-style GLSL 450 compute
                 megakernel for `glslangValidator -V`: the same buffers and
                 bindings, the same specialization constants, the same
                 persistent claim loop, the same dispatch (metrics, one
                 switch with the built-ins of lib/Prelude/builtins.vyre and
                 every user handler, PACKED_SLOT decoding), the same
                 orderings, u32 division guard and shift masking;

and, independent of N:

  ceiling.comp   a minimal kernel over the same bindings that only does one
                 atomicAdd per published slot: the raw atomic-add ceiling;
  scenario files for vyre-run (docs/scenario.md) with a seeded mix of
                 opcodes, some of them packed slots.

Every handler is generated from its own random stream (seed, k), so the
workload of N handlers is a prefix of the workload of 10*N handlers and the
per-handler cost is comparable across N.

The handler bodies are built as a small expression/statement tree and
printed twice, once as .vyre and once as GLSL, so the two kernels cannot
drift apart.

Standard library only.  Usage:
  gen.py --out DIR [--seed S] [-n 10 100 ...] [--oneline 100000]
"""

import argparse
import json
import os
import random

SEED = 0x7E5D_0006

# Protocol values (lib/Prelude/builtins.vyre); the GLSL side needs them as
# literals / consts, the .vyre side refers to them by name.
P = {
    'slot.WORDS': 16, 'slot.STATUS_WORD': 0, 'slot.OPCODE_WORD': 1,
    'slot.ARG0_WORD': 4, 'slot.ARGS': 12, 'slot.COUNT': 256,
    'status.EMPTY': 0, 'status.PUBLISHED': 1, 'status.CLAIMED': 2,
    'status.DONE': 3,
    'control.SHUTDOWN': 0, 'control.DONE_COUNT': 1, 'control.METRICS_BASE': 96,
    'control.METRICS_SLOTS': 32, 'control.EPOCH': 128,
    'control.UNKNOWN_OPCODE_COUNT': 141, 'control.OBSERVABLE_BASE': 160,
    'control.OBSERVABLE_WORDS': 64, 'control.WORDS': 224,
    'debug.CURSOR_WORD': 0, 'debug.RECORDS_BASE': 1, 'debug.RECORD_WORDS': 4,
    'debug.BUFFER_WORDS': 257,
    'io.SLOT_COUNT': 64, 'io.SLOT_WORDS': 8, 'io.POLL_LIMIT': 1_000_000,
    'io_word.OP_TYPE': 0, 'io_word.SRC_HANDLE': 1, 'io_word.DST_HANDLE': 2,
    'io_word.OFFSET_LO': 3, 'io_word.OFFSET_HI': 4, 'io_word.BYTE_COUNT': 5,
    'io_word.STATUS': 6, 'io_word.TAG': 7, 'io_op.READ': 1,
    'io_status.OK': 0x10, 'io_status.ERROR': 0x11,
    'opcode.PACKED_SLOT': 0x8000_0001, 'packed.MAX_OPS': 4,
    'kernel.WORKGROUP_SIZE': 64, 'kernel.ITERATION_BUDGET': 1_048_576,
}

# User buffers and constants shared by every handler.
DATA_WORDS = 4096
SCRATCH_WORDS = 4096
USER_CONSTS = {'DATA_WORDS': DATA_WORDS, 'SCRATCH_WORDS': SCRATCH_WORDS}
FIRST_OPCODE = 0x100

BUILTIN_OPCODES = {'NOP': 0, 'STORE_U32': 1, 'ATOMIC_ADD': 2, 'LOAD_U32': 3,
                   'COMPARE_SWAP': 4, 'MEMCPY': 5, 'BATCH_FENCE': 7,
                   'PRINTF': 0xFFFE, 'LOAD_MISS': 0xFFFD,
                   'SHUTDOWN': 0xFFFF_FFFF}

# ---------------------------------------------------------------------------
# A tiny tree: expressions are tuples, statements are tuples.
#
#   ('int', v) ('name', s) ('const', NAME) ('proto', 'group.KEY')
#   ('bin', op, a, b) ('un', op, a) ('load', buf, idx)
#   ('atomic', op, buf, idx, [operands], order) ('min'|'max', a, b)
#   ('select', c, a, b)
#
#   ('let', name, e) ('var', name, e) ('assign', name, e)
#   ('store', buf, idx, e) ('if', cond, [then], [else] | None | ('if', ...))
#   ('for', name, lo, hi, [body]) ('break',) ('expr', atomic)
# ---------------------------------------------------------------------------


def I(v): return ('int', v)
def N(s): return ('name', s)
def C(s): return ('const', s)
def PR(s): return ('proto', s)
def B(op, a, b): return ('bin', op, a, b)
def LD(buf, idx): return ('load', buf, idx)
def AT(op, buf, idx, *args, order='relaxed'):
    return ('atomic', op, buf, idx, list(args), order)


def is_const(e):
    return e[0] in ('int', 'const', 'proto')


def const_value(e):
    if e[0] == 'int':
        return e[1]
    if e[0] == 'const':
        return USER_CONSTS[e[1]]
    return P[e[1]]


# --- .vyre printer ----------------------------------------------------------

def vy_expr(e):
    k = e[0]
    if k == 'int':
        return str(e[1]) if e[1] < 4096 else hex(e[1])
    if k in ('name', 'const', 'proto'):
        return e[1]
    if k == 'bin':
        return '(%s %s %s)' % (vy_expr(e[2]), e[1], vy_expr(e[3]))
    if k == 'un':
        return '%s%s' % (e[1], vy_expr(e[2]))
    if k == 'load':
        return '%s[%s]' % (e[1], vy_expr(e[2]))
    if k == 'atomic':
        _, op, buf, idx, args, order = e
        parts = ['%s[%s]' % (buf, vy_expr(idx))] + [vy_expr(a) for a in args]
        if order != 'relaxed':
            parts.append(order)
        return 'atomic_%s(%s)' % (op, ', '.join(parts))
    if k in ('min', 'max'):
        return '%s(%s, %s)' % (k, vy_expr(e[1]), vy_expr(e[2]))
    if k == 'select':
        return 'select(%s, %s, %s)' % tuple(vy_expr(x) for x in e[1:])
    raise ValueError(e)


def strip_parens(s):
    # Outermost parentheses of a whole expression are noise in a condition
    # or on the right of '='.
    if s.startswith('(') and s.endswith(')'):
        depth = 0
        for i, ch in enumerate(s):
            depth += ch == '('
            depth -= ch == ')'
            if depth == 0 and i != len(s) - 1:
                return s
        return s[1:-1]
    return s


def vy_stmts(stmts, ind, out):
    pad = '  ' * ind
    for s in stmts:
        k = s[0]
        if k in ('let', 'var'):
            out.append('%s%s %s = %s;' % (pad, k, s[1], strip_parens(vy_expr(s[2]))))
        elif k == 'assign':
            out.append('%s%s = %s;' % (pad, s[1], strip_parens(vy_expr(s[2]))))
        elif k == 'store':
            out.append('%s%s[%s] = %s;' % (pad, s[1], strip_parens(vy_expr(s[2])),
                                           strip_parens(vy_expr(s[3]))))
        elif k == 'expr':
            out.append('%s%s;' % (pad, vy_expr(s[1])))
        elif k == 'break':
            out.append('%sbreak;' % pad)
        elif k == 'for':
            out.append('%sfor %s in %s..%s {' % (pad, s[1], vy_expr(s[2]), vy_expr(s[3])))
            vy_stmts(s[4], ind + 1, out)
            out.append('%s}' % pad)
        elif k == 'if':
            head = '%sif %s {' % (pad, strip_parens(vy_expr(s[1])))
            out.append(head)
            vy_stmts(s[2], ind + 1, out)
            els = s[3]
            while els is not None and len(els) == 1 and els[0][0] == 'if':
                e = els[0]
                out.append('%s} else if %s {' % (pad, strip_parens(vy_expr(e[1]))))
                vy_stmts(e[2], ind + 1, out)
                els = e[3]
            if els is not None:
                out.append('%s} else {' % pad)
                vy_stmts(els, ind + 1, out)
            out.append('%s}' % pad)
        else:
            raise ValueError(s)


# --- GLSL printer -----------------------------------------------------------

GL_OPS = {'add': 'atomicAdd', 'and': 'atomicAnd', 'or': 'atomicOr',
          'xor': 'atomicXor', 'min': 'atomicMin', 'max': 'atomicMax',
          'exchange': 'atomicExchange', 'compare_exchange': 'atomicCompSwap'}
GL_SEM = {'relaxed': 'gl_SemanticsRelaxed', 'acquire': 'gl_SemanticsAcquire',
          'release': 'gl_SemanticsRelease', 'acq_rel': 'gl_SemanticsAcquireRelease',
          'seq_cst': 'gl_SemanticsAcquireRelease'}
SCOPE = 'gl_ScopeDevice, gl_StorageSemanticsBuffer'


def gl_const_name(s):
    return s.replace('.', '_').upper()


def gl_expr(e):
    k = e[0]
    if k == 'int':
        return ('%du' % e[1]) if e[1] < 4096 else ('0x%Xu' % e[1])
    if k == 'name':
        return e[1]
    if k == 'const':
        return e[1]
    if k == 'proto':
        return gl_const_name(e[1])
    if k == 'bin':
        op, a, b = e[1], e[2], e[3]
        if op in ('/', '%') and not (is_const(b) and const_value(b) != 0):
            return '%s(%s, %s)' % ('udiv' if op == '/' else 'urem', gl_expr(a), gl_expr(b))
        if op in ('<<', '>>') and not is_const(b) and not (
                b[0] == 'bin' and b[1] == '&' and is_const(b[3]) and const_value(b[3]) < 32):
            return '(%s %s (%s & 31u))' % (gl_expr(a), op, gl_expr(b))
        return '(%s %s %s)' % (gl_expr(a), op, gl_expr(b))
    if k == 'un':
        return '%s%s' % (e[1], gl_expr(e[2]))
    if k == 'load':
        return '%s.w[%s]' % (e[1], strip_parens(gl_expr(e[2])))
    if k == 'atomic':
        _, op, buf, idx, args, order = e
        mem = '%s.w[%s]' % (buf, strip_parens(gl_expr(idx)))
        a = [strip_parens(gl_expr(x)) for x in args]
        if op == 'load':
            return 'atomicLoad(%s, %s, %s)' % (mem, SCOPE, GL_SEM[order])
        if op == 'store':
            return 'atomicStore(%s, %s, %s, %s)' % (mem, a[0], SCOPE, GL_SEM[order])
        if op == 'sub':
            op, a = 'add', ['0u - %s' % gl_expr(args[0])]
        if order == 'relaxed':
            return '%s(%s)' % (GL_OPS[op], ', '.join([mem] + a))
        if op == 'compare_exchange':
            return 'atomicCompSwap(%s, %s, %s, %s, %s, %s)' % (
                mem, a[0], a[1], SCOPE, GL_SEM[order],
                'gl_StorageSemanticsBuffer, ' + GL_SEM['acquire' if order != 'release' else 'relaxed'])
        return '%s(%s, %s, %s)' % (GL_OPS[op], ', '.join([mem] + a), SCOPE, GL_SEM[order])
    if k in ('min', 'max'):
        return '%s(%s, %s)' % (k, strip_parens(gl_expr(e[1])), strip_parens(gl_expr(e[2])))
    if k == 'select':
        return '(%s ? %s : %s)' % tuple(gl_expr(x) for x in e[1:])
    raise ValueError(e)


def gl_stmts(stmts, ind, out, locals_):
    pad = '  ' * ind
    for s in stmts:
        k = s[0]
        if k in ('let', 'var'):
            ty = 'bool' if locals_.get(s[1]) == 'bool' else 'uint'
            q = 'const ' if k == 'let' and False else ''
            out.append('%s%s%s %s = %s;' % (pad, q, ty, s[1], strip_parens(gl_expr(s[2]))))
        elif k == 'assign':
            out.append('%s%s = %s;' % (pad, s[1], strip_parens(gl_expr(s[2]))))
        elif k == 'store':
            out.append('%s%s.w[%s] = %s;' % (pad, s[1], strip_parens(gl_expr(s[2])),
                                             strip_parens(gl_expr(s[3]))))
        elif k == 'expr':
            out.append('%s%s;' % (pad, gl_expr(s[1])))
        elif k == 'break':
            out.append('%sbreak;' % pad)
        elif k == 'for':
            v = s[1]
            out.append('%sfor (uint %s = %s, %s_end = %s; %s < %s_end; ++%s) {' % (
                pad, v, strip_parens(gl_expr(s[2])), v, strip_parens(gl_expr(s[3])), v, v, v))
            gl_stmts(s[4], ind + 1, out, locals_)
            out.append('%s}' % pad)
        elif k == 'if':
            out.append('%sif (%s) {' % (pad, strip_parens(gl_expr(s[1]))))
            gl_stmts(s[2], ind + 1, out, locals_)
            els = s[3]
            while els is not None and len(els) == 1 and els[0][0] == 'if':
                e = els[0]
                out.append('%s} else if (%s) {' % (pad, strip_parens(gl_expr(e[1]))))
                gl_stmts(e[2], ind + 1, out, locals_)
                els = e[3]
            if els is not None:
                out.append('%s} else {' % pad)
                gl_stmts(els, ind + 1, out, locals_)
            out.append('%s}' % pad)
        else:
            raise ValueError(s)


# ---------------------------------------------------------------------------
# Handler bodies.
# ---------------------------------------------------------------------------

OBS = PR('control.OBSERVABLE_BASE')


def obs_word(j):
    return B('+', OBS, I(j))


def make_handler(seed, k):
    """The description of user handler k: (name, opcode, doc, [stmts])."""
    r = random.Random(seed * 1_000_003 + k)
    name = 'USER_%05d' % k
    op = FIRST_OPCODE + k
    body = []
    # Prologue: an index into the user buffer and an accumulator.
    body.append(('let', 'idx', B('%', B('+', N('arg0'), I(r.randrange(1, 4096))), C('DATA_WORDS'))))
    body.append(('var', 'acc', B('^', N('arg1'), I(r.randrange(1, 1 << 16)))))
    frags = []
    # Every handler has a bounded loop and an if/else chain; two or three
    # more fragments are drawn from the rest.
    frags.append(r.choice(['loop_scratch', 'loop_atomic']))
    frags.append('branches')
    pool = ['cas', 'shifts', 'select', 'loop_scratch', 'loop_atomic']
    frags += r.sample(pool, r.choice([2, 3]))
    r.shuffle(frags)
    used_loops = 0
    for f in frags:
        tag = '%d' % len(body)
        if f == 'loop_scratch':
            cap = r.choice([4, 8, 16])
            stride = r.randrange(1, 64)
            i = 'i%s' % tag
            body.append(('for', i, I(0), ('min', N('arg2'), I(cap)), [
                ('assign', 'acc', B('+', N('acc'),
                                    LD('scratch', B('%', B('+', N('idx'), B('*', N(i), I(stride))),
                                                    C('SCRATCH_WORDS'))))),
            ]))
        elif f == 'loop_atomic':
            cap = r.choice([4, 8, 16])
            i = 'j%s' % tag
            old = 'old%s' % tag
            body.append(('for', i, I(0), ('min', B('+', N('arg2'), I(1)), I(cap)), [
                ('let', old, AT('add', 'data', B('%', B('+', N('idx'), N(i)), C('DATA_WORDS')),
                                B('&', N('acc'), I(0xFF)))),
                ('if', B('>', N(old), I(r.randrange(1 << 20, 1 << 30))), [('break',)], None),
                ('assign', 'acc', B('^', N('acc'), B('<<', N(old), I(r.randrange(1, 9))))),
            ]))
        elif f == 'branches':
            j1, j2 = r.randrange(0, 64), r.randrange(0, 64)
            body.append(('if', B('==', B('&', N('acc'), I(r.choice([1, 3, 7]))), I(0)), [
                ('expr', AT('add', 'control', obs_word(j1), I(1))),
            ], [('if', B('>', N('acc'), I(r.randrange(1 << 8, 1 << 24))), [
                ('expr', AT('max', 'control', obs_word(j2), B('>>', N('acc'), I(r.randrange(1, 16))))),
            ], [
                ('store', 'scratch', B('%', N('idx'), C('SCRATCH_WORDS')), B('/', N('acc'), N('arg2'))),
            ])]))
        elif f == 'cas':
            p = 'prev%s' % tag
            body.append(('let', p, AT('compare_exchange', 'data', N('idx'), N('arg1'), N('acc'))))
            body.append(('if', B('==', N(p), N('arg1')), [
                ('expr', AT('or', 'control', obs_word(r.randrange(0, 64)), I(1 << (k % 32)))),
            ], [
                ('assign', 'acc', B('+', N('acc'), B('%', N(p), B('+', N('arg2'), I(r.randrange(0, 4)))))),
            ]))
        elif f == 'shifts':
            body.append(('assign', 'acc', B('|', B('<<', N('acc'), B('&', N('arg1'), I(7))),
                                             B('>>', N('acc'), N('arg2')))))
            body.append(('store', 'scratch', B('%', B('+', N('idx'), I(r.randrange(1, 64))),
                                               C('SCRATCH_WORDS')), N('acc')))
        elif f == 'select':
            t = 't%s' % tag
            body.append(('let', t, ('select', B('>', N('acc'), N('arg0')),
                                    B('-', N('acc'), N('arg0')), B('-', N('arg0'), N('acc')))))
            body.append(('expr', AT('min', 'data', B('%', B('+', N('idx'), I(r.randrange(1, 4096))),
                                                      C('DATA_WORDS')),
                                    ('max', N(t), I(r.randrange(1, 1000))))))
    # Epilogue: fold the accumulator into the user buffer, count the call.
    body.append(('expr', AT('xor', 'data', N('idx'), N('acc'))))
    body.append(('expr', AT('add', 'control', obs_word(k % 64), I(1))))
    doc = 'Benchmark handler %d: %s.' % (k, ', '.join(frags))
    return name, op, doc, body


# ---------------------------------------------------------------------------
# Files.
# ---------------------------------------------------------------------------

def vyre_file(n, seed):
    out = ['// Generated by bench/gen.py (seed %#x, %d handlers). Do not edit.' % (seed, n),
           '',
           '/// Words the benchmark handlers update with atomics.',
           'buffer data: u32[DATA_WORDS] read_write atomic @binding(4);',
           '/// Words the benchmark handlers load and store plainly.',
           'buffer scratch: u32[SCRATCH_WORDS] read_write @binding(5);',
           '']
    for kname, v in USER_CONSTS.items():
        out.append('const %s = %d;' % (kname, v))
    out.append('')
    for k in range(n):
        name, op, doc, body = make_handler(seed, k)
        out.append('/// %s' % doc)
        out.append('handler %s = %s {' % (name, hex(op)))
        vy_stmts(body, 1, out)
        out.append('}')
        out.append('')
    return '\n'.join(out)


GLSL_HEAD = r'''#version 450
#extension GL_KHR_memory_scope_semantics : require
// Generated by bench/gen.py (seed %(seed)#x, %(n)d handlers). Do not edit.
//
// The hand-written-style GLSL equivalent of bench_%(n)d.vyre plus the
// built-in handlers of lib/Prelude/builtins.vyre: the same bindings,
// specialization constants, persistent loop, dispatch and orderings as the
// megakernel vyrec emits for that file.

layout(local_size_x = 64) in;

layout(constant_id = 0) const uint SLOT_COUNT = 256u;
layout(constant_id = 1) const uint ITERATION_BUDGET = 1048576u;
layout(constant_id = 2) const uint IO_POLL_LIMIT = 1000000u;

layout(std430, set = 0, binding = 0) coherent buffer ControlBlock { uint w[]; } control;
layout(std430, set = 0, binding = 1) coherent buffer RingBlock { uint w[]; } ring_buffer;
layout(std430, set = 0, binding = 2) coherent buffer DebugLogBlock { uint w[]; } debug_log;
layout(std430, set = 0, binding = 3) coherent buffer IoQueueBlock { uint w[]; } io_queue;
layout(std430, set = 0, binding = 4) coherent buffer DataBlock { uint w[]; } data;
layout(std430, set = 0, binding = 5) coherent buffer ScratchBlock { uint w[]; } scratch;

const uint SLOT_WORDS = 16u;
const uint SLOT_OPCODE_WORD = 1u;
const uint SLOT_ARG0_WORD = 4u;
const uint SLOT_ARGS = 12u;
const uint STATUS_EMPTY = 0u;
const uint STATUS_PUBLISHED = 1u;
const uint STATUS_CLAIMED = 2u;
const uint STATUS_DONE = 3u;
const uint CONTROL_SHUTDOWN = 0u;
const uint CONTROL_DONE_COUNT = 1u;
const uint CONTROL_METRICS_BASE = 96u;
const uint CONTROL_METRICS_SLOTS = 32u;
const uint CONTROL_EPOCH = 128u;
const uint CONTROL_UNKNOWN_OPCODE_COUNT = 141u;
const uint CONTROL_OBSERVABLE_BASE = 160u;
const uint CONTROL_WORDS = 224u;
const uint DEBUG_CURSOR_WORD = 0u;
const uint DEBUG_RECORDS_BASE = 1u;
const uint DEBUG_RECORD_WORDS = 4u;
const uint DEBUG_BUFFER_WORDS = 257u;
const uint IO_SLOT_COUNT = 64u;
const uint IO_SLOT_WORDS = 8u;
const uint IO_OP_READ = 1u;
const uint IO_STATUS_OK = 0x10u;
const uint IO_STATUS_ERROR = 0x11u;
const uint OPCODE_PACKED_SLOT = 0x80000001u;
const uint PACKED_MAX_OPS = 4u;
const uint DATA_WORDS = %(data_words)du;
const uint SCRATCH_WORDS = %(scratch_words)du;

// u32 division and remainder by zero are 0, as in .vyre.
uint udiv(uint a, uint b) { return b == 0u ? 0u : a / b; }
uint urem(uint a, uint b) { return b == 0u ? 0u : a %% b; }

void dispatch_op(uint slot_base, uint opcode, uint arg0, uint arg1, uint arg2) {
  if (opcode < CONTROL_METRICS_SLOTS)
    atomicAdd(control.w[CONTROL_METRICS_BASE + opcode], 1u);
  switch (opcode) {
  case 0u: // NOP
    break;
  case 1u: // STORE_U32
    atomicStore(control.w[arg1], arg0, gl_ScopeDevice, gl_StorageSemanticsBuffer, gl_SemanticsRelaxed);
    break;
  case 2u: // ATOMIC_ADD
    atomicAdd(control.w[arg1], arg0);
    break;
  case 3u: // LOAD_U32
    atomicStore(control.w[CONTROL_OBSERVABLE_BASE + arg1],
                atomicLoad(control.w[arg0], gl_ScopeDevice, gl_StorageSemanticsBuffer, gl_SemanticsRelaxed),
                gl_ScopeDevice, gl_StorageSemanticsBuffer, gl_SemanticsRelaxed);
    break;
  case 4u: { // COMPARE_SWAP
    uint previous = atomicCompSwap(control.w[arg0], arg1, arg2);
    atomicStore(control.w[CONTROL_OBSERVABLE_BASE + arg0], previous, gl_ScopeDevice, gl_StorageSemanticsBuffer, gl_SemanticsRelaxed);
    break;
  }
  case 5u: // MEMCPY
    for (uint i = 0u, n = min(arg2, CONTROL_WORDS); i < n; ++i)
      atomicStore(control.w[arg1 + i],
                  atomicLoad(control.w[arg0 + i], gl_ScopeDevice, gl_StorageSemanticsBuffer, gl_SemanticsRelaxed),
                  gl_ScopeDevice, gl_StorageSemanticsBuffer, gl_SemanticsRelaxed);
    break;
  case 7u: // BATCH_FENCE
    atomicAdd(control.w[CONTROL_EPOCH], 1u);
    atomicStore(control.w[CONTROL_OBSERVABLE_BASE], arg1, gl_ScopeDevice, gl_StorageSemanticsBuffer, gl_SemanticsRelaxed);
    break;
  case 0xFFFEu: { // PRINTF
    uint base = atomicAdd(debug_log.w[DEBUG_CURSOR_WORD], DEBUG_RECORD_WORDS) + DEBUG_RECORDS_BASE;
    if (base + DEBUG_RECORD_WORDS <= DEBUG_BUFFER_WORDS) {
      atomicStore(debug_log.w[base], arg0, gl_ScopeDevice, gl_StorageSemanticsBuffer, gl_SemanticsRelaxed);
      atomicStore(debug_log.w[base + 1u], arg1, gl_ScopeDevice, gl_StorageSemanticsBuffer, gl_SemanticsRelaxed);
      atomicStore(debug_log.w[base + 2u], arg2, gl_ScopeDevice, gl_StorageSemanticsBuffer, gl_SemanticsRelaxed);
      atomicStore(debug_log.w[base + 3u], slot_base, gl_ScopeDevice, gl_StorageSemanticsBuffer, gl_SemanticsRelaxed);
    }
    break;
  }
  case 0xFFFDu: { // LOAD_MISS
    uint found = IO_SLOT_COUNT;
    for (uint i = 0u; i < IO_SLOT_COUNT; ++i) {
      uint prev = atomicCompSwap(io_queue.w[i * IO_SLOT_WORDS + 6u], STATUS_EMPTY, STATUS_CLAIMED,
                                 gl_ScopeDevice, gl_StorageSemanticsBuffer, gl_SemanticsAcquire,
                                 gl_StorageSemanticsBuffer, gl_SemanticsAcquire);
      if (prev == STATUS_EMPTY) {
        found = i;
        break;
      }
    }
    if (found != IO_SLOT_COUNT) {
      uint base = found * IO_SLOT_WORDS;
      io_queue.w[base + 0u] = IO_OP_READ;
      io_queue.w[base + 1u] = arg0;
      io_queue.w[base + 2u] = arg0;
      io_queue.w[base + 3u] = 0u;
      io_queue.w[base + 4u] = 0u;
      io_queue.w[base + 5u] = 0u;
      io_queue.w[base + 7u] = arg0;
      atomicStore(io_queue.w[base + 6u], STATUS_PUBLISHED, gl_ScopeDevice, gl_StorageSemanticsBuffer, gl_SemanticsRelease);
      for (uint poll = 0u; poll < IO_POLL_LIMIT; ++poll) {
        uint state = atomicLoad(io_queue.w[base + 6u], gl_ScopeDevice, gl_StorageSemanticsBuffer, gl_SemanticsAcquire);
        if (state == IO_STATUS_OK || state == IO_STATUS_ERROR) {
          atomicStore(io_queue.w[base + 6u], STATUS_EMPTY, gl_ScopeDevice, gl_StorageSemanticsBuffer, gl_SemanticsRelease);
          break;
        }
        if (atomicLoad(control.w[CONTROL_SHUTDOWN], gl_ScopeDevice, gl_StorageSemanticsBuffer, gl_SemanticsRelaxed) != 0u)
          break;
      }
    }
    break;
  }
  case 0xFFFFFFFFu: // SHUTDOWN
    atomicExchange(control.w[CONTROL_SHUTDOWN], 1u);
    break;
  case OPCODE_PACKED_SLOT: // decoded by the caller
    break;
'''

GLSL_TAIL = r'''  default:
    atomicAdd(control.w[CONTROL_UNKNOWN_OPCODE_COUNT], 1u);
    break;
  }
}

// Byte k of a slot's payload (little-endian in the argument words).
uint payload_byte(uint arg_base, uint k) {
  return (ring_buffer.w[arg_base + (k >> 2u)] >> ((k & 3u) << 3u)) & 0xFFu;
}

void decode_packed(uint slot_base) {
  uint arg_base = slot_base + SLOT_ARG0_WORD;
  uint count = min(payload_byte(arg_base, 0u), PACKED_MAX_OPS);
  uint metadata_words = (2u + 2u * count + 3u) / 4u;
  for (uint i = 0u; i < count; ++i) {
    uint pair = 2u + 2u * i;
    uint inner = payload_byte(arg_base, pair);
    uint base = metadata_words + payload_byte(arg_base, pair + 1u);
    if (base + 3u <= SLOT_ARGS) {
      uint first = arg_base + base;
      dispatch_op(slot_base, inner, ring_buffer.w[first], ring_buffer.w[first + 1u],
                  ring_buffer.w[first + 2u]);
    }
  }
}

void main() {
  uint gid = gl_GlobalInvocationID.x;
  uint nthreads = gl_NumWorkGroups.x * 64u;
  for (uint pass = 0u; pass < ITERATION_BUDGET; ++pass) {
    // SHUTDOWN is read before the scan (see docs/protocol.md).
    uint shutdown = atomicLoad(control.w[CONTROL_SHUTDOWN], gl_ScopeDevice, gl_StorageSemanticsBuffer, gl_SemanticsAcquire);
    bool claimed_any = false;
    for (uint s = gid; s < SLOT_COUNT; s += nthreads) {
      uint slot_base = s * SLOT_WORDS;
      if (atomicCompSwap(ring_buffer.w[slot_base], STATUS_PUBLISHED, STATUS_CLAIMED,
                         gl_ScopeDevice, gl_StorageSemanticsBuffer, gl_SemanticsAcquire,
                         gl_StorageSemanticsBuffer, gl_SemanticsAcquire) == STATUS_PUBLISHED) {
        claimed_any = true;
        uint opcode = ring_buffer.w[slot_base + SLOT_OPCODE_WORD];
        dispatch_op(slot_base, opcode, ring_buffer.w[slot_base + SLOT_ARG0_WORD],
                    ring_buffer.w[slot_base + SLOT_ARG0_WORD + 1u],
                    ring_buffer.w[slot_base + SLOT_ARG0_WORD + 2u]);
        if (opcode == OPCODE_PACKED_SLOT)
          decode_packed(slot_base);
        atomicAdd(control.w[CONTROL_DONE_COUNT], 1u, gl_ScopeDevice, gl_StorageSemanticsBuffer, gl_SemanticsRelease);
        atomicStore(ring_buffer.w[slot_base], STATUS_DONE, gl_ScopeDevice, gl_StorageSemanticsBuffer, gl_SemanticsRelease);
      }
    }
    if (!claimed_any && shutdown != 0u)
      break;
  }
}
'''


def glsl_file(n, seed):
    out = [GLSL_HEAD % {'seed': seed, 'n': n, 'data_words': DATA_WORDS,
                        'scratch_words': SCRATCH_WORDS}]
    lines = []
    for k in range(n):
        name, op, doc, body = make_handler(seed, k)
        lines.append('  case 0x%Xu: { // %s' % (op, name))
        gl_stmts(body, 2, lines, {})
        lines.append('    break;')
        lines.append('  }')
    out.append('\n'.join(lines) + '\n')
    out.append(GLSL_TAIL)
    return ''.join(out)


# Atomic adds per published slot in the ceiling kernel: enough that their
# time stands well above vyre-run's start-up noise.
CEILING_REPEAT = 4096

CEILING_GLSL = r'''#version 450
// Generated by bench/gen.py. Do not edit.
//
// The raw atomic-add ceiling: the same bindings and specialization
// constants as the megakernels, one scan over the ring, and per published
// slot REPEAT relaxed atomicAdds on one word (an observable) plus one on
// DONE_COUNT (so the host sees every slot counted). bench/runtime.py reports
// (REPEAT + 1) * slots / time: atomic adds per second on one word, the rate a
// megakernel that did nothing but one atomicAdd per slot could not beat.
layout(local_size_x = 64) in;
layout(constant_id = 0) const uint SLOT_COUNT = 256u;
layout(std430, set = 0, binding = 0) coherent buffer ControlBlock { uint w[]; } control;
layout(std430, set = 0, binding = 1) coherent buffer RingBlock { uint w[]; } ring_buffer;
const uint REPEAT = %(repeat)du;
void main() {
  uint nthreads = gl_NumWorkGroups.x * 64u;
  for (uint s = gl_GlobalInvocationID.x; s < SLOT_COUNT; s += nthreads) {
    if (ring_buffer.w[s * 16u] == 1u) {
      for (uint r = 0u; r < REPEAT; ++r)
        atomicAdd(control.w[160u], 1u);
      atomicAdd(control.w[1], 1u);
    }
  }
}
''' % {'repeat': CEILING_REPEAT}


# ---------------------------------------------------------------------------
# Scenarios (docs/scenario.md, read by lib/Scenario/Scenario.cpp).
# ---------------------------------------------------------------------------

def scenario_slots(n_handlers, slots, seed):
    """A seeded mix: about half user handlers, a third built-ins, the rest
    packed slots of two to four built-in inner ops."""
    r = random.Random(seed ^ 0x5CE7)
    out = []
    obs = P['control.OBSERVABLE_BASE']
    for _ in range(slots):
        x = r.random()
        if x < 0.5:
            op = FIRST_OPCODE + r.randrange(n_handlers)
            out.append({'opcode': op, 'args': [r.randrange(1 << 16), r.randrange(1 << 16),
                                               r.randrange(0, 9)]})
        elif x < 0.8:
            which = r.choice(['NOP', 'STORE_U32', 'ATOMIC_ADD', 'LOAD_U32', 'COMPARE_SWAP',
                              'MEMCPY', 'BATCH_FENCE', 'PRINTF'])
            if which in ('STORE_U32', 'ATOMIC_ADD'):
                args = [r.randrange(1 << 16), obs + r.randrange(64)]
            elif which == 'LOAD_U32':
                args = [obs + r.randrange(64), r.randrange(64)]
            elif which == 'COMPARE_SWAP':
                args = [r.randrange(2, 32), 0, r.randrange(1 << 16)]
            elif which == 'MEMCPY':
                args = [obs + r.randrange(32), obs + 32 + r.randrange(24), r.randrange(1, 9)]
            elif which == 'BATCH_FENCE':
                args = [0, r.randrange(1 << 16)]
            elif which == 'PRINTF':
                args = [r.randrange(16), r.randrange(1 << 16), r.randrange(1 << 16)]
            else:
                args = []
            out.append({'opcode': BUILTIN_OPCODES[which], 'args': args})
        else:
            ops = []
            # 2 or 3 ops: with 3 argument words each and the header they
            # fill at most 11 of the slot's 12 argument words.
            for _ in range(r.randrange(2, 4)):
                w = r.choice(['STORE_U32', 'ATOMIC_ADD', 'NOP', 'BATCH_FENCE'])
                if w in ('STORE_U32', 'ATOMIC_ADD'):
                    a = [r.randrange(1 << 16), obs + r.randrange(64), 0]
                else:
                    a = [0, r.randrange(1 << 16), 0]
                ops.append({'opcode': BUILTIN_OPCODES[w], 'args': a})
            out.append({'packed': ops})
    return out


def scenario(n_handlers, slots, seed, workgroups, baseline=False, timeout_ms=600000):
    """The runtime scenario; with baseline=True every slot is already DONE,
    so the kernel scans the same ring and parses the same file but claims
    nothing (the difference of the two is the cost of the claimed slots)."""
    ss = scenario_slots(n_handlers, slots, seed)
    if baseline:
        for s in ss:
            s['status'] = 'DONE'
    return {
        'comment': 'bench/gen.py: %d slots over %d handlers%s' % (
            slots, n_handlers, ' (baseline: all DONE)' if baseline else ''),
        'workgroups': workgroups,
        'spec': {'slot.COUNT': slots},
        'shutdown': True,
        'service_io': False,  # no LOAD_MISS: vyre-run blocks on the fence
        'timeout_ms': timeout_ms,
        'slots': ss,
        'output': {'ring_status': False, 'debug_records': 'count',
                   'control': [[1, 2], [96, 128], [128, 129], [141, 142]]},
    }


def oneline_file(n):
    """n handlers of one line each, `handler H_k = OP { atomic_add(...); }`,
    at opcodes 0x100.. skipping the reserved 0xFFF0..0xFFFF: the scale
    test (past SPIR-V's 16,383 OpSwitch targets)."""
    out = ['// Generated by bench/gen.py (%d one-line handlers). Do not edit.' % n, '',
           'buffer data: u32[DATA_WORDS] read_write atomic @binding(4);',
           'const DATA_WORDS = %d;' % DATA_WORDS, '']
    for k in range(n):
        op = FIRST_OPCODE + k
        if op >= 0xFFF0:
            op += 0x10
        out.append('handler H_%d = %#x { atomic_add(data[%d], arg0); }' % (k, op, k % DATA_WORDS))
    return '\n'.join(out) + '\n'


def write(path, text):
    with open(path, 'w') as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--out', required=True)
    ap.add_argument('--seed', type=lambda s: int(s, 0), default=SEED)
    ap.add_argument('-n', type=int, nargs='+', default=[10, 100, 1000, 10000])
    ap.add_argument('--oneline', type=int, nargs='*', default=[],
                    help='also write one_N.vyre with N one-line handlers')
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for n in a.n:
        write(os.path.join(a.out, 'bench_%d.vyre' % n), vyre_file(n, a.seed))
        write(os.path.join(a.out, 'bench_%d.comp' % n), glsl_file(n, a.seed))
    write(os.path.join(a.out, 'ceiling.comp'), CEILING_GLSL)
    for n in a.oneline:
        write(os.path.join(a.out, 'one_%d.vyre' % n), oneline_file(n))


if __name__ == '__main__':
    main()
