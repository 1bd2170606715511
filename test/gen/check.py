#!/usr/bin/env python3
"""Compiles generated programs (gen.py) with vyrec for several target
environments and checks that every compile succeeds without a diagnostic
(vyrec --validate checks the module in process: a non-zero exit is a
failure), then runs the external spirv-val on a sample of the modules.

  check.py --vyrec VYREC --spirv-val SPIRV_VAL [--sample N] [--jobs J] DIR|FILE...
"""

import argparse
import concurrent.futures
import os
import subprocess
import sys
import tempfile

CONFIGS = [
    ("vulkan1.1", []),
    ("vulkan1.2", []),
    ("vulkan1.3", []),
    ("vulkan1.3", ["--memory-model", "vulkan"]),
]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--vyrec", required=True)
    p.add_argument("--spirv-val", default="spirv-val")
    p.add_argument("--sample", type=int, default=16,
                   help="modules checked again with the external spirv-val")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("inputs", nargs="+")
    a = p.parse_args()

    files = []
    for i in a.inputs:
        if os.path.isdir(i):
            files += sorted(os.path.join(i, f) for f in os.listdir(i) if f.endswith(".vyre"))
        else:
            files.append(i)
    handlers = sum(open(f).read().count("\nhandler ") for f in files)
    out_dir = tempfile.mkdtemp(prefix="vyre-gen-")
    jobs = [(f, env, extra) for f in files for env, extra in CONFIGS]
    step = max(1, len(jobs) // max(1, a.sample))
    sampled = set(range(0, len(jobs), step)) if a.sample else set()

    def compile_one(k):
        f, env, extra = jobs[k]
        out = os.path.join(out_dir, "%d.spv" % k)
        r = subprocess.run([a.vyrec, "--validate", "--Werror", "--target-env", env] + extra +
                           [f, "-o", out], capture_output=True, text=True)
        problems = []
        if r.returncode != 0 or r.stderr.strip():
            problems.append("%s (%s %s): exit %d\n%s" % (f, env, " ".join(extra),
                                                      r.returncode, r.stderr))
        elif k in sampled:
            v = subprocess.run([a.spirv_val, "--target-env", env, out],
                               capture_output=True, text=True)
            if v.returncode != 0:
                problems.append("%s (%s %s): external spirv-val failed\n%s%s" % (
                    f, env, " ".join(extra), v.stdout, v.stderr))
        if os.path.exists(out):
            os.remove(out)
        return problems

    failures = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as pool:
        for problems in pool.map(compile_one, range(len(jobs))):
            failures += problems
    os.rmdir(out_dir)
    for msg in failures[:20]:
        sys.stderr.write(msg + "\n")
    print("%d files, %d handlers: %d of %d compiles clean; external spirv-val on %d sampled modules"
          % (len(files), handlers, len(jobs) - len(failures), len(jobs), len(sampled)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
