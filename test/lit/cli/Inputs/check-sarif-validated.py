#!/usr/bin/env python3
"""check-sarif-validated.py DIR: every lit test under DIR that writes a SARIF
log (a RUN line with --diagnostics-format=sarif) redirects it to a file
(`2> FILE`) that a later RUN line of the same test passes to
%validate-sarif. Prints one line per unvalidated log and a summary."""
import os
import re
import sys

problems, logs = [], 0
for folder, _, files in os.walk(sys.argv[1]):
    for name in sorted(files):
        if not name.endswith((".test", ".vyre")) or "Inputs" in folder:
            continue
        path = os.path.join(folder, name)
        runs = [l.split("RUN:", 1)[1] for l in open(path, errors="replace") if "RUN:" in l]
        for i, run in enumerate(runs):
            if not re.search(r"--diagnostics-format[= ]sarif", run):
                continue
            logs += 1
            m = re.search(r"2>\s*(\S+)", run)
            if not m:
                problems.append(f"{path}: a SARIF log that is not written to a file: {run.strip()}")
                continue
            if not any("%validate-sarif" in later and m.group(1) in later.split()
                       for later in runs[i + 1:]):
                problems.append(f"{path}: {m.group(1)} is never passed to %validate-sarif")
for p in problems:
    print(p)
print(f"{logs} SARIF logs written, {len(problems)} not validated")
sys.exit(1 if problems else 0)
