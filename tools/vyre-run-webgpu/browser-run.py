#!/usr/bin/env python3
"""browser-run.py: runs a scenario through a web page in Chromium (the
WebGPU host as a browser runs it), with vyre-run's output and exit codes.

  browser-run.py MODULE.wgsl MANIFEST.json SCENARIO.json
                 [--chromium PATH] [--flag FLAG]... [--timeout S]

`vyre-scenario prepare` (on PATH, or $VYRE_SCENARIO) writes the plan and
the initial words; a local HTTP server serves them with browser-host.html
and vyre-webgpu.mjs (beside this file) and takes the final words the page
posts back; headless Chromium loads the page; `vyre-scenario result`
prints the JSON. Exit codes: those of vyre-scenario, 2 when the page
reports an error (printed), 3 when it does not finish within --timeout,
4 when Chromium cannot be started.
"""
import argparse
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
# Headless Chromium with WebGPU on whatever adapter it finds; on machines
# without a GPU, Chromium's own SwiftShader Vulkan driver.
DEFAULT_FLAGS = ["--headless=new", "--no-sandbox", "--enable-unsafe-webgpu",
                 "--disable-gpu-sandbox", "--no-first-run", "--disable-extensions"]


def serve(root, files):
    """An HTTP server on a free loopback port: GET the named files, POST
    final-I.bin into ROOT and 'done' (a JSON report) into the event."""
    done = threading.Event()
    report = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            path = files.get(self.path.lstrip("/"))
            if not path:
                self.send_error(404)
                return
            body = open(path, "rb").read()
            self.send_response(200)
            kind = "text/javascript" if path.endswith(".mjs") else \
                   "text/html" if path.endswith(".html") else "application/octet-stream"
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            name = self.path.lstrip("/")
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if name == "done":
                report.update(json.loads(body or b"{}"))
                done.set()
            elif name.startswith("final-") and name.endswith(".bin") and "/" not in name:
                with open(os.path.join(root, name), "wb") as f:
                    f.write(body)
            else:
                self.send_error(404)
                return
            self.send_response(204)
            self.end_headers()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, done, report


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("module")
    ap.add_argument("manifest")
    ap.add_argument("scenario")
    ap.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    ap.add_argument("--flag", action="append", default=[], help="another Chromium flag")
    ap.add_argument("--timeout", type=float, default=300)
    a = ap.parse_args()
    vs = os.environ.get("VYRE_SCENARIO", "vyre-scenario")
    with tempfile.TemporaryDirectory(prefix="browser-run-") as d:
        r = subprocess.run([vs, "prepare", a.manifest, a.scenario, d])
        if r.returncode:
            return r.returncode
        plan = json.load(open(os.path.join(d, "plan.json")))
        files = {"": os.path.join(HERE, "browser-host.html"),
                 "vyre-webgpu.mjs": os.path.join(HERE, "vyre-webgpu.mjs"),
                 "module.wgsl": a.module, "manifest.json": a.manifest,
                 "plan.json": os.path.join(d, "plan.json")}
        for i in range(len(plan["buffers"])):
            files["initial-%d.bin" % i] = os.path.join(d, "initial-%d.bin" % i)
        server, done, report = serve(d, files)
        url = "http://127.0.0.1:%d/" % server.server_address[1]
        profile = os.path.join(d, "profile")
        try:
            browser = subprocess.Popen([a.chromium] + DEFAULT_FLAGS + a.flag +
                                       ["--user-data-dir=" + profile, url],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except OSError as e:
            print("browser-run: cannot start %s: %s" % (a.chromium, e), file=sys.stderr)
            return 4
        try:
            finished = done.wait(a.timeout)
        finally:
            browser.kill()
            browser.wait()
            server.shutdown()
        if not finished:
            print("browser-run: hang: the page did not finish within %g s" % a.timeout,
                  file=sys.stderr)
            return 3
        if "error" in report:
            print("browser-run: the page reports: %s" % report["error"], file=sys.stderr)
            return 2
        print("browser-run: %s" % report.get("adapter", "?"), file=sys.stderr)
        return subprocess.run([vs, "result", a.manifest, a.scenario, d]).returncode


if __name__ == "__main__":
    sys.exit(main())
