#!/usr/bin/env python3
"""expect-exit.py CODE CMD...: run CMD; succeed only if it exits with CODE.

`not` only tells zero from non-zero; documented exit codes need exactness.
A crash (signal) never matches."""
import subprocess
import sys

want = int(sys.argv[1])
got = subprocess.run(sys.argv[2:]).returncode
if got != want:
    print(f"expect-exit: expected exit code {want}, got {got}", file=sys.stderr)
    sys.exit(1)
