#!/usr/bin/env python3
"""frame.py ARG...: writes LSP messages to standard output, for piping into
vyre-lsp when lsp-client.py's well-behaved client cannot say it. Each ARG is
a JSON body, framed with its Content-Length; @FILE frames FILE's bytes;
raw:TEXT writes TEXT unframed, with \\r and \\n escapes (a broken header, a
lying Content-Length)."""
import sys

out = sys.stdout.buffer
for arg in sys.argv[1:]:
    if arg.startswith("raw:"):
        out.write(arg[4:].replace("\\r", "\r").replace("\\n", "\n").encode())
        continue
    body = open(arg[1:], "rb").read() if arg.startswith("@") else arg.encode()
    out.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
out.flush()
