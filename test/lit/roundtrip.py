#!/usr/bin/env python3
"""Round trip of every .vyre file in the repository.

For each file that parses on its own (`vyrec --syntax-only --emit=ir`), the
printed text must itself parse and print to the identical text. Files that do
not parse are diagnostic tests or fuzz inputs; they must live under test/lit/
or test/fuzz/, and every other .vyre file (prelude, examples) must parse.
"""
import os
import subprocess
import sys
import tempfile

vyrec, root = sys.argv[1], sys.argv[2]
skip_dirs = {".git", "build"}
checked = failures = 0
for dirpath, dirnames, filenames in os.walk(root):
    dirnames[:] = [d for d in dirnames if d not in skip_dirs and not d.startswith("build") and not d.startswith(".")]
    for name in sorted(filenames):
        if not name.endswith(".vyre"):
            continue
        path = os.path.join(dirpath, name)
        rel = os.path.relpath(path, root)
        first = subprocess.run([vyrec, "--syntax-only", "--emit=ir", path, "-o", "-"],
                               capture_output=True)
        if first.returncode != 0:
            # Diagnostic tests and fuzz corpora hold invalid files on purpose.
            if not rel.startswith((os.path.join("test", "lit"), os.path.join("test", "fuzz"))):
                print(f"FAIL: {rel} does not parse:\n{first.stderr.decode()}")
                failures += 1
            continue
        with tempfile.NamedTemporaryFile("wb", suffix=".vyre", delete=False) as tmp:
            tmp.write(first.stdout)
        second = subprocess.run([vyrec, "--syntax-only", "--emit=ir", tmp.name, "-o", "-"],
                                capture_output=True)
        os.unlink(tmp.name)
        checked += 1
        if second.returncode != 0 or second.stdout != first.stdout:
            print(f"FAIL: {rel}: printing is not a fixed point")
            failures += 1
print(f"round trip: {checked} files checked, {failures} failures")
sys.exit(1 if failures or checked == 0 else 0)
