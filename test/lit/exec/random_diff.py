#!/usr/bin/env python3
"""random_diff.py: differential test of the interpreter against vyre-run.

  random_diff.py --seed S --programs P --scenarios K --out DIR [--interp-only]
                 [--vyrec-flag=FLAG]... [--spec NAME=VALUE]...
  random_diff.py --rings --seed S --scenarios K --out DIR [--interp-only]

Generates P random, valid .vyre programs (seeded, reproducible) with a few
user handlers each, and K random scenarios per program; compiles each
program with vyrec, runs every scenario through vyre-interp and vyre-run,
and fails if the two disagree on the scenario's output or on the full final
state (--dump). Every file of a failing case stays in DIR.

The programs are race-free by construction, so any difference is a bug:
every slot reads and writes only its own 8-word region of `scratch`
(selected by slot_base), and the only shared words take commutative
atomic adds whose results are unused. Loops are short and memory orderings
stay outside loops (lavapipe caps an invocation's loop iterations at 65535
and an ordered atomic uses up many of them; see load-miss.test).

--rings tests the host side instead: one fixed program in four modules
(tenant gate off/on x strided/priority schedule) and K random rings over
them: published before the run or "live", random tenants (some refused),
tenant tables, handlers that enable or disable a tenant while the ring
runs, priority partitions and slot statuses (EMPTY, DONE, YIELD, ...),
vyre's slot encoding. One invocation runs the ring, so the order is
deterministic and a trace handler records it, with what the handler sees
of the next slot. The strided modules claim one slot at a time (--claim-batch=1):
the interpreter claims a slot and runs it before it looks at the next,
and with the grouped loop's default batches a handler would see the
slots its invocation claimed with it as CLAIMED, and a tenant it enables
would miss the slots of its batch already refused (both allowed:
docs/protocol.md, "Drain on shutdown"). Alternate groups of four rings
set their kernel.PORTABLE_LOOP to 0 and 1, so that both loops run on every
device (vyre-run picks the portable one for a CPU driver, the grouped one
for a GPU). A live ring whose slot never finishes is a hang for both
tools: such a case is rerun with a short timeout_ms, and both must exit 3.
"""
import argparse
import json
import os
import random
import subprocess
import sys

LITERALS = [0, 1, 2, 3, 5, 7, 8, 31, 32, 33, 255, 256, 0x7FFFFFFF, 0x80000000,
            0xFFFFFFFF]
ORDERS = ["relaxed", "acquire", "release", "acq_rel", "seq_cst"]


