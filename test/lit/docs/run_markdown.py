#!/usr/bin/env python3
"""run_markdown.py DOC.md WORKDIR: runs a tutorial page as a test.

Fenced blocks are read in order:
  ```LANG file=NAME   -> written to WORKDIR/NAME
  ```sh              -> run with bash in WORKDIR; must exit 0
  ```sh setup        -> skipped (the build itself, which the suite already did)
  ```text expect     -> each line must appear, in order, in the output of
                        the last command block
Any other block is prose. A page with no command block fails."""
import re
import subprocess
import sys

doc, work = sys.argv[1], sys.argv[2]
blocks = re.findall(r"^```([^\n]*)\n(.*?)^```", open(doc).read(), re.M | re.S)
last_output, commands = None, 0
for info, body in blocks:
    words = info.split()
    lang = words[0] if words else ""
    attrs = dict(w.split("=", 1) for w in words[1:] if "=" in w)
    flags = {w for w in words[1:] if "=" not in w}
    if "file" in attrs:
        open(f"{work}/{attrs['file']}", "w").write(body)
    elif lang == "sh" and "setup" not in flags:
        commands += 1
        run = subprocess.run(["bash", "-euo", "pipefail", "-c", body], cwd=work,
                             capture_output=True, text=True)
        print(f"$ {body.strip()}\n{run.stdout}{run.stderr}")
        if run.returncode != 0:
            sys.exit(f"run_markdown: command failed ({run.returncode}): {body.strip()}")
        last_output = run.stdout
    elif lang == "text" and "expect" in flags:
        if last_output is None:
            sys.exit("run_markdown: an expect block before any command")
        pos = 0
        for line in body.strip().splitlines():
            found = last_output.find(line.strip(), pos)
            if found < 0:
                sys.exit(f"run_markdown: expected output not found (in order): {line.strip()}")
            pos = found + len(line.strip())
if commands == 0:
    sys.exit("run_markdown: no command block ran")
print(f"run_markdown: {commands} commands ran as documented")
