#!/usr/bin/env python3
"""test_vsix.py VSIX TEXTMATE_DIR: checks the .vsix that `vsce package`
made of editors/vscode (test/lit/editors/vscode-vsix.test).

Prints the extension's files (node_modules as one line per package), the
languages and grammars package.json contributes, and `ok`/`FAIL` for: every
file package.json names is in the package; the grammar and the language
configuration are byte for byte those of TEXTMATE_DIR; the language client
the extension requires resolves from inside the unpacked package."""
import json
import os
import subprocess
import sys
import tempfile
import zipfile

vsix, textmate = sys.argv[1], sys.argv[2]
z = zipfile.ZipFile(vsix)
names = set(z.namelist())
packages = sorted({n.split("/")[2] for n in names if n.startswith("extension/node_modules/")})
for n in sorted(names):
    if not n.startswith("extension/node_modules/"):
        print("file:", n)
print("node_modules:", " ".join(packages))
manifest = json.loads(z.read("extension/package.json"))
print("languages:", json.dumps(manifest["contributes"]["languages"], sort_keys=True))
print("grammars:", json.dumps(manifest["contributes"]["grammars"], sort_keys=True))


def check(what, ok):
    print(("ok: " if ok else "FAIL: ") + what)
    return ok


good = True
for path in [manifest["main"]] + [l["configuration"] for l in manifest["contributes"]["languages"]] + \
        [g["path"] for g in manifest["contributes"]["grammars"]]:
    good &= check(f"{path} is packaged", "extension/" + os.path.normpath(path) in names)
for packaged, source in [("syntaxes/vyre.tmLanguage.json", "vyre.tmLanguage.json"),
                         ("language-configuration.json", "language-configuration.json")]:
    good &= check(f"{packaged} is {source} of editors/textmate",
                  z.read("extension/" + packaged) == open(os.path.join(textmate, source), "rb").read())
with tempfile.TemporaryDirectory() as tmp:
    z.extractall(tmp)
    resolved = subprocess.run(
        ["node", "-e", "console.log(require.resolve('vscode-languageclient/node', {paths: [process.argv[1]]}))",
         os.path.join(tmp, "extension")], capture_output=True, text=True)
    good &= check("vscode-languageclient/node resolves inside the package",
                  resolved.returncode == 0 and resolved.stdout.startswith(tmp))
sys.exit(0 if good else 1)