class Gen:
    def __init__(self, rng):
        self.rng = rng
        self.names = 0

    def fresh(self):
        self.names += 1
        return "v%d" % self.names

    def literal(self):
        r = self.rng
        return str(r.choice(LITERALS) if r.random() < 0.7 else r.randrange(0, 1 << 32))

    def index(self, scope, depth):
        return "rgn + (%s & 7)" % self.u32(scope, depth + 1)

    def u32(self, scope, depth=0, atomics=True):
        r = self.rng
        leaf = depth >= 3 or r.random() < 0.3
        if leaf:
            choices = ["lit", "input", "input"]
            if scope["u32"]:
                choices += ["local", "local"]
            c = r.choice(choices)
            if c == "lit":
                return self.literal()
            if c == "input":
                return r.choice(["arg0", "arg1", "arg2", "opcode", "slot_base"])
            return r.choice(scope["u32"])
        k = r.random()
        if k < 0.45:
            op = r.choice(["+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>"])
            return "(%s %s %s)" % (self.u32(scope, depth + 1, atomics), op,
                                   self.u32(scope, depth + 1, atomics))
        if k < 0.55:
            return "%s(%s, %s)" % (r.choice(["min", "max"]),
                                   self.u32(scope, depth + 1, atomics),
                                   self.u32(scope, depth + 1, atomics))
        if k < 0.62:
            return "select(%s, %s, %s)" % (self.bool(scope, depth + 1, atomics),
                                           self.u32(scope, depth + 1, atomics),
                                           self.u32(scope, depth + 1, atomics))
        if k < 0.67:
            return "~%s" % self.u32(scope, depth + 1, atomics)
        if k < 0.8:
            return "scratch[%s]" % self.index(scope, depth)
        if atomics and k < 0.92:
            op = r.choice(["add", "sub", "and", "or", "xor", "min", "max", "exchange"])
            return "atomic_%s(scratch[%s], %s%s)" % (
                op, self.index(scope, depth), self.u32(scope, depth + 1, atomics),
                self.order(scope))
        if atomics:
            return "atomic_compare_exchange(scratch[%s], %s, %s%s)" % (
                self.index(scope, depth), self.u32(scope, depth + 1, atomics),
                self.u32(scope, depth + 1, atomics), self.order(scope, cas=True))
        return self.literal()

    def order(self, scope, cas=False, load=False, store=False):
        if scope["loop"] or self.rng.random() < 0.7:
            return ""
        allowed = ["relaxed", "acquire", "seq_cst"] if load else \
                  ["relaxed", "release", "seq_cst"] if store else ORDERS
        choice = self.rng.choice(allowed)
        return ", " + ("relaxed" if WEBGPU else choice)

    def bool(self, scope, depth=0, atomics=True):
        r = self.rng
        k = r.random()
        if depth >= 3 or k < 0.6:
            op = r.choice(["==", "!=", "<", "<=", ">", ">="])
            return "(%s %s %s)" % (self.u32(scope, depth + 1, atomics), op,
                                   self.u32(scope, depth + 1, atomics))
        if k < 0.8:
            return "(%s %s %s)" % (self.bool(scope, depth + 1, atomics),
                                   r.choice(["&&", "||"]),
                                   self.bool(scope, depth + 1, atomics))
        if k < 0.9:
            return "!%s" % self.bool(scope, depth + 1, atomics)
        return r.choice(["true", "false"])

    def block(self, scope, depth, indent):
        inner = {"u32": list(scope["u32"]), "vars": list(scope["vars"]),
                 "loop": scope["loop"]}
        lines = []
        for _ in range(self.rng.randint(1, 4 if depth < 2 else 2)):
            lines += self.stmt(inner, depth, indent)
        return lines

    def stmt(self, scope, depth, indent):
        r = self.rng
        pad = "  " * indent
        k = r.random()
        if k < 0.18:
            name = self.fresh()
            mutable = r.random() < 0.5
            line = "%s%s %s = %s;" % (pad, "var" if mutable else "let", name,
                                      self.u32(scope))
            scope["u32"].append(name)
            if mutable:
                scope["vars"].append(name)
            return [line]
        if k < 0.28 and scope["vars"]:
            return ["%s%s = %s;" % (pad, r.choice(scope["vars"]), self.u32(scope))]
        if k < 0.4:
            return ["%sscratch[%s] = %s;" % (pad, self.index(scope, 0), self.u32(scope))]
        if k < 0.55:
            op = r.choice(["add", "sub", "and", "or", "xor", "min", "max", "exchange"])
            return ["%satomic_%s(scratch[%s], %s%s);" % (
                pad, op, self.index(scope, 0), self.u32(scope), self.order(scope))]
        if k < 0.6:
            return ["%satomic_store(scratch[%s], %s%s);" % (
                pad, self.index(scope, 0), self.u32(scope), self.order(scope, store=True))]
        if k < 0.65:
            # A shared counter: commutative, result unused.
            return ["%satomic_add(control[%d], %s);" % (
                pad, 200 + r.randrange(4), self.literal())]
        if k < 0.7 and scope["loop"]:
            return ["%sif %s {" % (pad, self.bool(scope)), "%s  break;" % pad,
                    "%s}" % pad]
        if k < 0.85 and depth < 3:
            lines = ["%sif %s {" % (pad, self.bool(scope))]
            lines += self.block(scope, depth + 1, indent + 1)
            if r.random() < 0.5:
                lines.append("%s} else {" % pad)
                lines += self.block(scope, depth + 1, indent + 1)
            lines.append("%s}" % pad)
            return lines
        if depth < 3:
            name = self.fresh()
            lo = r.randrange(0, 3)
            hi = "%d" % r.randrange(0, 7) if r.random() < 0.7 else \
                 "min(arg%d, 5)" % r.randrange(3)
            inner = {"u32": scope["u32"] + [name], "vars": list(scope["vars"]),
                     "loop": True}
            lines = ["%sfor %s in %d..%s {" % (pad, name, lo, hi)]
            lines += self.block(inner, depth + 1, indent + 1)
            lines.append("%s}" % pad)
            return lines
        return ["%satomic_add(scratch[%s], 1);" % (pad, self.index(scope, 0))]

    def program(self, opcodes):
        out = ["// generated by random_diff.py",
               "buffer scratch: u32[128] read_write atomic @binding(4);", ""]
        for i, op in enumerate(opcodes):
            out.append("handler H%d = 0x%X {" % (i, op))
            out.append("  let rgn = slot_base / slot.WORDS * 8;")
            scope = {"u32": ["rgn"], "vars": [], "loop": False}
            for _ in range(self.rng.randint(1, 5)):
                out += self.stmt(scope, 0, 1)
            out.append("}")
            out.append("")
        return "\n".join(out)


