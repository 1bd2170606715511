#!/usr/bin/env python3
"""test_language_configuration.py CONFIG GRAMMAR VYREC FILE...: checks
editors/textmate/language-configuration.json against the language.

- its comment tokens are the ones the grammar scopes as comments, and its
  brackets and auto-closing pairs are the language's;
- its indentation rules, applied as an editor applies them (a line after
  one that matches increaseIndentPattern is one level deeper, a line that
  matches decreaseIndentPattern one level shallower), give every line of
  `vyrec --format FILE` (two spaces a level) the indentation the formatter
  gave it.
Prints one line per problem and a summary; exits 1 on a problem."""
import json
import re
import subprocess
import sys

config = json.load(open(sys.argv[1]))
grammar = json.load(open(sys.argv[2]))
vyrec = sys.argv[3]
problems = []

comments = grammar["repository"]["comments"]["patterns"]
block = grammar["repository"]["block-comment"]
if not any(re.match(p["match"], config["comments"]["lineComment"] + " x") for p in comments if "match" in p):
    problems.append("lineComment is not a comment in the grammar")
if [block["begin"], block["end"]] != [re.escape(t) for t in config["comments"]["blockComment"]]:
    problems.append("blockComment differs from the grammar's block comment")
if sorted(map(tuple, config["brackets"])) != [("(", ")"), ("[", "]"), ("{", "}")]:
    problems.append("brackets are not the language's (), [] and {}")
closing = {(p["open"], p["close"].strip()) for p in config["autoClosingPairs"]}
for pair in [("(", ")"), ("[", "]"), ("{", "}"), ('"', '"'), ("/*", "*/")]:
    if pair not in closing:
        problems.append(f"no auto-closing pair {pair}")

increase = re.compile(config["indentationRules"]["increaseIndentPattern"])
decrease = re.compile(config["indentationRules"]["decreaseIndentPattern"])
lines_checked = 0
for path in sys.argv[4:]:
    formatted = subprocess.run([vyrec, "--format", path], capture_output=True, text=True)
    if formatted.returncode:
        problems.append(f"{path}: vyrec --format failed: {formatted.stderr.strip()}")
        continue
    level, previous = 0, None
    for number, line in enumerate(formatted.stdout.split("\n"), 1):
        if not line.strip():
            continue
        if previous is not None and increase.search(previous):
            level += 1
        if decrease.search(line):
            level -= 1
        lines_checked += 1
        want = len(line) - len(line.lstrip(" "))
        if want != 2 * level:
            problems.append(f"{path}:{number}: the rules indent {2 * level}, the formatter {want}: {line.strip()[:40]}")
            level = want // 2  # report each place once
        previous = line
for p in problems[:20]:
    print("FAIL:", p)
print(f"language configuration: {len(sys.argv) - 4} files, {lines_checked} lines, {len(problems)} problems")
sys.exit(1 if problems else 0)
