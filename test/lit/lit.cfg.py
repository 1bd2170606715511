# -*- Python -*-  lit configuration for vyrec's golden and diagnostic tests.
import os
import lit.formats

config.name = "vyrec"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".vyre", ".test"]
config.excludes = ["Inputs", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.vyrec_obj_root, "test", "lit")

tools = config.vyrec_tools_dir
config.substitutions.append(("%vyrec", os.path.join(tools, "vyrec")))
config.substitutions.append(("%prelude", os.path.join(config.vyrec_src_root, "lib", "Prelude", "builtins.vyre")))
config.substitutions.append(("%srcroot", config.vyrec_src_root))
config.substitutions.append(("%expect-exit", "python3 " + os.path.join(config.vyrec_src_root, "test", "lit", "expect-exit.py")))
for tool in ("spirv-val", "spirv-dis", "spirv-opt"):
    config.substitutions.append(("%" + tool, tool))

# FileCheck and not come from LLVM 14; put them (and our tools) first on PATH.
config.environment["PATH"] = os.pathsep.join([tools, config.llvm_tools_dir, os.environ.get("PATH", "")])
# Deterministic diagnostics: no colour, no locale surprises.
config.environment["TERM"] = "dumb"
