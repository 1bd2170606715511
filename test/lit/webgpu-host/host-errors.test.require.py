# Writes a copy of the manifest argv[1] to argv[2] that requires a feature
# no adapter has and a 1 TiB storage binding (host-errors.test).
import json, sys
m = json.load(open(sys.argv[1]))
m["requires"]["webgpu_features"].append("vyrec-test-feature")
m["requires"]["limits"]["maxStorageBufferBindingSize"] = 1 << 40
json.dump(m, open(sys.argv[2], "w"))