def scenario(rng, opcodes):
    def word():
        return rng.choice(LITERALS) if rng.random() < 0.6 else rng.randrange(0, 1 << 32)

    slots = []
    for _ in range(rng.randint(1, 16)):
        k = rng.random()
        small = [op for op in opcodes if op < 256]
        if k < 0.2 and small:
            ops = []
            n = rng.randint(1, 4)
            free = 12 - (2 + 2 * n + 3) // 4  # argument words after the header
            used = set()
            for _ in range(n):
                op = {"opcode": rng.choice(small)}
                if rng.random() < 0.2:
                    # Arity violation: the kernel must skip it.
                    op["arg_offset"] = rng.randrange(free - 2, 20)
                else:
                    # Fresh words when they fit, else share earlier ones.
                    start = next((o for o in range(free - 2) if not used & {o, o + 1, o + 2}), None)
                    if start is None:
                        op["arg_offset"] = rng.randrange(0, free - 2)
                    else:
                        used |= {start, start + 1, start + 2}
                        op["arg_offset"] = start
                        op["args"] = [word() for _ in range(3)]
                ops.append(op)
            slot = {"packed": ops}
            if rng.random() < 0.1:
                slot["count"] = rng.randrange(0, 256)
            slots.append(slot)
        elif k < 0.3:
            slots.append({"opcode": rng.choice(["NOP", 200, 0x7777]),
                          "args": [word()]})
        elif k < 0.35:
            slots.append({"opcode": "ATOMIC_ADD", "args": [word(), 210 + rng.randrange(4)]})
        else:
            slots.append({"opcode": rng.choice(opcodes),
                          "args": [word() for _ in range(rng.randint(0, 3))]})
    # A generous timeout for a loaded machine. (lavapipe's compile of the
    # kernel, seconds for a large generated one, is no longer in it:
    # vyre-run compiles ahead, compile-ahead.test.)
    return {"workgroups": rng.randint(1, 2), "shutdown": True, "timeout_ms": 120000,
            "buffers": {"scratch": [word() for _ in range(rng.randint(0, 128))]},
            "slots": slots}


# VYRE_EXEC_HOST=webgpu (lit.cfg.py): the WGSL module through the WebGPU
# host ($VYRE_RUN_WEBGPU) instead of vyre-run. WGSL atomics are relaxed only
# (vyrec refuses other orders for WebGPU), so every order is spelled
# relaxed; the random choices stay the same, and so do the programs'
# values (one invocation per slot's handler: orders change no result here).
WEBGPU = os.environ.get("VYRE_EXEC_HOST") == "webgpu"
MODULE = ".wgsl" if WEBGPU else ".spv"
RUN = os.environ.get("VYRE_RUN_WEBGPU", "").split() if WEBGPU else ["vyre-run"]


def target_flags(spec):
    """vyrec's options for the host under test: WebGPU's default loop is
    the portable one, without the kernel.PORTABLE_LOOP switch that a spec
    may set (then the grouped loop, SPIR-V's default)."""
    if not WEBGPU:
        return []
    return ["--target-env=webgpu"] + (["--skeleton=grouped"] if "kernel.PORTABLE_LOOP" in spec else [])


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def compare(base, sb, interp_only, hang=None):
    """Runs scenario SB.json of program BASE through both tools; returns a
    failure message, or None. With HANG, appends whether the interpreter
    reported a hang (exit 3)."""
    i = run(["vyre-interp", "--dump", sb + ".interp.dump", base + ".vyre", sb + ".json"])
    if hang is not None:
        hang.append(i.returncode == 3)
    if i.returncode == 4:
        return "FAIL %s: the interpreter faulted on a generated program:\n%s" % (sb, i.stderr)
    if interp_only:
        return None
    v = run(RUN + ["--dump", sb + ".run.dump", base + MODULE, base + ".json",
             sb + ".json"])
    # Both a hang, and vyre-run's the driver's cutting the kernel short
    # (llvmpipe's loop limit, reached before timeout_ms on a loaded
    # machine): its results are incomplete by its own account, so only the
    # verdict is compared.
    cut_short = "cut short by the driver" in v.stderr
    if i.returncode == v.returncode == 3 and cut_short:
        return None
    if (i.returncode, i.stdout) != (v.returncode, v.stdout):
        return "FAIL %s: vyre-interp (exit %d) and vyre-run (exit %d) disagree\n%s%s" % (
            sb, i.returncode, v.returncode, i.stderr, v.stderr)
    if i.returncode == 0:
        a = open(sb + ".interp.dump").read()
        b = open(sb + ".run.dump").read()
        if a != b:
            d = run(["diff", "-u", sb + ".interp.dump", sb + ".run.dump"])
            return "FAIL %s: final states differ (- interp, + run)\n%s" % (sb, d.stdout)
    return None


