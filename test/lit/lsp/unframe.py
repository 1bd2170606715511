#!/usr/bin/env python3
"""unframe.py: reads what vyre-lsp wrote, checks its framing (headers, a
blank line, exactly Content-Length bytes of JSON) and prints each message
on one line as the server wrote it, then `unframe: N messages`."""
import json
import sys

data = sys.stdin.buffer.read()
count = 0
while data:
    head, sep, data = data.partition(b"\r\n\r\n")
    if not sep:
        sys.exit(f"unframe: bytes after the last message: {head[:80]!r}")
    length = [int(l.split(b":")[1]) for l in head.split(b"\r\n")
              if l.lower().startswith(b"content-length:")]
    if len(length) != 1 or len(data) < length[0]:
        sys.exit(f"unframe: a bad header: {head!r}")
    body, data = data[:length[0]], data[length[0]:]
    json.loads(body)
    print(body.decode())
    count += 1
print(f"unframe: {count} messages")
