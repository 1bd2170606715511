#!/usr/bin/env python3
"""Pins every SPIR-V module and manifest vyrec emits for the repository's
.vyre files and the .vyre parts of its lit tests (split-file), by SHA-256, across skeletons, target envs and a few other
options (issue 22: refactors of the emitter must leave every output
byte-identical).

  byte-identity.py --vyrec PATH --root SRC --expect FILE   check
  byte-identity.py --vyrec PATH --root SRC --write FILE    regenerate

Each line of FILE is `<file> <config> <spv sha256|-> <manifest sha256|-> exit=N`.
A file or configuration vyrec rejects is pinned by its exit code. Regenerate
only for a change that is meant to change the modules, and say so in the
commit.
"""
import argparse
import concurrent.futures
import hashlib
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from repo_inputs import repo_inputs  # noqa: E402

SKELETONS = ["portable", "subgroup", "grouped"]
ENVS = ["vulkan1.0", "vulkan1.1", "vulkan1.2", "vulkan1.3"]
# Beyond the skeleton x env grid: the other switches that change the module.
EXTRA = [
    ("vulkan-mm", ["--target-env=vulkan1.3", "--memory-model=vulkan"]),
    ("vulkan-mm-1.1", ["--target-env=vulkan1.1", "--memory-model=vulkan"]),
    ("shards-auto", ["--shards=auto"]),
    ("shards-3", ["--shards=3"]),
    ("batch-3", ["--skeleton=grouped", "--claim-batch=3"]),
    ("spirv-1.4", ["--target-env=vulkan1.2", "--spirv-version=1.4"]),
    ("g", ["-g"]),
]


def configs():
    for env in ENVS:
        for sk in SKELETONS:
            yield "%s-%s" % (env, sk), ["--target-env=" + env, "--skeleton=" + sk]
    yield from EXTRA


def sha(path):
    if not os.path.exists(path):
        return "-"
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def one(vyrec, cwd, tmp, key, rel, name, flags):
    stem = os.path.join(tmp, key.replace("/", "_").replace(":", "_") + "." + name)
    spv, manifest = stem + ".spv", stem + ".json"
    r = subprocess.run([vyrec, rel, "-w", "-o", spv, "--manifest", manifest] + flags,
                       cwd=cwd, capture_output=True)
    line = "%s %s %s %s exit=%d" % (key, name, sha(spv), sha(manifest), r.returncode)
    for p in (spv, manifest):
        if os.path.exists(p):
            os.remove(p)
    return line


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vyrec", required=True)
    ap.add_argument("--root", required=True)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--expect")
    g.add_argument("--write")
    ap.add_argument("-j", type=int, default=os.cpu_count() or 2)
    a = ap.parse_args()
    a.vyrec = os.path.abspath(a.vyrec)
    with tempfile.TemporaryDirectory() as tmp, \
            concurrent.futures.ThreadPoolExecutor(a.j) as pool:
        inputs = repo_inputs(a.root, tmp)
        jobs = [pool.submit(one, a.vyrec, cwd, tmp, key, rel, n, fl)
                for key, cwd, rel in inputs for n, fl in configs()]
        lines = [j.result() for j in jobs]
    if a.write:
        with open(a.write, "w") as f:
            f.write("\n".join(lines) + "\n")
        print("wrote %d lines to %s" % (len(lines), a.write))
        return 0
    with open(a.expect) as f:
        expected = f.read().splitlines()
    want = {" ".join(l.split()[:2]): l for l in expected}
    got = {" ".join(l.split()[:2]): l for l in lines}
    bad = 0
    for key in sorted(want):
        if want[key] != got.get(key):
            bad += 1
            if bad <= 20:
                print("differs: %s\n  expected: %s\n  got:      %s"
                      % (key, want[key], got.get(key, "(no such input now)")))
    # An input added since the pins were written is not a failure: the
    # next --write pins it.
    unpinned = len(set(got) - set(want))
    if unpinned:
        print("%d outputs of inputs added since are not pinned" % unpinned)
    if bad:
        print("%d of %d pinned outputs differ from %s" % (bad, len(want), a.expect))
        return 1
    print("%d pinned outputs byte-identical" % len(want))
    return 0


if __name__ == "__main__":
    sys.exit(main())