RING_PROGRAM = """// generated by random_diff.py --rings
protocol { %s }
buffer trace: u32[128] read_write atomic @binding(4);

/// Appends arg0 to the trace, and notes the status of the next slot.
handler TRACE = 0x100 {
  let i = atomic_add(trace[0], 1);
  atomic_store(trace[1 + (i & 63)], arg0);
  atomic_store(trace[64 + (arg0 & 63)],
               ring_buffer[slot_base + slot.WORDS + slot.STATUS_WORD]);
}

/// Sets tenant arg0's mask to arg1 (vyre's table: control[3 + tenant]).
handler MASK = 0x101 {
  atomic_store(control[control.TENANT_BASE + 1 + arg0], arg1);
}
"""

SLOT_COUNT = 32


def ring_scenario(rng, gate, priority):
    """A random ring for the ring program; (scenario, live)."""
    live = rng.random() < 0.5
    # A live ring stops at its first slot that never finishes (a hang that
    # costs vyre-run its timeout_ms): live rings get fewer of them.
    rare = 0.3 if live else 1
    tenants = rng.randint(1 if live else 0, 4)
    serial = iter(range(1000))
    slots = []
    for _ in range(rng.randint(1, 20)):
        k = rng.random()
        if k < 0.55:
            slot = {"opcode": "TRACE", "args": [next(serial)]}
        elif k < 0.7:
            # Enable a tenant, now and then disable one.
            slot = {"opcode": "MASK", "args": [rng.randrange(6),
                                               0 if rng.random() < 0.2 * rare else 1]}
        elif k < 0.8:
            slot = {"opcode": "ATOMIC_ADD", "args": [rng.randrange(1, 100),
                                                     200 + rng.randrange(4)]}
        elif k < 0.85:
            slot = {"packed": [{"opcode": "ATOMIC_ADD", "args": [1, 204]},
                               {"opcode": "STORE_U32", "args": [next(serial), 205]}]}
        elif k < 0.9:
            slot = {"opcode": rng.choice(["NOP", 0x7777]), "args": [next(serial)]}
        else:
            slot = {"opcode": "TRACE", "args": [next(serial)], "encoding": "vyre"}
        # Mostly a tenant of the table; sometimes one it refuses.
        if gate or rng.random() < 0.3:
            t = rng.randrange(max(tenants, 1)) if rng.random() > 0.15 * rare else rng.randrange(6)
            slot["tenant"] = t
        if "encoding" not in slot and rng.random() < 0.3:
            slot["priority"] = rng.randrange(5)
        # Statuses the kernel does not claim (or, priority, does).
        if rng.random() < 0.15 * rare:
            slot["status"] = rng.choice(["EMPTY", "DONE", "YIELD", "REQUEUE",
                                         "CLAIMED"])
        slots.append(slot)
    sc = {"spec": {"kernel.WORKGROUP_SIZE": 1, "slot.COUNT": SLOT_COUNT},
          "timeout_ms": 120000, "slots": slots,
          "publish": "live" if live else "before"}
    if not live:
        sc["shutdown"] = True
    if gate or rng.random() < 0.3:
        sc["tenants"] = tenants
    if priority:
        if rng.random() < 0.4:
            sc["priority_partitions"] = "default"
        else:
            # Partitions from slot 0, the last mostly ending at the ring's.
            sc["priority_partitions"] = [0] + sorted(
                rng.randrange(SLOT_COUNT + 1) for _ in range(4)) + [
                SLOT_COUNT if rng.random() > 0.5 * rare else rng.randrange(SLOT_COUNT + 1)]
            sc["priority_partitions"][5] = max(sc["priority_partitions"][4:])
    if rng.random() < 0.2:
        sc["spec"]["kernel.ITERATION_BUDGET"] = rng.choice([1, 2, 3])
    return sc, live


