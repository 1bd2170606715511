#!/usr/bin/env python3
"""check-sarif.py FILE: FILE is a SARIF 2.1.0 log as vyrec writes it.

No copy of the SARIF 2.1.0 JSON schema is available offline, so this checks
the schema's required properties and value constraints that vyrec's output
touches (sarifLog, run, tool.driver, reportingDescriptor, result, message,
location, physicalLocation, artifactLocation, region), plus vyrec's own
promises: every result's ruleId is one of the driver's rules and ruleIndex
points at it, file URIs are absolute file:// URIs of existing files, and
regions are 1-based. Prints one summary line."""
import json
import os
import sys
import urllib.parse

log = json.load(open(sys.argv[1]))
problems = []
def need(cond, what):
    if not cond:
        problems.append(what)

need(log.get("version") == "2.1.0", "sarifLog.version must be \"2.1.0\"")
need(isinstance(log.get("runs"), list) and len(log["runs"]) == 1, "one run")
run = log["runs"][0]
driver = run.get("tool", {}).get("driver", {})
need(isinstance(driver.get("name"), str) and driver["name"], "tool.driver.name is required")
rules = driver.get("rules", [])
ids = [r.get("id") for r in rules]
need(all(isinstance(i, str) for i in ids) and len(set(ids)) == len(ids), "rule ids unique strings")
for r in rules:
    need("text" in r.get("shortDescription", {}), f"rule {r.get('id')}: shortDescription.text")
    need(r.get("defaultConfiguration", {}).get("level") in ("none", "note", "warning", "error"),
         f"rule {r.get('id')}: defaultConfiguration.level")
artifacts = run.get("artifacts", [])

def check_location(loc, where, need_region=True):
    pl = loc.get("physicalLocation")
    if pl is None:
        need(not need_region, f"{where}: physicalLocation missing")
        return
    al = pl.get("artifactLocation", {})
    uri = al.get("uri", "")
    parsed = urllib.parse.urlparse(uri)
    need(parsed.scheme == "file" and parsed.path.startswith("/"), f"{where}: '{uri}' is not an absolute file URI")
    need(os.path.exists(urllib.parse.unquote(parsed.path)), f"{where}: {uri} does not exist")
    idx = al.get("index")
    need(isinstance(idx, int) and 0 <= idx < len(artifacts) and artifacts[idx]["location"]["uri"] == uri,
         f"{where}: artifactLocation.index does not name its artifact")
    region = pl.get("region", {})
    need(isinstance(region.get("startLine"), int) and region["startLine"] >= 1, f"{where}: startLine >= 1")
    need(isinstance(region.get("startColumn"), int) and region["startColumn"] >= 1, f"{where}: startColumn >= 1")

results = run.get("results")
need(isinstance(results, list), "run.results is an array")
related = 0
for n, res in enumerate(results or []):
    where = f"results[{n}]"
    need(isinstance(res.get("message", {}).get("text"), str), f"{where}: message.text is required")
    need(res.get("level") in ("none", "note", "warning", "error"), f"{where}: level")
    rid, ridx = res.get("ruleId"), res.get("ruleIndex")
    need(rid in ids and ridx == ids.index(rid), f"{where}: ruleId/ruleIndex '{rid}'/{ridx} name no rule")
    for loc in res.get("locations", []):
        check_location(loc, where)
    for m, rel in enumerate(res.get("relatedLocations", [])):
        related += 1
        need(rel.get("id") == m, f"{where}.relatedLocations[{m}]: id")
        need(isinstance(rel.get("message", {}).get("text"), str), f"{where}.relatedLocations[{m}]: message.text")
        check_location(rel, f"{where}.relatedLocations[{m}]", need_region=False)

for p in problems:
    print("SARIF:", p)
print(f"sarif: {len(results or [])} results, {related} related locations, {len(rules)} rules, {len(problems)} problems")
sys.exit(1 if problems else 0)
