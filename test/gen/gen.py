#!/usr/bin/env python3
"""Seeded random generator of valid .vyre programs (docs/fuzzing.md).

Every program it writes validates with zero errors and zero warnings
(`vyrec --Werror` accepts it): the generator is grammar and type aware and
follows docs/validation.md. Each file holds a few consts, four user buffers
and K handlers that together use every construct: let/var/assignment,
buffer stores, if/else if/else, for (every bound clamped with min(..., K)),
break, nested blocks, empty statements, every binary and unary operator,
select/min/max, all eleven atomics with every valid memory ordering
(and the default), plain loads of user buffers, protocol values and handler
opcodes.

Runtime behaviour is defined and bounded, so the programs are also fit for
execution (interpreter vs. driver):
  * every index is reduced modulo its buffer's size (no out-of-bounds
    access); stores and writing atomics to the protocol buffers go only to
    the observable region of `control`; atomics on `ring_buffer` are loads
    of the current slot's argument words;
  * loops run at most 4 iterations each (nesting at most 2);
  * division/remainder by zero and shifts by >= 32 only happen at run time,
    where the language defines them (0, and the amount mod 32).
Note that two lanes running handlers concurrently may race on the same
word; an execution harness that wants exact results runs one slot at a time.

Command line:
  gen.py --seed N [--handlers K] --out FILE.vyre     one program
  gen.py --seed N --count M [--handlers K] --out-dir DIR
                                 M programs DIR/gen-<seed+i>.vyre
As a module: `import gen; text = gen.generate(seed, handlers=4)`.
The same seed always gives the same program (Python's random.Random).
"""

import argparse
import os
import random
import sys

MASK = 0xFFFFFFFF

# Protocol values the programs read, with the prelude's values (the
# generator never overrides the protocol). Tunables are included: Sema
# checks them at their compiled value.
PROTOCOL = {
    "control.OBSERVABLE_BASE": 160,
    "control.OBSERVABLE_WORDS": 64,
    "control.WORDS": 224,
    "control.EPOCH": 128,
    "slot.WORDS": 16,
    "slot.ARG0_WORD": 4,
    "slot.ARGS": 12,
    "slot.COUNT": 256,
    "status.DONE": 3,
    "status.FAULT": 7,
    "debug.RECORD_WORDS": 4,
    "io.SLOT_WORDS": 8,
    "io.SLOT_COUNT": 64,
    "io.POLL_LIMIT": 1000000,
    "packed.MAX_OPS": 4,
    "kernel.WORKGROUP_SIZE": 64,
    "kernel.ITERATION_BUDGET": 1048576,
    "opcode.STORE_U32": 1,
    "opcode.PRINTF": 0xFFFE,
}

BOUNDARY = [0, 1, 2, 3, 7, 8, 15, 16, 31, 32, 33, 63, 64, 255, 256,
            0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF]

ARITH = ["+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>"]
CMP = ["==", "!=", "<", "<=", ">", ">="]
LOAD_ORDERS = [None, "relaxed", "acquire", "seq_cst"]
STORE_ORDERS = [None, "relaxed", "release", "seq_cst"]
RMW_ORDERS = [None, "relaxed", "acquire", "release", "acq_rel", "seq_cst"]
RMW = ["atomic_add", "atomic_sub", "atomic_and", "atomic_or", "atomic_xor",
       "atomic_min", "atomic_max", "atomic_exchange"]
INPUTS = ["opcode", "arg0", "arg1", "arg2", "slot_base"]

MAX_LOOP_TRIPS = 4
MAX_LOOP_NESTING = 2


def fold(op, a, b):
    """The runtime (and Sema's body folding) semantics of a u32 operator."""
    if op == "+":
        return (a + b) & MASK
    if op == "-":
        return (a - b) & MASK
    if op == "*":
        return (a * b) & MASK
    if op == "/":
        return a // b if b else 0
    if op == "%":
        return a % b if b else 0
    if op == "&":
        return a & b
    if op == "|":
        return a | b
    if op == "^":
        return a ^ b
    if op == "<<":
        return (a << (b & 31)) & MASK
    if op == ">>":
        return a >> (b & 31)
    raise ValueError(op)


class Expr:
    """Generated text, its type, and its value when Sema folds it."""

    def __init__(self, text, value=None):
        self.text = text
        self.value = value  # None: not a compile-time constant

    @property
    def const(self):
        return self.value is not None


class Scope:
    def __init__(self, parent=None):
        self.parent = parent
        self.locals = []  # (name, type, mutable)

    def visible(self):
        s, out = self, []
        while s:
            out.extend(s.locals)
            s = s.parent
        return out


