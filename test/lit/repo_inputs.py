"""The repository's .vyre inputs, for the tests that compile every one of
them (emit/byte-identity.test, webgpu/repo-modules.test): its tracked .vyre
files and the .vyre parts of its lit tests (split-file)."""
import os
import re
import subprocess

# Every loop the module can have, and sharded (one entry point per shard):
# the configurations the sweeps that translate or re-target every input
# (emit/translate-repo.test, webgpu/repo-modules.test) compile each with.
SKELETON_CONFIGS = [
    ("portable", ["--skeleton=portable"]),
    ("subgroup", ["--skeleton=subgroup"]),
    ("grouped", ["--skeleton=grouped"]),
    ("shards-3", ["--shards=3"]),
]


def vyre_files(root):
    out = subprocess.run(["git", "-C", root, "ls-files", "*.vyre"],
                         capture_output=True, text=True)
    if out.returncode == 0 and out.stdout.strip():
        return sorted(out.stdout.split())
    # Not a git checkout (an exported tree): walk it.
    found = []
    for d, _, names in os.walk(root):
        if "/build" in d or "/.git" in d:
            continue
        found += [os.path.relpath(os.path.join(d, n), root)
                  for n in names if n.endswith(".vyre")]
    return sorted(found)


def split_parts(root, tmp):
    """The .vyre parts of the lit tests that split-file, as (key, dir, name):
    compiled in their own folder, by relative name, so paths in the outputs
    do not depend on the machine."""
    split = os.path.join(os.environ.get("LLVM_TOOLS_DIR", "/usr/lib/llvm-14/bin"),
                         "split-file")
    parts = []
    tests = subprocess.run(["git", "-C", root, "ls-files", "test/lit/*.test"],
                           capture_output=True, text=True).stdout.split()
    for t in sorted(tests):
        with open(os.path.join(root, t), errors="replace") as f:
            names = re.findall(r"^(?://|;|#)--- (\S+\.vyre)\s*$", f.read(), re.M)
        if not names:
            continue
        out = os.path.join(tmp, "split", t.replace("/", "_"))
        subprocess.run([split, os.path.join(root, t), out], check=True,
                       capture_output=True)
        parts += [(t + ":" + n, out, n) for n in names]
    return parts


def repo_inputs(root, tmp):
    """(key, cwd, path relative to cwd) of every input: a tracked file is
    compiled from the root, a lit test's part in its own folder under
    \p tmp, by relative name, so paths in the outputs do not depend on the
    machine."""
    return [(f, root, f) for f in vyre_files(root)] + split_parts(root, tmp)
