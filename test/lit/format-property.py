#!/usr/bin/env python3
"""format-property.py VYREC ROOT [SEEDS]: a property test of `vyrec --format`.

Each .vyre file of the repository that parses on its own (`git ls-files`),
and SEEDS programs of test/gen/gen.py (default 4), gets comments inserted at
its token boundaries (vyre_tokens.token_boundaries): a trailing `//`, an
own-line `//`, a `///`, a `/* */`, a multi-line `/* */` and a `//` between
blank lines, in turn:
  * a mutant with a comment at every boundary, in LF and in CRLF, and
    another with other kinds at each boundary;
  * single-comment mutants at a deterministic sample of the boundaries.
For every mutant, the formatted text must
  1. parse to the same IR as the mutant (`--syntax-only --emit=ir`, which
     prints `///` docs: a comment that became or stopped being a doc fails);
  2. hold the same comments in the same order, with the same text;
  3. be a fixed point: formatting it again changes nothing;
  4. keep the mutant's line endings: CRLF throughout for a CRLF file (its
     text being the LF result with CRLF), no CR in an LF file.
Prints one summary line; each failure is printed with the mutant's path,
kept under the working directory's format-property/ for a look.
"""
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
sys.path.insert(0, os.path.join(here, "..", "gen"))
from vyre_tokens import reference_tokens, token_boundaries  # noqa: E402
import gen  # noqa: E402

vyrec, root = sys.argv[1], sys.argv[2]
seeds = int(sys.argv[3]) if len(sys.argv) > 3 else 4
SINGLES_PER_FILE = 3

KINDS = (
    lambda n: f" // trailing {n}\n",
    lambda n: f"\n// own line {n}\n",
    lambda n: f"\n/// doc {n}\n",
    lambda n: f" /* block {n} */ ",
    lambda n: f"\n/* multi {n}\n   line */\n",
    lambda n: f"\n\n// after a blank line {n}\n\n",
)


def run(args, text):
    return subprocess.run([vyrec, *args, "-"], input=text.encode(), capture_output=True)


def ir(text):
    r = run(["--syntax-only", "--emit=ir", "-o", "-"], text)
    return r.stdout if r.returncode == 0 else None


def fmt(text):
    r = run(["--format"], text)
    return r.stdout.decode() if r.returncode == 0 else None


def comments(text):
    """Every comment, in order, line endings as LF, line comments without
    trailing blanks (the formatter drops them)."""
    text = text.replace("\r\n", "\n")
    return [text[s:e].rstrip(" \t") if kind.startswith("comment.line") else text[s:e]
            for kind, s, e in reference_tokens(text) if kind.startswith("comment")]


def insert(text, at, first_kind):
    """\p text with a comment at each offset of \p at (kinds in turn)."""
    out, last = [], 0
    for i, b in enumerate(at):
        out += [text[last:b], KINDS[(first_kind + i) % len(KINDS)](i)]
        last = b
    return "".join(out) + text[last:]


def check(mutant):
    """(the formatted text, the first property it breaks or None)."""
    want = ir(mutant)
    if want is None:
        return None, "the mutant does not parse"
    first = fmt(mutant)
    if first is None:
        return None, "--format failed"
    return first, broken(mutant, want, first)


def broken(mutant, want, first):
    if ir(first) != want:
        return "the formatted text's IR differs"
    if comments(first) != comments(mutant):
        return "comments were lost, added, changed or reordered"
    if fmt(first) != first:
        return "formatting again changes the text"
    crlf = "\r\n" in mutant
    if crlf and first.replace("\r\n", "").count("\n"):
        return "an LF line ending in a CRLF file"
    if not crlf and "\r" in first:
        return "a CR in an LF file"
    return None


def sources():
    listing = subprocess.run(["git", "-C", root, "ls-files", "*.vyre"],
                             capture_output=True, text=True)
    files = listing.stdout.split() if listing.returncode == 0 else sorted(
        os.path.relpath(os.path.join(d, f), root)
        for d, dirs, names in os.walk(root) if not d.startswith(os.path.join(root, "build"))
        for f in names if f.endswith(".vyre"))  # not a git checkout
    for rel in files:
        with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
            yield rel, f.read()
    for seed in range(seeds):
        yield f"gen.py --seed {seed}", gen.generate(seed, handlers=2)


checked = mutants = failures = 0
keep = os.path.join(os.getcwd(), "format-property")
for name, text in sources():
    if "\r" in text or ir(text) is None:
        continue  # diagnostic tests and fuzz inputs do not parse alone
    checked += 1
    bounds = token_boundaries(text)
    step = max(1, len(bounds) // SINGLES_PER_FILE)
    cases = [("every boundary, LF", insert(text, bounds, checked))]
    cases.append(("every boundary, CRLF", cases[0][1].replace("\n", "\r\n")))
    cases.append(("every boundary, other kinds", insert(text, bounds, checked + 2)))
    cases += [(f"one comment at offset {b}", insert(text, [b], checked + i))
              for i, b in enumerate(bounds[step // 2::step])]
    formatted = {}
    for what, mutant in cases:
        mutants += 1
        formatted[what], problem = check(mutant)
        if problem:
            failures += 1
            os.makedirs(keep, exist_ok=True)
            path = os.path.join(keep, f"{failures}.vyre")
            with open(path, "w", newline="") as f:
                f.write(mutant)
            print(f"FAIL: {name}, {what}: {problem} ({path})")
    lf, crlf = (formatted[w] for w in ("every boundary, LF", "every boundary, CRLF"))
    if lf is not None and crlf is not None and crlf != lf.replace("\n", "\r\n"):
        failures += 1
        print(f"FAIL: {name}: the CRLF file formats unlike the LF one")
print(f"format property: {checked} files, {mutants} mutants, {failures} failures")
sys.exit(1 if failures or checked == 0 else 0)
