#!/usr/bin/env python3
"""check-help-docs.py HELP CLI_MD: every option spelling in the first column
of docs/cli.md's options table appears in `vyrec --help`, and every option
--help lists appears in that table."""
import re
import sys

help_text = open(sys.argv[1]).read()
doc = open(sys.argv[2]).read()
table = doc[doc.index("## Options"):]
table = table[:table.index("\n\n", table.index("| option"))]
rows = []  # per row: [(spelling, [aliases])]
for row in table.splitlines()[2:]:
    first = row.replace("\\|", "/").split("|")[1]
    entries = []
    # `-X` (or `--X`): the parenthesised spelling is an alias of the one before.
    for m in re.finditer(r"(\(or )?`([^`]+)`", first):
        name = re.match(r"(-{1,2}[A-Za-z][\w-]*)", m.group(2))
        if not name:
            continue
        if m.group(1) and entries:
            entries[-1][1].append(name.group(1))
        else:
            entries.append((name.group(1), []))
    rows.extend(entries)
documented = {s for s, aliases in rows} | {a for s, aliases in rows for a in aliases}
options_part = help_text[help_text.index("Options:"):]
options_part = options_part[:options_part.index("Warnings")] if "Warnings" in options_part else options_part
listed = set()
for line in options_part.splitlines():
    m = re.match(r"  ((?:-{1,2}[\w-]+,?)+)", line)
    if m:
        listed.update(m.group(1).rstrip(",").split(","))
# -Wname and friends are documented as patterns and listed in --help's own
# footer; -h is CLI11's short --help.
bad = 0
for spelling, aliases in rows:
    if spelling.startswith("-W") or spelling == "-w":
        if spelling.split("=")[0] not in help_text:
            print(f"--help does not mention {spelling}"); bad += 1
        continue
    if not ({spelling, *aliases} & listed):
        print(f"docs/cli.md documents {spelling}, which --help does not list")
        bad += 1
for l in sorted(listed - documented - {"-h"}):
    print(f"--help lists {l}, which docs/cli.md's options table lacks")
    bad += 1
print(f"{len(listed)} options in --help, {len(documented)} in docs/cli.md, {bad} mismatches")
sys.exit(1 if bad else 0)
