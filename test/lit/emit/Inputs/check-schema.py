"""Validates a manifest against docs/manifest.schema.json: check-schema.py SCHEMA MANIFEST."""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1]))
manifest = json.load(open(sys.argv[2]))
jsonschema.Draft202012Validator.check_schema(schema)
jsonschema.Draft202012Validator(schema).validate(manifest)
print("manifest matches", schema["title"])
