#!/usr/bin/env python3
"""Every repository .vyre input that compiles for Vulkan, compiled for
WebGPU with every skeleton (and sharded), and each WGSL module validated by
Tint (test/webgpu/wgsl-check.mjs) with the features its manifest requires:
issue 22's "every .vyre file compiles for WebGPU and validates in Tint".

An input WGSL cannot make correct (a user handler's acquire/release atomic,
a handler that publishes ring slots: docs/protocol.md, "WebGPU") must be
refused with vyrec's located error, exit 1; any other outcome fails.

  repo-modules.py --vyrec PATH --root SRC --check "node .../wgsl-check.mjs"
"""
import argparse
import concurrent.futures
import json
import os
import shlex
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from repo_inputs import SKELETON_CONFIGS, repo_inputs  # noqa: E402

CONFIGS = SKELETON_CONFIGS
REFUSAL = "cannot be expressed for --target-env=webgpu"


def compile_one(vyrec, tmp, key, cwd, rel):
    """(key, config, wgsl path or None, manifest, refusal text or None) per
    config that compiles for Vulkan."""
    out = []
    stem = os.path.join(tmp, key.replace("/", "_").replace(":", "_"))
    for name, flags in CONFIGS:
        vulkan = subprocess.run([vyrec, rel, "-w", "-o", os.devnull] + flags,
                                cwd=cwd, capture_output=True)
        if vulkan.returncode != 0:
            continue
        wgsl, manifest = stem + "." + name + ".wgsl", stem + "." + name + ".json"
        r = subprocess.run([vyrec, rel, "-w", "--target-env=webgpu", "-o", wgsl,
                            "--manifest", manifest] + flags,
                           cwd=cwd, capture_output=True, text=True)
        if r.returncode == 0:
            out.append((key, name, wgsl, manifest, None))
        else:
            out.append((key, name, None, None,
                         "exit %d: %s" % (r.returncode, r.stderr.strip())))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vyrec", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--check", required=True, help="the wgsl-check command")
    ap.add_argument("-j", type=int, default=os.cpu_count() or 2)
    a = ap.parse_args()
    vyrec = os.path.abspath(a.vyrec)
    failures, refused, batches = [], [], {}
    with tempfile.TemporaryDirectory() as tmp:
        with concurrent.futures.ThreadPoolExecutor(a.j) as pool:
            jobs = [pool.submit(compile_one, vyrec, tmp, key, cwd, rel)
                    for key, cwd, rel in repo_inputs(a.root, tmp)]
            results = [r for j in jobs for r in j.result()]
        for key, name, wgsl, manifest, problem in results:
            if problem is not None:
                if problem.startswith("exit 1:") and REFUSAL in problem:
                    refused.append("%s %s" % (key, name))
                else:
                    failures.append("%s %s: %s" % (key, name, problem))
                continue
            with open(manifest) as f:
                m = json.load(f)
            features = tuple(m["requires"]["webgpu_features"])
            entries = [s["entry_point"] for s in m.get("shards", [])] or [None]
            for entry in entries:
                batches.setdefault((features, entry), []).append((key, name, wgsl))
        # One checker per feature set and entry point: Dawn starts once.
        validated = 0
        for (features, entry), modules in sorted(batches.items(), key=str):
            cmd = shlex.split(a.check)
            for f in features:
                cmd += ["--feature", f]
            if entry:
                cmd += ["--entry", entry]
            r = subprocess.run(cmd + [w for _, _, w in modules],
                               capture_output=True, text=True)
            if r.returncode != 0:
                failures.append("Tint rejected a module (features %s, entry %s): "
                                "exit %d\n%s" % (list(features), entry,
                                                 r.returncode, r.stderr.strip()))
            else:
                validated += len(modules)
    for line in failures:
        print("FAIL: " + line)
    print("%d WGSL modules validated by Tint" % validated)
    print("%d refused with a located error (not expressible in WGSL)" % len(refused))
    for line in refused:
        print("  refused: " + line)
    print("%d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
