#!/usr/bin/env python3
"""Every repository .vyre input, compiled with every skeleton (and sharded),
translated by spirv-cross as an OpenGL, Vulkan-GLSL or Direct3D engine would
(docs/embedding.md), and the translation compiled by glslangValidator
(issue 25: translated code that compiles, tested by compiling it).

Per module and entry point:
  - GLSL 450 (`spirv-cross --version 450`), compiled as OpenGL GLSL; the
    grouped loop has no GLSL without Vulkan semantics, and spirv-cross's
    refusal of it is counted, not failed;
  - GLSL with Vulkan semantics (`spirv-cross -V`), compiled to SPIR-V;
  - HLSL (`spirv-cross --hlsl`, shader model 5.1 for the portable loop, 6.0
    for the subgroup and grouped ones), compiled by glslang's HLSL front end
    (`-D`) to SPIR-V.

  translate-repo.py --vyrec PATH --root SRC
"""
import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from repo_inputs import SKELETON_CONFIGS, repo_inputs  # noqa: E402

CONFIGS = SKELETON_CONFIGS
GL_REFUSAL = "only supported in Vulkan semantics"


def run(cmd, cwd=None):
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)


def flavours(kind):
    """(name, spirv-cross options, glslang options) of each translation."""
    sm = "51" if kind == "portable" else "60"
    return [
        ("glsl450", ["--version", "450"], ["-S", "comp"]),
        ("vulkan-glsl", ["-V"], ["-V", "--target-env", "vulkan1.1", "-S", "comp"]),
        ("hlsl" + sm, ["--hlsl", "--shader-model", sm],
         ["-D", "-V", "--target-env", "vulkan1.1", "-S", "comp", "-e", "main"]),
    ]


def check_one(vyrec, tmp, key, cwd, rel, name, flags):
    """([(ok, line)], compiled translations, refusals) for one module."""
    stem = os.path.join(tmp, key.replace("/", "_").replace(":", "_") + "." + name)
    spv, manifest = stem + ".spv", stem + ".json"
    r = run([vyrec, rel, "-w", "-o", spv, "--manifest", manifest] + flags, cwd)
    if r.returncode != 0:
        return [], 0, []  # inputs vyrec refuses: other tests cover them
    with open(manifest) as f:
        m = json.load(f)
    kind = m["skeleton"]["kind"]
    entries = [s["entry_point"] for s in m.get("shards", [])] or [m["entry_point"]]
    failures, compiled, refused = [], 0, []
    for entry in entries:
        for flavour, xopts, gopts in flavours(kind):
            where = "%s %s %s %s" % (key, name, entry, flavour)
            text = "%s.%s.%s.%s" % (stem, entry, flavour,
                                    "hlsl" if flavour.startswith("hlsl") else "comp")
            x = run(["spirv-cross", spv, "--entry", entry, "--output", text] + xopts)
            if x.returncode != 0:
                if flavour == "glsl450" and kind == "grouped" and GL_REFUSAL in x.stderr:
                    refused.append(where)
                else:
                    failures.append("%s: spirv-cross exit %d: %s"
                                    % (where, x.returncode, x.stderr.strip()))
                continue
            out = ["-o", text + ".spv"] if "-V" in gopts else []
            g = run(["glslangValidator", text] + out + gopts)
            if g.returncode != 0:
                failures.append("%s: glslang exit %d:\n%s"
                                % (where, g.returncode, g.stdout.strip()))
            else:
                compiled += 1
    return failures, compiled, refused


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vyrec", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("-j", type=int, default=os.cpu_count() or 2)
    a = ap.parse_args()
    vyrec = os.path.abspath(a.vyrec)
    failures, compiled, refused = [], 0, []
    with tempfile.TemporaryDirectory() as tmp, \
            concurrent.futures.ThreadPoolExecutor(a.j) as pool:
        jobs = [pool.submit(check_one, vyrec, tmp, key, cwd, rel, n, fl)
                for key, cwd, rel in repo_inputs(a.root, tmp) for n, fl in CONFIGS]
        for j in jobs:
            f, c, r = j.result()
            failures += f
            compiled += c
            refused += r
    for line in failures:
        print("FAIL: " + line)
    print("%d translations compiled by glslang" % compiled)
    print("%d GLSL 450 translations of grouped modules refused by spirv-cross "
          "(Vulkan semantics only)" % len(refused))
    print("%d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