def rings_main(args):
    rng = random.Random(args.seed)
    modules = []
    for gate in (0, 1):
        for priority in (0, 1):
            base = os.path.join(args.out, "ring-g%d-p%d" % (gate, priority))
            setting = "kernel.TENANT_GATE = %d;" % gate
            if priority:
                setting += " kernel.SCHEDULE = schedule.PRIORITY;"
            with open(base + ".vyre", "w") as f:
                f.write(RING_PROGRAM % setting)
            # A priority module runs the portable loop only.
            batch = [] if priority else ["--claim-batch=1"]
            c = run(["vyrec", "--validate", "-w"] + batch + [base + ".vyre",
                     "-o", base + ".spv", "--manifest", base + ".json"])
            if c.returncode != 0:
                print("FAIL %s.vyre: vyrec rejected the ring program:\n%s" % (base, c.stderr))
                return 1
            modules.append((base, gate, priority))
    failures = lives = hangs = 0
    for s in range(args.scenarios):
        base, gate, priority = modules[s % len(modules)]
        sb = "%s.s%d" % (base, s)
        sc, live = ring_scenario(rng, gate, priority)
        if not priority:
            sc["spec"]["kernel.PORTABLE_LOOP"] = (s // len(modules)) % 2
        lives += live
        with open(sb + ".json", "w") as f:
            json.dump(sc, f)
        hung = []
        failure = compare(base, sb, True, hung)
        if hung[0]:
            # vyre-run waits timeout_ms before it reports the hang.
            hangs += 1
            sc["timeout_ms"] = 2500
            with open(sb + ".json", "w") as f:
                json.dump(sc, f)
        if not failure:
            failure = compare(base, sb, args.interp_only)
        if failure:
            print(failure)
            failures += 1
    print("random_diff: rings seed %d: %d runs (%d live, %d hangs), %d failures"
          % (args.seed, args.scenarios, lives, hangs, failures))
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--programs", type=int, default=10)
    ap.add_argument("--scenarios", type=int, default=5)
    ap.add_argument("--out", required=True)
    ap.add_argument("--interp-only", action="store_true")
    ap.add_argument("--vyrec-flag", action="append", default=[],
                    help="another vyrec option (e.g. --skeleton=portable)")
    ap.add_argument("--spec", action="append", default=[], metavar="NAME=VALUE",
                    help="a specialization value of every scenario (e.g. "
                         "kernel.PORTABLE_LOOP=0)")
    ap.add_argument("--rings", action="store_true",
                    help="random rings (live, tenants, priorities) over one "
                         "program instead of random programs")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    if args.rings:
        if WEBGPU:
            ap.error("--rings publishes live, which a WebGPU host cannot")
        return rings_main(args)
    spec = {k: int(v, 0) for k, v in (s.split("=", 1) for s in args.spec)}
    rng = random.Random(args.seed)
    failures = 0
    runs = 0
    rejected = 0
    for p in range(args.programs):
        # Metered (< 32), packable (< 256) and wide user opcodes.
        opcodes = rng.sample([0x10, 0x11, 0x1F, 0x40, 0xFE, 0x100, 0x1234], rng.randint(2, 4))
        base = os.path.join(args.out, "p%d" % p)
        # A constant subexpression may divide by zero or shift by 32 or
        # more, which the validator rightly rejects: generate another.
        for attempt in range(20):
            gen = Gen(rng)
            with open(base + ".vyre", "w") as f:
                f.write(gen.program(opcodes))
            c = run(["vyrec", "--validate", "-w"] + target_flags(spec) + args.vyrec_flag +
                    [base + ".vyre", "-o", base + MODULE,
                     "--manifest", base + ".json"])
            if c.returncode == 0:
                break
            if "constant" not in c.stderr and "shift" not in c.stderr:
                break
            rejected += 1
        if c.returncode != 0:
            print("FAIL %s.vyre: vyrec rejected a generated program:\n%s" % (base, c.stderr))
            failures += 1
            continue
        for s in range(args.scenarios):
            sb = "%s.s%d" % (base, s)
            with open(sb + ".json", "w") as f:
                sc = scenario(rng, opcodes)
                if spec:
                    sc["spec"] = spec
                json.dump(sc, f)
            runs += 1
            failure = compare(base, sb, args.interp_only)
            if failure:
                print(failure)
                failures += 1
    print("random_diff: seed %d: %d programs (%d constant-folding rejects "
          "regenerated), %d runs, %d failures"
          % (args.seed, args.programs, rejected, runs, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
