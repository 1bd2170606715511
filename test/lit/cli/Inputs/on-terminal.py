#!/usr/bin/env python3
"""on-terminal.py CMD...: runs CMD with its standard error (and output) on a
pseudo-terminal, TERM=xterm, and prints what it wrote, so that colour
decided by "is it a terminal" (--color=auto) can be tested, then a last
line "exit N" with CMD's exit status."""
import os
import pty
import sys

os.environ["TERM"] = "xterm"
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
out = b""
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
_, status = os.waitpid(pid, 0)
# Escape ESC so FileCheck sees the colour codes as text.
sys.stdout.write(out.decode("utf-8", "replace").replace("\x1b", "<ESC>"))
print(f"\nexit {os.waitstatus_to_exitcode(status)}")
