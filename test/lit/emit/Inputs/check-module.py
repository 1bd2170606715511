"""Checks a manifest against the module it ships with, reading the module
independently of vyrec's own scan: check-module.py MODULE.spv MANIFEST.json

- module_sha256 is hashlib's SHA-256 of the .spv file's bytes;
- the (set, binding) pairs of `bindings` equal the module's DescriptorSet /
  Binding decorations (its interface);
- requires.capabilities / spirv_extensions equal the module's OpCapability /
  OpExtension instructions (capability numbers named from SPIR-V's grammar
  for the few the megakernel uses), and requires.spirv_version its header.
Prints one line per check that holds; exits 1 on the first that does not.
"""
import hashlib
import json
import struct
import sys

CAPABILITY_NAMES = {1: "Shader", 5345: "VulkanMemoryModel",
                    5346: "VulkanMemoryModelDeviceScope", 61: "GroupNonUniform",
                    62: "GroupNonUniformVote", 63: "GroupNonUniformArithmetic",
                    64: "GroupNonUniformBallot", 65: "GroupNonUniformShuffle"}
OP_CAPABILITY, OP_EXTENSION, OP_DECORATE = 17, 10, 71
DEC_BINDING, DEC_SET = 33, 34

data = open(sys.argv[1], "rb").read()
manifest = json.load(open(sys.argv[2]))
words = struct.unpack("<%dI" % (len(data) // 4), data)


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


if manifest["module_sha256"] != hashlib.sha256(data).hexdigest():
    fail("module_sha256 %s is not the module's %s" %
         (manifest["module_sha256"], hashlib.sha256(data).hexdigest()))
print("module_sha256 matches")

caps, exts, sets, bindings = [], [], {}, {}
i = 5
while i < len(words):
    count, op = words[i] >> 16, words[i] & 0xFFFF
    operands = words[i + 1:i + count]
    if op == OP_CAPABILITY:
        caps.append(CAPABILITY_NAMES.get(operands[0], str(operands[0])))
    elif op == OP_EXTENSION:
        raw = struct.pack("<%dI" % len(operands), *operands)
        exts.append(raw.split(b"\0")[0].decode())
    elif op == OP_DECORATE and len(operands) == 3:
        if operands[1] == DEC_SET:
            sets[operands[0]] = operands[2]
        elif operands[1] == DEC_BINDING:
            bindings[operands[0]] = operands[2]
    i += count

interface = sorted((sets[v], bindings[v]) for v in sets if v in bindings)
listed = sorted((b["set"], b["binding"]) for b in manifest["bindings"])
if interface != listed:
    fail("bindings %s are not the module's interface %s" % (listed, interface))
print("bindings match the module's interface (%d)" % len(listed))

req = manifest["requires"]
if sorted(req["capabilities"]) != sorted(caps):
    fail("requires.capabilities %s != module %s" % (req["capabilities"], caps))
if sorted(req["spirv_extensions"]) != sorted(exts):
    fail("requires.spirv_extensions %s != module %s" % (req["spirv_extensions"], exts))
version = "%d.%d" % ((words[1] >> 16) & 0xFF, (words[1] >> 8) & 0xFF)
if req["spirv_version"] != version:
    fail("requires.spirv_version %s != module %s" % (req["spirv_version"], version))
print("requires matches the module's declarations")
