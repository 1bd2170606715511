#!/usr/bin/env python3
"""check-help-defaults.py HELP MANIFEST MANIFEST_VULKAN10 MANIFEST_WEBGPU: the
defaults that `vyrec --help` states, against what vyrec does when the option
is left out: MANIFEST is `--emit=manifest` of a module compiled with no
option, MANIFEST_VULKAN10 the same with --target-env=vulkan1.0 (below SPIR-V
1.3), MANIFEST_WEBGPU with --target-env=webgpu --skeleton=grouped.
A help text that says one thing while the code does another fails here."""
import json
import re
import sys

help_text = open(sys.argv[1]).read()
default, below13, webgpu = (json.load(open(p)) for p in sys.argv[2:5])


def stated(option):
    """The description of \\p option in the help, on one line."""
    m = re.search(r"^\s+(?:-\w,)?" + re.escape(option) + r"\b.*\n((?:\s{20,}.*\n)*)",
                  help_text, re.M)
    if not m:
        sys.exit(f"FAIL: --help does not describe {option}")
    return " ".join(m.group(0).split())


def check(option, pattern, actual):
    m = re.search(pattern, stated(option))
    if not m:
        sys.exit(f"FAIL: --help states no default for {option}")
    if m.groups() != actual:
        sys.exit(f"FAIL: --help says the {option} default is {m.groups()}; "
                 f"the compiler's is {actual}")
    print(f"{option}: {', '.join(actual)}")


check("--skeleton", r"\(default: (\w+) where the SPIR-V version allows it(?:, (\w+) below)?\)",
      (default["skeleton"]["kind"], below13["skeleton"]["kind"]))
check("--claim-batch", r"\(default: (\d+), (\d+) with --target-env=webgpu",
      (str(default["skeleton"]["claim_batch"]), str(webgpu["skeleton"]["claim_batch"])))
check("--target-env", r"\(default: ([\w.]+)\)", (default["target_env"],))
check("--memory-model", r"\(default: (\w+)\)", (default["memory_model"],))
check("--entry", r"\(default: (\w+);", (default["entry_point"],))
print("help defaults: ok")
