#!/usr/bin/env python3
"""test_grammar.py GRAMMAR ROOT [VYREC]: tokenizes every .vyre file under ROOT
with the TextMate grammar and checks the scopes.
test_grammar.py GRAMMAR --scopes FILE: prints FILE's tokens, one a line, as
`LINE: 'text' scope` (each run of non-blank characters of one scope), for
tests that pin the scopes of particular code (test/lit/editors).

A small TextMate engine (match, begin/end with nested patterns, captures,
includes; at each position the leftmost match wins, ties by pattern order,
a rule's end before its patterns, as in vscode-textmate) applies the
grammar's regexes with Python's re (the grammar uses only syntax that
Oniguruma and re read alike). An independent reference lexer
(test/lit/vyre_tokens.py, from docs/language.md) finds every comment, string, number and keyword;
each of their characters must carry the expected scope. Every other
non-blank character must carry some scope, and in the files that vyrec
parses (when VYREC is given) none may be invalid.illegal. No network, no
packages beyond the standard library."""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "lit"))
from vyre_tokens import reference_tokens  # noqa: E402

grammar = json.load(open(sys.argv[1]))
show = sys.argv[2] == "--scopes"
root = sys.argv[3] if show else sys.argv[2]
vyrec = sys.argv[3] if len(sys.argv) > 3 and not show else None
repo = grammar["repository"]


def compile_patterns(patterns):
    out = []
    for p in patterns:
        if "include" in p:
            name = p["include"]
            if name == "$self":
                out.extend(compile_patterns(grammar["patterns"]))
            else:
                r = repo[name.lstrip("#")]
                out.extend(compile_patterns(r["patterns"]) if "patterns" in r and "match" not in r and "begin" not in r else [rule(r)])
        else:
            out.append(rule(p))
    return out


_rules = {}
def rule(p):
    key = id(p)
    if key in _rules:
        return _rules[key]
    r = {"name": p.get("name"), "captures": p.get("captures", {})}
    _rules[key] = r
    if "match" in p:
        r["match"] = re.compile(p["match"])
    else:
        r["begin"] = re.compile(p["begin"])
        r["end"] = re.compile(p["end"])
        r["patterns"] = None  # filled lazily (recursive includes)
        r["_raw"] = p.get("patterns", [])
    return r


def inner(r):
    if r["patterns"] is None:
        r["patterns"] = compile_patterns(r["_raw"])
    return r["patterns"]


top = compile_patterns(grammar["patterns"])


def tokenize(text):
    """Scope (innermost name, or None) of every character of text."""
    scopes = [None] * len(text)
    stack = []
    offset = 0
    for line in text.split("\n"):
        pos = 0
        while pos <= len(line):
            cands = ([("end", stack[-1])] if stack else []) + [("rule", r) for r in (inner(stack[-1]) if stack else top)]
            best = None
            for kind, r in cands:
                rx = r["end"] if kind == "end" else r.get("match") or r["begin"]
                m = rx.search(line, pos)
                if m and (best is None or m.start() < best[2].start()):
                    best = (kind, r, m)
            outer = stack[-1]["name"] if stack else None
            if best is None:
                for i in range(pos, len(line)):
                    scopes[offset + i] = scopes[offset + i] or outer
                break
            kind, r, m = best
            for i in range(pos, m.start()):
                scopes[offset + i] = outer
            name = outer if kind == "end" else (r["name"] or outer)
            for i in range(m.start(), m.end()):
                scopes[offset + i] = name
            for group, cap in r["captures"].items():
                g = int(group)
                if m.group(g) is not None:
                    for i in range(m.start(g), m.end(g)):
                        scopes[offset + i] = cap["name"]
            if kind == "end":
                stack.pop()
            elif "begin" in r:
                stack.append(r)
            pos = m.end() if m.end() > m.start() else m.end() + 1
        offset += len(line) + 1
    return scopes


def print_scopes(text):
    scopes = tokenize(text)
    for number, line in enumerate(text.split("\n"), 1):
        start = sum(len(l) + 1 for l in text.split("\n")[:number - 1])
        for m in re.finditer(r"\S+", line):
            i = m.start()
            while i < m.end():
                j = i
                while j < m.end() and scopes[start + j] == scopes[start + i]:
                    j += 1
                print(f"{number}: {line[i:j]!r} {scopes[start + i]}")
                i = j


if show:
    print_scopes(open(root, encoding="utf-8").read())
    sys.exit(0)

files = checked_tokens = failures = 0
counts = {}
for dirpath, dirnames, filenames in os.walk(root):
    dirnames[:] = sorted(d for d in dirnames if d not in (".git",) and not d.startswith(("build", ".")))
    # Fuzz corpora are arbitrary bytes, not source.
    if os.path.relpath(dirpath, root).startswith(os.path.join("test", "fuzz")):
        continue
    for fname in sorted(filenames):
        if not fname.endswith(".vyre"):
            continue
        path = os.path.join(dirpath, fname)
        rel = os.path.relpath(path, root)
        text = open(path, encoding="utf-8", errors="replace").read()
        scopes = tokenize(text)
        files += 1
        problems = []
        for want, start, end in reference_tokens(text):
            checked_tokens += 1
            counts[want] = counts.get(want, 0) + 1
            for i in range(start, end):
                if text[i] in "\n" or (want.startswith("comment") and text[i].isspace()):
                    continue
                if not (scopes[i] or "").startswith(want):
                    line = text.count("\n", 0, i) + 1
                    problems.append(f"{rel}:{line}: {text[start:end][:40]!r} should be {want}, found {scopes[i]}")
                    break
        for i, ch in enumerate(text):
            if not ch.isspace() and scopes[i] is None:
                line = text.count("\n", 0, i) + 1
                problems.append(f"{rel}:{line}: {ch!r} has no scope")
        if vyrec and any(s and s.startswith("invalid") for s in scopes):
            parses = subprocess.run([vyrec, "--syntax-only", "--emit=ir", path, "-o", os.devnull],
                                    capture_output=True).returncode == 0
            if parses:
                i = next(i for i, s in enumerate(scopes) if s and s.startswith("invalid"))
                problems.append(f"{rel}:{text.count(chr(10), 0, i) + 1}: {text[i]!r} is invalid.illegal in a file vyrec parses")
        for p in problems[:5]:
            print("FAIL:", p)
        failures += bool(problems)
summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
print(f"grammar: {files} files, {checked_tokens} tokens checked ({summary}), {failures} files with problems")
sys.exit(1 if failures or files == 0 else 0)
