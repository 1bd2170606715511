#!/usr/bin/env python3
"""lsp-client.py [--position-encodings=E,...] SERVER FILE STEP...: a scripted
LSP client for the lit suite.

Starts SERVER, sends `initialize`, `initialized` and `textDocument/didOpen`
for FILE (its text, its file:// URI), then one message per STEP, and finally
`shutdown` and `exit`. Every message is framed with Content-Length, as LSP
requires. Each message the server sends is printed on one line, as
`<what>: <json with sorted keys>`, where <what> is the step (or `notify` for
a notification such as publishDiagnostics), so FileCheck can read them.
STEPs: hover:LINE:COL, definition:LINE:COL, completion:LINE:COL (1-based
LINE and COL, as an editor shows them), symbols, format, change:OTHER_FILE
(a full-text didChange with OTHER_FILE's text). COL counts in the session's
position encoding (UTF-16 code units unless the server chose utf-8 from the
encodings the client offers with --position-encodings; without it the client
offers none, i.e. utf-16 only)."""
import json
import os
import subprocess
import sys
import urllib.parse

client_caps = {}
if sys.argv[1].startswith("--position-encodings="):
    offered = sys.argv.pop(1).partition("=")[2].split(",")
    client_caps = {"general": {"positionEncodings": offered}}
server = subprocess.Popen([sys.argv[1]], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
path = os.path.abspath(sys.argv[2])
uri = "file://" + urllib.parse.quote(path)  # RFC 3986: a space is %20
next_id = 0


def send(method, params, request=True):
    global next_id
    msg = {"jsonrpc": "2.0", "method": method, "params": params}
    if request:
        next_id += 1
        msg["id"] = next_id
    body = json.dumps(msg).encode()
    server.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    server.stdin.flush()
    return msg.get("id")


def receive():
    length = None
    while True:
        line = server.stdout.readline()
        if not line:
            raise SystemExit("lsp-client: the server closed its output")
        line = line.strip()
        if not line:
            break
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    return json.loads(server.stdout.read(length))


def await_reply(label, want_id):
    while True:
        msg = receive()
        if msg.get("id") == want_id and "method" not in msg:
            print(f"{label}: {json.dumps(msg.get('result', msg.get('error')), sort_keys=True)}")
            return
        print(f"notify: {json.dumps(msg, sort_keys=True)}")


def position(spec):
    line, col = spec.split(":")
    return {"textDocument": {"uri": uri}, "position": {"line": int(line) - 1, "character": int(col) - 1}}


await_reply("initialize", send("initialize", {"processId": None, "rootUri": None, "capabilities": client_caps}))
send("initialized", {}, request=False)
send("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "vyre", "version": 1,
                                               "text": open(path).read()}}, request=False)
print(f"notify: {json.dumps(receive(), sort_keys=True)}")
version = 1
for step in sys.argv[3:]:
    kind, _, arg = step.partition(":")
    if kind == "change":
        version += 1
        send("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                        "contentChanges": [{"text": open(arg).read()}]}, request=False)
        print(f"notify: {json.dumps(receive(), sort_keys=True)}")
        continue
    method = {"hover": "textDocument/hover", "definition": "textDocument/definition",
              "completion": "textDocument/completion", "symbols": "textDocument/documentSymbol",
              "format": "textDocument/formatting"}[kind]
    params = position(arg) if arg else {"textDocument": {"uri": uri}}
    if kind == "format":
        params["options"] = {"tabSize": 2, "insertSpaces": True}
    await_reply(step, send(method, params))
await_reply("shutdown", send("shutdown", None))
send("exit", None, request=False)
sys.exit(server.wait(timeout=30))