class Generator:
    def __init__(self, seed, handlers):
        self.rng = random.Random(seed)
        self.seed = seed
        self.num_handlers = max(1, min(handlers, 24))
        self.counter = 0
        self.loop_depth = 0
        self.consts = {}
        self.opcodes = {}
        r = self.rng
        self.sizes = {
            "plain": r.choice([8, 16, 32, 64]),
            "table": r.choice([4, 16, 256]),
            "counters": r.choice([8, 16, 32]),
            "scratch": r.choice([1, 4, 16]),
        }

    # -- helpers --------------------------------------------------------
    def fresh(self, prefix):
        self.counter += 1
        return "%s%d" % (prefix, self.counter)

    def order(self, orders):
        o = self.rng.choice(orders)
        return "" if o is None else ", " + o

    def literal(self):
        r = self.rng
        v = r.choice(BOUNDARY) if r.random() < 0.6 else r.randrange(0, 1000)
        if r.random() < 0.3:
            return Expr("0x%X" % v, v)
        return Expr(str(v), v)

    # -- expressions ----------------------------------------------------
    def index(self, buf, depth, scope):
        """An index into a user buffer: always in bounds, at run time too."""
        e = self.u32(depth, scope)
        size = self.sizes[buf]
        if e.const:
            return Expr(str(e.value % size), e.value % size)
        return Expr("(%s) %% %d" % (e.text, size))

    def observable(self, depth, scope):
        e = self.u32(depth, scope)
        return "control.OBSERVABLE_BASE + (%s) %% control.OBSERVABLE_WORDS" % e.text

    def atomic_place(self, depth, scope, writing):
        r = self.rng.random()
        if r < 0.65:
            return "counters[%s]" % self.index("counters", depth, scope).text
        if r < 0.85 or not writing and r < 0.9:
            return "control[%s]" % self.observable(depth, scope)
        if not writing:
            k = self.rng.randrange(0, 12)
            return "ring_buffer[slot_base + slot.ARG0_WORD + %d]" % k
        return "scratch[%s]" % self.index("scratch", depth, scope).text

    def atomic_value(self, depth, scope):
        """An atomic that returns a value (u32, never constant)."""
        r = self.rng
        kind = r.randrange(0, 10)
        if kind < 3:
            return Expr("atomic_load(%s%s)" % (self.atomic_place(depth, scope, False),
                                               self.order(LOAD_ORDERS)))
        if kind < 8:
            op = r.choice(RMW)
            return Expr("%s(%s, %s%s)" % (op, self.atomic_place(depth, scope, True),
                                          self.u32(depth, scope).text,
                                          self.order(RMW_ORDERS)))
        return Expr("atomic_compare_exchange(%s, %s, %s%s)" % (
            self.atomic_place(depth, scope, True), self.u32(depth, scope).text,
            self.u32(depth, scope).text, self.order(RMW_ORDERS)))

    def u32(self, depth, scope):
        r = self.rng
        locals_u32 = [n for n, t, _ in scope.visible() if t == "u32"]
        if depth <= 0:
            k = r.randrange(0, 6)
            if k == 0:
                return self.literal()
            if k == 1 and locals_u32:
                return Expr(r.choice(locals_u32))
            if k == 2:
                name = r.choice(sorted(self.consts))
                return Expr(name, self.consts[name])
            if k == 3:
                name = r.choice(sorted(PROTOCOL) + sorted(self.opcodes))
                return Expr(name, PROTOCOL.get(name, self.opcodes.get(name)))
            return Expr(r.choice(INPUTS))
        k = r.randrange(0, 20)
        d = depth - 1
        if k < 7:
            op = r.choice(ARITH)
            a, b = self.u32(d, scope), self.u32(d, scope)
            if op in ("/", "%") and b.const and b.value == 0:
                b = Expr("max(%s, 1)" % b.text, 1)
            if op in ("<<", ">>") and b.const and b.value >= 32:
                b = Expr("((%s) & 31)" % b.text, b.value & 31)
            value = fold(op, a.value, b.value) if a.const and b.const else None
            return Expr("(%s %s %s)" % (a.text, op, b.text), value)
        if k == 7:
            a = self.u32(d, scope)
            return Expr("~%s" % self.paren(a.text), None if not a.const else ~a.value & MASK)
        if k in (8, 9):
            fn = r.choice(["min", "max"])
            a, b = self.u32(d, scope), self.u32(d, scope)
            value = None
            if a.const and b.const:
                value = min(a.value, b.value) if fn == "min" else max(a.value, b.value)
            return Expr("%s(%s, %s)" % (fn, a.text, b.text), value)
        if k == 10:
            c, a, b = self.boolean(d, scope), self.u32(d, scope), self.u32(d, scope)
            value = None
            if c.const and a.const and b.const:
                value = a.value if c.value else b.value
            return Expr("select(%s, %s, %s)" % (c.text, a.text, b.text), value)
        if k in (11, 12):
            buf = r.choice(["plain", "table"])
            return Expr("%s[%s]" % (buf, self.index(buf, d, scope).text))
        if k in (13, 14):
            return self.atomic_value(d, scope)
        return self.u32(0, scope)

    def paren(self, text):
        return text if text.replace("_", "").replace(".", "").isalnum() else "(%s)" % text

    def boolean(self, depth, scope):
        r = self.rng
        locals_bool = [n for n, t, _ in scope.visible() if t == "bool"]
        if depth <= 0:
            k = r.randrange(0, 3)
            if k == 0:
                v = r.random() < 0.5
                return Expr("true" if v else "false", int(v))
            if k == 1 and locals_bool:
                return Expr(r.choice(locals_bool))
            return self.compare(0, scope)
        d = depth - 1
        k = r.randrange(0, 8)
        if k < 3:
            return self.compare(d, scope)
        if k == 3:
            op = r.choice(["&&", "||"])
            a, b = self.boolean(d, scope), self.boolean(d, scope)
            value = None
            if a.const and b.const:
                value = int(bool(a.value and b.value) if op == "&&" else bool(a.value or b.value))
            return Expr("(%s %s %s)" % (a.text, op, b.text), value)
        if k == 4:
            op = r.choice(["==", "!="])
            a, b = self.boolean(d, scope), self.boolean(d, scope)
            value = None
            if a.const and b.const:
                value = int((a.value == b.value) == (op == "=="))
            return Expr("(%s %s %s)" % (a.text, op, b.text), value)
        if k == 5:
            a = self.boolean(d, scope)
            return Expr("!%s" % self.paren(a.text), None if not a.const else 1 - a.value)
        if k == 6:
            c, a, b = self.boolean(d, scope), self.boolean(d, scope), self.boolean(d, scope)
            value = None
            if c.const and a.const and b.const:
                value = a.value if c.value else b.value
            return Expr("select(%s, %s, %s)" % (c.text, a.text, b.text), value)
        return self.boolean(0, scope)

    def compare(self, depth, scope):
        op = self.rng.choice(CMP)
        a, b = self.u32(depth, scope), self.u32(depth, scope)
        value = None
        if a.const and b.const:
            value = int({"==": a.value == b.value, "!=": a.value != b.value,
                         "<": a.value < b.value, "<=": a.value <= b.value,
                         ">": a.value > b.value, ">=": a.value >= b.value}[op])
        return Expr("(%s %s %s)" % (a.text, op, b.text), value)

    # -- statements -----------------------------------------------------
    def block(self, scope, depth, ind, stmts=None):
        inner = Scope(scope)
        lines = []
        n = stmts if stmts is not None else self.rng.randrange(1, 4)
        for _ in range(n):
            lines.extend(self.stmt(inner, depth, ind + 2))
        return lines

    def stmt(self, scope, depth, ind):
        r = self.rng
        pad = " " * ind
        ed = r.randrange(1, 4)
        kind = r.randrange(0, 22)
        if depth <= 0 and kind >= 12:
            kind = r.randrange(0, 12)
        mutable = [(n, t) for n, t, m in scope.visible() if m]
        if kind < 3:  # let / var
            mut = r.random() < 0.5
            ty = "u32" if r.random() < 0.75 else "bool"
            e = self.u32(ed, scope) if ty == "u32" else self.boolean(ed, scope)
            name = self.fresh("v" if mut else "l")
            scope.locals.append((name, ty, mut))
            return ["%s%s %s = %s;" % (pad, "var" if mut else "let", name, e.text)]
        if kind < 5 and mutable:  # assignment
            name, ty = r.choice(mutable)
            e = self.u32(ed, scope) if ty == "u32" else self.boolean(ed, scope)
            return ["%s%s = %s;" % (pad, name, e.text)]
        if kind < 7:  # plain store
            c = r.randrange(0, 4)
            if c < 2:
                place = "plain[%s]" % self.index("plain", ed, scope).text
            elif c == 2:
                place = "scratch[%s]" % self.index("scratch", ed, scope).text
            else:
                place = "control[%s]" % self.observable(ed, scope)
            return ["%s%s = %s;" % (pad, place, self.u32(ed, scope).text)]
        if kind < 10:  # atomic statement
            if r.random() < 0.3:
                return ["%satomic_store(%s, %s%s);" % (
                    pad, self.atomic_place(ed, scope, True), self.u32(ed, scope).text,
                    self.order(STORE_ORDERS))]
            return ["%s%s;" % (pad, self.atomic_value(ed, scope).text)]
        if kind == 10 and self.loop_depth > 0:  # break, usually guarded
            if r.random() < 0.7:
                return ["%sif %s {" % (pad, self.boolean(ed, scope).text),
                        "%s  break;" % pad, "%s}" % pad]
            return ["%sbreak;" % pad]
        if kind == 11:
            return ["%s;" % pad] if r.random() < 0.3 else self.stmt(scope, 0, ind)
        if kind < 16:  # if / else if / else
            lines = ["%sif %s {" % (pad, self.boolean(ed, scope).text)]
            lines += self.block(scope, depth - 1, ind)
            c = r.randrange(0, 3)
            if c == 1:
                lines += ["%s} else {" % pad] + self.block(scope, depth - 1, ind)
            elif c == 2:
                lines += ["%s} else if %s {" % (pad, self.boolean(ed, scope).text)]
                lines += self.block(scope, depth - 1, ind)
                lines += ["%s} else {" % pad] + self.block(scope, depth - 1, ind)
            return lines + ["%s}" % pad]
        if kind < 19 and self.loop_depth < MAX_LOOP_NESTING:  # for
            var = self.fresh("i")
            lo = self.u32(r.randrange(0, 2), scope)
            hi = self.u32(r.randrange(0, 3), scope)
            k = r.randrange(0, MAX_LOOP_TRIPS + 1)
            # Every loop runs at most MAX_LOOP_TRIPS times: lo..min(hi, lo + K)
            # would not be provably bounded, so clamp hi and start at
            # lo clamped below it as well.
            if r.random() < 0.5:
                header = "for %s in %s..min(%s, %d) {" % (var, lo.text, hi.text, k)
            else:
                header = "for %s in 0..min(%s, %d) {" % (var, hi.text, k)
            body = Scope(scope)
            body.locals.append((var, "u32", False))
            self.loop_depth += 1
            lines = ["%s%s" % (pad, header)] + self.block(body, depth - 1, ind)
            self.loop_depth -= 1
            return lines + ["%s}" % pad]
        if kind < 21:  # nested block
            return ["%s{" % pad] + self.block(scope, depth - 1, ind) + ["%s}" % pad]
        return self.stmt(scope, 0, ind)

    # -- items ----------------------------------------------------------
    def program(self):
        r = self.rng
        out = ["// Generated by test/gen/gen.py --seed %d --handlers %d"
               % (self.seed, self.num_handlers), ""]
        for i in range(r.randrange(1, 4)):
            lit = self.literal()
            name = "K%d" % i
            self.consts[name] = lit.value
            out.append("const %s = %s;" % (name, lit.text))
        self.consts["PLAIN_WORDS"] = self.sizes["plain"]
        out.append("const PLAIN_WORDS = %d;" % self.sizes["plain"])
        out += [
            "",
            "/// Plain loads and stores only.",
            "buffer plain: u32[PLAIN_WORDS] read_write @binding(4);",
            "/// Read-only table.",
            "buffer table: u32[%d] read @set(1) @binding(0);" % self.sizes["table"],
            "/// Updated with atomics only.",
            "buffer counters: u32[%d] read_write atomic @binding(5);" % self.sizes["counters"],
            "/// Plain stores and atomics, never plain loads.",
            "buffer scratch: u32[%d] read_write @set(1) @binding(%d);"
            % (self.sizes["scratch"], r.randrange(1, 4)),
            "",
        ]
        codes = r.sample(range(8, 32), self.num_handlers)
        names = ["H%d" % i for i in range(self.num_handlers)]
        for n, c in zip(names, codes):
            self.opcodes["opcode." + n] = c
        for n, c in zip(names, codes):
            self.counter = 0
            self.loop_depth = 0
            out.append("/// Generated handler %s." % n)
            code = "0x%X" % c if r.random() < 0.3 else str(c)
            out.append("handler %s = %s {" % (n, code))
            out += self.block(Scope(), 3, 0, stmts=r.randrange(2, 6))
            out.append("}")
            out.append("")
        return "\n".join(out)


def generate(seed, handlers=4):
    """The text of the program for \\p seed with \\p handlers handlers."""
    return Generator(seed, handlers).program()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--handlers", type=int, default=4, help="handlers per file (1-24)")
    p.add_argument("--out", help="output file ('-' or absent: standard output)")
    p.add_argument("--count", type=int, default=0,
                   help="write COUNT files, seeds SEED..SEED+COUNT-1, into --out-dir")
    p.add_argument("--out-dir", help="directory for --count")
    a = p.parse_args(argv)
    if a.count:
        if not a.out_dir:
            p.error("--count needs --out-dir")
        os.makedirs(a.out_dir, exist_ok=True)
        for s in range(a.seed, a.seed + a.count):
            with open(os.path.join(a.out_dir, "gen-%d.vyre" % s), "w") as f:
                f.write(generate(s, a.handlers))
        return 0
    text = generate(a.seed, a.handlers)
    if not a.out or a.out == "-":
        sys.stdout.write(text)
    else:
        with open(a.out, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
