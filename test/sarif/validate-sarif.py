#!/usr/bin/env python3
"""validate-sarif.py --schema SCHEMA --docs VALIDATION_MD [--multitool EXE] LOG...

Validates each SARIF log vyrec wrote:

1. against the SARIF 2.1.0 JSON schema SCHEMA (the sarif-2.1.0.json that
   Microsoft's SARIF multitool ships, npm @microsoft/sarif-multitool-linux,
   pinned by package-lock.json) with the jsonschema package, formats
   (uri, uri-reference) included;
2. with the multitool's own `validate` (the SARIF rules a schema cannot
   express), when EXE is given: any error or warning it reports fails;
3. against vyrec's promises (docs/cli.md): every rule has a short and a full
   description, help as text and Markdown, and a helpUri whose anchor is a
   heading of VALIDATION_MD; every result has one location, a ruleId and
   ruleIndex that agree, and a partial fingerprint; every artifact location
   resolves (through originalUriBaseIds) to an existing file, except the
   relative names of what is not a file (stdin, prelude/...); notifications
   name their rule.

Prints one line per log and exits 1 if anything failed."""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse

import jsonschema


def github_anchors(markdown):
    """The anchors GitHub gives the headings of a Markdown file."""
    anchors, seen = set(), {}
    in_code = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            in_code = not in_code
        m = None if in_code else re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not m:
            continue
        slug = re.sub(r"[^\w\- ]", "", m.group(1).lower()).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        anchors.add(slug if n == 0 else f"{slug}-{n}")
    return anchors


def check_vyrec_promises(log, anchors, problems):
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    rules = driver.get("rules", [])
    ids = [r["id"] for r in rules]
    if len(set(ids)) != len(ids):
        problems.append("rule ids are not unique")
    for r in rules:
        where = f"rule {r['id']}"
        for field in ("shortDescription", "fullDescription"):
            if not r.get(field, {}).get("text"):
                problems.append(f"{where}: no {field}.text")
        if not r.get("help", {}).get("text") or not r.get("help", {}).get("markdown"):
            problems.append(f"{where}: help needs text and markdown")
        uri = urllib.parse.urlparse(r.get("helpUri", ""))
        if not uri.path.endswith("/validation.md") or uri.fragment not in anchors:
            problems.append(f"{where}: helpUri {r.get('helpUri')!r} is no heading of docs/validation.md")
    bases = {k: v["uri"] for k, v in run.get("originalUriBaseIds", {}).items()}
    artifacts = run.get("artifacts", [])

    def resolve(al, where):
        uri, base = al.get("uri", ""), al.get("uriBaseId")
        if base is not None:
            if base not in bases:
                problems.append(f"{where}: uriBaseId {base} is not in originalUriBaseIds")
                return
            if not bases[base].endswith("/"):
                problems.append(f"{where}: originalUriBaseIds.{base} must end with '/'")
            uri = urllib.parse.urljoin(bases[base], uri)
        parsed = urllib.parse.urlparse(uri)
        if parsed.scheme == "file":
            path = urllib.parse.unquote(parsed.path)
            if not os.path.exists(path):
                problems.append(f"{where}: {uri} does not exist")
        elif not (uri == "stdin" or uri.startswith("prelude/")):
            problems.append(f"{where}: {uri!r} is neither a file nor stdin/prelude")

    def check_location(loc, where):
        pl = loc.get("physicalLocation")
        if pl is None:
            return
        al = pl["artifactLocation"]
        resolve(al, where)
        idx = al.get("index")
        if not (isinstance(idx, int) and 0 <= idx < len(artifacts)) or \
                {k: v for k, v in artifacts[idx]["location"].items()} != \
                {k: v for k, v in al.items() if k != "index"}:
            problems.append(f"{where}: artifactLocation.index does not name its artifact")

    for n, res in enumerate(run.get("results", [])):
        where = f"results[{n}]"
        rid, ridx = res.get("ruleId"), res.get("ruleIndex")
        if rid not in ids or ridx != ids.index(rid):
            problems.append(f"{where}: ruleId/ruleIndex {rid!r}/{ridx} name no rule")
        locs = res.get("locations", [])
        if len(locs) != 1 or "physicalLocation" not in locs[0]:
            problems.append(f"{where}: a result needs exactly one physical location")
        for loc in locs:
            check_location(loc, where)
        if not res.get("partialFingerprints"):
            problems.append(f"{where}: no partialFingerprints")
        for m, rel in enumerate(res.get("relatedLocations", [])):
            if rel.get("id") != m:
                problems.append(f"{where}.relatedLocations[{m}]: id")
            check_location(rel, f"{where}.relatedLocations[{m}]")
    notifications = [n for inv in run.get("invocations", [])
                     for n in inv.get("toolExecutionNotifications", [])]
    for n, note in enumerate(notifications):
        rule = note.get("associatedRule", {})
        if rule.get("id") not in ids or rule.get("index") != ids.index(rule.get("id")):
            problems.append(f"notification {n}: associatedRule names no rule")
        for loc in note.get("locations", []):
            check_location(loc, f"notification {n}")
    return (f"{len(run.get('results', []))} results, {len(notifications)} notifications, "
            f"{sum(len(r.get('relatedLocations', [])) for r in run.get('results', []))} "
            f"related locations, {len(rules)} rules")


def multitool_findings(exe, logs):
    """The errors and warnings the SARIF multitool's validate reports."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "validation.sarif")
        proc = subprocess.run([exe, "validate", "--output", out] + logs,
                              capture_output=True, text=True)
        if proc.returncode != 0 or not os.path.exists(out):
            return {None: [f"the multitool failed (exit {proc.returncode}): {(proc.stdout + proc.stderr)[-2000:]}"]}
        found = {}
        for res in json.load(open(out))["runs"][0].get("results", []):
            if res.get("level", "warning") not in ("error", "warning"):
                continue
            loc = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            path = urllib.parse.unquote(urllib.parse.urlparse(loc).path)
            text = res["message"].get("text") or " ".join(res["message"].get("arguments", []))
            found.setdefault(os.path.realpath(path), []).append(f"multitool {res['ruleId']}: {text}")
        return found


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--schema", required=True)
    ap.add_argument("--docs", required=True)
    ap.add_argument("--multitool")
    ap.add_argument("logs", nargs="+")
    args = ap.parse_args()
    schema = json.load(open(args.schema))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    anchors = github_anchors(open(args.docs).read())
    found = multitool_findings(args.multitool, args.logs) if args.multitool else {}
    failed = False
    for path in args.logs:
        problems = list(found.get(None, [])) + found.get(os.path.realpath(path), [])
        log = json.load(open(path))
        for e in sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path)):
            problems.append("schema: /" + "/".join(map(str, e.absolute_path)) + ": " + e.message)
        summary = check_vyrec_promises(log, anchors, problems)
        for p in problems:
            print(f"{path}: {p}")
        print(f"{os.path.basename(path)}: {summary}, {len(problems)} problems")
        failed |= bool(problems)
    sys.exit(1 if failed else 0)


main()
