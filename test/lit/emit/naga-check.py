#!/usr/bin/env python3
"""Lists what a SPIR-V module uses that naga's SPIR-V front end does not read
(test/naga/spv-front-end.txt, with the naga revision it was read from):
instructions, extensions and execution modes. Capabilities are listed, not
checked (naga checks them only when asked to be strict).

  naga-check.py HANDLED.txt MODULE.spv   -> exit 1 if anything is outside
"""
import re
import subprocess
import sys


def handled(path):
    sets, section = {}, None
    for line in open(path):
        line = line.split("#", 1)[0].strip()
        m = re.fullmatch(r"\[(\S+)\]", line)
        if m:
            section = sets.setdefault(m.group(1), set())
        elif line and section is not None:
            section.update(line.split())
    return sets


def main():
    sets = handled(sys.argv[1])
    dis = subprocess.run(["spirv-dis", "--raw-id", sys.argv[2]], check=True,
                         capture_output=True, text=True).stdout
    used = {"instruction": set(), "extension": set(), "execution-mode": set(),
            "capability": set()}
    for line in dis.splitlines():
        m = re.match(r"\s*(?:%\w+ = )?(Op\w+)(.*)", line)
        if not m:
            continue
        op, rest = m.groups()
        used["instruction"].add(op)
        words = rest.split()
        if op == "OpExtension":
            used["extension"].add(rest.strip().strip('"'))
        elif op in ("OpExecutionMode", "OpExecutionModeId"):
            used["execution-mode"].add(words[1])
        elif op == "OpCapability":
            used["capability"].add(words[0])
    outside = {
        "instruction": used["instruction"] - sets["module"] - sets["function"],
        "extension": used["extension"] - sets["extension"],
        "execution-mode": used["execution-mode"] - sets["execution-mode"],
    }
    for kind in ("capability", "instruction", "extension", "execution-mode"):
        print("%s: %s" % (kind, " ".join(sorted(used[kind]))))
    bad = 0
    for kind, names in outside.items():
        for n in sorted(names):
            print("not read by naga: %s %s" % (kind, n))
            bad += 1
    print("%d outside naga's set" % bad)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
