#!/usr/bin/env python3
"""format-all.py VYREC ROOT: `vyrec --format` over every .vyre in the repo.

For each file that parses on its own (files that do not are diagnostic tests
or fuzz inputs, as in roundtrip.py), the formatted text must
  1. parse to the same IR: `--syntax-only --emit=ir` of both is identical
     (that print includes `///` docs, literals as written, every node);
  2. keep every comment: the same comments, in the same order, with the
     same text (trailing blanks aside), found by a scanner written here;
  3. be a fixed point: formatting it again changes nothing.
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vyre_tokens import reference_tokens  # noqa: E402

vyrec, root = sys.argv[1], sys.argv[2]


def comments(text):
    """Every comment of a .vyre text, in order (line comments without their
    trailing blanks, which the formatter drops)."""
    return [text[s:e].rstrip(" \t\r") if kind.startswith("comment.line") else text[s:e]
            for kind, s, e in reference_tokens(text) if kind.startswith("comment")]


def run(*args):
    return subprocess.run([vyrec, *args], capture_output=True)


checked = failures = with_comments = 0
for dirpath, dirnames, filenames in os.walk(root):
    dirnames[:] = [d for d in dirnames if d not in {".git"} and not d.startswith(("build", "."))]
    for name in sorted(filenames):
        if not name.endswith(".vyre"):
            continue
        path = os.path.join(dirpath, name)
        rel = os.path.relpath(path, root)
        ir = run("--syntax-only", "--emit=ir", path, "-o", "-")
        if ir.returncode != 0:
            continue  # roundtrip.py already requires non-test files to parse
        first = run("--format", path)
        if first.returncode != 0:
            print(f"FAIL: {rel}: --format failed:\n{first.stderr.decode()}")
            failures += 1
            continue
        with tempfile.NamedTemporaryFile("wb", suffix=".vyre", delete=False) as tmp:
            tmp.write(first.stdout)
        ir2 = run("--syntax-only", "--emit=ir", tmp.name, "-o", "-")
        second = run("--format", tmp.name)
        os.unlink(tmp.name)
        checked += 1
        source = open(path, encoding="utf-8", errors="replace").read()
        if ir2.returncode != 0 or ir2.stdout != ir.stdout:
            print(f"FAIL: {rel}: the formatted file's IR differs")
            failures += 1
        elif comments(source) != comments(first.stdout.decode("utf-8", "replace")):
            print(f"FAIL: {rel}: comments were lost, added or changed")
            failures += 1
        elif second.stdout != first.stdout:
            print(f"FAIL: {rel}: formatting is not idempotent")
            failures += 1
        with_comments += bool(comments(source))
print(f"format: {checked} files checked ({with_comments} with comments), {failures} failures")
sys.exit(1 if failures or checked == 0 else 0)
