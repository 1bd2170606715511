#!/usr/bin/env python3
"""check-warning-docs.py HELP DEF DOC: every warning group of
DiagnosticGroups.def appears in `vyrec --help` and in docs/validation.md's
table as a row "| `-Wname` | on|off | ...", with the .def's default."""
import re
import sys

help_text = open(sys.argv[1]).read()
defs = re.findall(r'DIAG_GROUP\(\w+,\s*"([\w-]+)",\s*(true|false)', open(sys.argv[2]).read())
doc = open(sys.argv[3]).read()
assert defs, "no DIAG_GROUP rows found"
bad = 0
for name, on in defs:
    default = "on" if on == "true" else "off"
    if not re.search(rf"-W{re.escape(name)}\s+\({default}\)", help_text):
        print(f"--help does not list -W{name} ({default})")
        bad += 1
    if not re.search(rf"^\| `-W{re.escape(name)}` \| {default} \|", doc, re.M):
        print(f"docs/validation.md has no row '| `-W{name}` | {default} |'")
        bad += 1
documented = set(re.findall(r"^\| `-W([\w-]+)` \| (?:on|off) \|", doc, re.M))
for extra in documented - {n for n, _ in defs}:
    print(f"docs/validation.md lists -W{extra}, which DiagnosticGroups.def lacks")
    bad += 1
print(f"{len(defs)} warning groups checked, {bad} problems")
sys.exit(1 if bad else 0)
