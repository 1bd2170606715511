# -*- Python -*-  lit configuration for vyrec's golden and diagnostic tests.
import os
import sys
import lit.formats

config.name = "vyrec"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".vyre", ".test"]
config.excludes = ["Inputs", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.vyrec_obj_root, "test", "lit")

tools = config.vyrec_tools_dir
# vyrec skips the SPIR-V validator unless asked (docs/cli.md): every test
# asks, so each module a test emits is checked. %vyrec-exe is the bare
# binary, for scripts that take its path (they pass --validate themselves).
config.substitutions.append(("%vyrec-exe", os.path.join(tools, "vyrec")))
config.substitutions.append(("%vyrec", os.path.join(tools, "vyrec") + " --validate"))
config.substitutions.append(("%prelude", os.path.join(config.vyrec_src_root, "lib", "Prelude", "builtins.vyre")))
config.substitutions.append(("%srcroot", config.vyrec_src_root))
config.substitutions.append(("%expect-exit", "python3 " + os.path.join(config.vyrec_src_root, "test", "lit", "expect-exit.py")))
for tool in ("spirv-val", "spirv-dis", "spirv-opt"):
    config.substitutions.append(("%" + tool, tool))
# spirv-cross (Debian: spirv-cross) translates modules to MSL, HLSL and GLSL
# (test/lit/emit/translate.test).
import shutil as _shutil
if _shutil.which("spirv-cross"):
    config.available_features.add("spirv-cross")
# A spirv-cross with MSL 3.2 fences (SPIRV-Cross PR 2487, 2025; Debian 12's
# is older): VYREC_TEST_SPIRV_CROSS_MSL32=path runs emit/msl-fences.test.
_msl32 = os.environ.get("VYREC_TEST_SPIRV_CROSS_MSL32")
if _msl32 and os.access(_msl32, os.X_OK):
    config.available_features.add("spirv-cross-msl32")
    config.substitutions.append(("%spirv-cross-msl32", _msl32))
# glslangValidator (Debian: glslang-tools) compiles what spirv-cross writes
# (test/lit/emit/translate-*.test, test/lit/exec/translated.test).
if _shutil.which("glslangValidator"):
    config.available_features.add("glslang")

# FileCheck and not come from LLVM 14; put them (and our tools) first on PATH.
config.environment["PATH"] = os.pathsep.join([tools, config.llvm_tools_dir, os.environ.get("PATH", "")])
# Deterministic diagnostics: no colour, no locale surprises.
config.environment["TERM"] = "dumb"

# Execution tests (test/lit/exec): the interpreter, the Vulkan host, and the
# script that runs a scenario through both and diffs the outputs.
config.substitutions.append(("%vyre-interp", os.path.join(tools, "vyre-interp")))
config.substitutions.append(("%vyre-run", os.path.join(tools, "vyre-run")))
config.substitutions.append(("%vyre-lsp", os.path.join(tools, "vyre-lsp")))
config.substitutions.append(("%diff-exec", "bash " + os.path.join(
    config.vyrec_src_root, "test", "lit", "exec", "diff-exec.sh")))
config.substitutions.append(("%python", "python3"))
# Vim with LSP channels (job_start's 'lsp' mode): a real client for
# test/lit/lsp/vim-client.test.
import subprocess
if subprocess.run(["vim", "-N", "-u", "NONE", "-i", "NONE", "-es", "-c",
                   "try | call job_start(['true'], {'in_mode': 'lsp', "
                   "'out_mode': 'lsp'}) | catch | cquit | endtry | qall!"],
                  capture_output=True, timeout=30).returncode == 0 \
        if _shutil.which("vim") else False:
    config.available_features.add("vim-lsp")
# Neovim (Debian: neovim, 0.7.2; scripts/setup.sh installs it): its built-in
# LSP client runs docs/lsp.md's snippet (test/lit/lsp/nvim-client.test).
if _shutil.which("nvim"):
    config.available_features.add("nvim")

# Always Mesa's lavapipe (a CPU driver), never whatever GPU the machine has,
# so results and timings do not depend on the test machine.
import glob
import subprocess
# VYREC_TEST_ICD=path/to/icd.json runs the suite on another driver instead
# (how the execution suite is run on a real GPU: docs/gpu-runs.md).
lavapipe = sorted(glob.glob("/usr/share/vulkan/icd.d/lvp_icd*.json"))
if os.environ.get("VYREC_TEST_ICD"):
    lavapipe = [os.environ["VYREC_TEST_ICD"]]
    lit_config.note("execution tests use the ICD " + lavapipe[0])
if lavapipe:
    config.environment["VK_DRIVER_FILES"] = lavapipe[0]
    config.environment["VK_ICD_FILENAMES"] = lavapipe[0]
    for var in ("HOME", "XDG_RUNTIME_DIR", "LD_LIBRARY_PATH"):
        if var in os.environ:
            config.environment[var] = os.environ[var]
vyre_run = os.path.join(tools, "vyre-run")
# VYREC_TEST_NO_VULKAN=1 (scripts/test-asan.sh) leaves the driver tests
# unsupported: lavapipe's JIT under LeakSanitizer's full unwinder takes
# minutes per kernel. Interpreter-only execution tests still run.
# The sweeps over every repository input (emit/byte-identity.test,
# webgpu/repo-modules.test, parse/format-property.test: thousands of vyrec
# runs) need the feature `sweeps`; VYREC_TEST_NO_SWEEPS=1 (scripts/
# test-asan.sh) leaves them out, since under AddressSanitizer they would take
# most of CI's time for code paths the other tests and the fuzzers already
# run under the sanitizers.
# gen/generated-programs.test compiles %gen-count generated files four
# times each: 250 normally, 30 without the sweeps (under ASan the 250 took
# eight of CI's minutes; the fuzzers cover the same paths there).
if os.environ.get("VYREC_TEST_NO_SWEEPS"):
    lit_config.note("VYREC_TEST_NO_SWEEPS is set: the sweeps over every input are unsupported")
    config.substitutions.append(("%gen-count", "30"))
else:
    config.available_features.add("sweeps")
    config.substitutions.append(("%gen-count", "250"))
if os.environ.get("VYREC_TEST_NO_VULKAN"):
    lit_config.note("VYREC_TEST_NO_VULKAN is set: tests that need a Vulkan device are unsupported")
elif lavapipe and os.path.exists(vyre_run):
    try:
        listing = subprocess.run([vyre_run, "--list-devices"], env=config.environment,
                                 capture_output=True, text=True, timeout=60)
        if listing.returncode == 0 and listing.stdout.strip():
            config.available_features.add("vulkan")
            # Device 0 (vyre-run's default) is Mesa's CPU driver: vyre-run
            # fits its workgroups to one subgroup (docs/scenario.md).
            if "llvmpipe" in listing.stdout.splitlines()[0]:
                config.available_features.add("llvmpipe")
    except (OSError, subprocess.SubprocessError):
        pass
if "vulkan" not in config.available_features:
    lit_config.note("no Vulkan device (lavapipe): execution tests that need one are unsupported")

# The Khronos validation layer (Debian: vulkan-validationlayers).
# VYRE_RUN_VALIDATE=1 runs every vyre-run under it (vyre-run exits 5 on a
# validation error), and DIFF_EXEC_VYREC_FLAGS="--target-env=... 
# --memory-model=..." compiles every diff-exec program so unless the test
# sets its own: how scripts/test.sh runs the execution suite once under the
# layer (docs/scenario.md).
if glob.glob("/usr/share/vulkan/explicit_layer.d/VkLayer_khronos_validation.json"):
    config.available_features.add("vulkan-validation")
for var in ("VYRE_RUN_VALIDATE", "DIFF_EXEC_VYREC_FLAGS"):
    if os.environ.get(var):
        config.environment[var] = os.environ[var]
        lit_config.note("%s=%s" % (var, os.environ[var]))

# The manifest schema test needs a Python with jsonschema: Debian's
# python3-jsonschema (scripts/setup.sh installs it) serves /usr/bin/python3,
# which need not be the python3 first on PATH.
import shutil
import subprocess
def _python_with(module):
    for exe in (sys.executable, "/usr/bin/python3", shutil.which("python3")):
        if exe and subprocess.run([exe, "-c", "import " + module],
                                  capture_output=True).returncode == 0:
            return exe
    return None
_schema_python = _python_with("jsonschema")
if _schema_python:
    config.available_features.add("jsonschema")
    # Before "%python", which is a prefix of this name.
    config.substitutions.insert(0, ("%python-jsonschema", _schema_python))

# SARIF logs (--diagnostics-format=sarif): %validate-sarif LOG... checks each
# against the SARIF 2.1.0 JSON schema that Microsoft's SARIF multitool ships
# (npm @microsoft/sarif-multitool-linux, pinned by package-lock.json), runs
# the multitool's own `validate`, and checks vyrec's promises
# (test/sarif/validate-sarif.py). Every test that writes a SARIF log
# validates it (test/lit/cli/sarif-logs-validated.test checks that).
_sarif_pkg = os.path.join(config.vyrec_src_root, "node_modules", "@microsoft",
                          "sarif-multitool-linux")
_sarif_schema = os.path.join(_sarif_pkg, "sarif-2.1.0.json")
_multitool = os.path.join(_sarif_pkg, "Sarif.Multitool")
if _schema_python and os.path.exists(_sarif_schema) and os.access(_multitool, os.X_OK):
    config.available_features.add("sarif-schema")
    config.substitutions.insert(0, ("%validate-sarif", " ".join([
        _schema_python,
        os.path.join(config.vyrec_src_root, "test", "sarif", "validate-sarif.py"),
        "--schema", _sarif_schema, "--multitool", _multitool,
        "--docs", os.path.join(config.vyrec_src_root, "docs", "validation.md")])))
else:
    # CI ran scripts/setup.sh: a missing validator there is a broken set-up.
    (lit_config.fatal if os.environ.get("CI") else lit_config.note)(
        "no SARIF validator (python3-jsonschema, and %s with an executable "
        "Sarif.Multitool: scripts/setup.sh): the SARIF tests are unsupported" % _sarif_pkg)

# WGSL validation (test/lit/webgpu, docs/webgpu.md): Tint, through Dawn's node
# bindings (the npm package `webgpu` that scripts/setup.sh installs from the
# committed lockfile), on Dawn's null backend. `webgpu` when the checker
# starts; `webgpu-FEATURE` for each WebGPU feature the null adapter offers
# (tests that need `subgroups` say REQUIRES: webgpu-subgroups).
import json
_wgsl_check = os.path.join(config.vyrec_src_root, "test", "webgpu", "wgsl-check.mjs")
_node = shutil.which("node")
config.substitutions.append(("%wgsl-check", "%s %s" % (_node or "node", _wgsl_check)))
_webgpu_problem = "node is not on PATH"
if _node:
    try:
        _info = subprocess.run([_node, _wgsl_check, "--info"], capture_output=True,
                               text=True, timeout=180)
        if _info.returncode == 0:
            config.available_features.add("webgpu")
            for _feature in json.loads(_info.stdout)["features"]:
                config.available_features.add("webgpu-" + _feature)
            _webgpu_problem = None
        else:
            _webgpu_problem = _info.stderr.strip()
    except (OSError, subprocess.SubprocessError, ValueError, KeyError) as _error:
        _webgpu_problem = str(_error)
if _webgpu_problem:
    # CI ran scripts/setup.sh, so a missing checker there is a broken set-up,
    # not a reason to pass every WGSL test as unsupported.
    report = lit_config.fatal if os.environ.get("CI") else lit_config.note
    report("wgsl-check cannot start, so the WGSL tests are unsupported: " + _webgpu_problem)

# Running scenarios through WebGPU (tools/vyre-run-webgpu, docs/scenario.md):
# `webgpu-adapter` when Dawn finds a real adapter (not its null backend,
# which executes nothing; lavapipe lacks features Dawn's Vulkan backend
# requires). VYRE_EXEC_HOST=webgpu runs the execution suite through the
# WebGPU host instead of vyre-run (feature `exec-webgpu`; diff-exec.sh reads
# the variable): every test is then unsupported without an adapter, and a
# test a WebGPU host cannot express says UNSUPPORTED: exec-webgpu.
_run_webgpu = os.path.join(config.vyrec_src_root, "tools", "vyre-run-webgpu", "vyre-run-webgpu.mjs")
# Dawn's Vulkan backend finds no adapter on lavapipe, but SwiftShader (the
# Vulkan driver Debian's chromium package ships) is one that executes: the
# WebGPU host uses it on machines without a GPU, and the driver under test
# (VYREC_TEST_ICD) on those with one.
_webgpu_icd = os.environ.get("VYREC_TEST_ICD") or next(iter(sorted(glob.glob(
    "/usr/lib/chromium/vk_swiftshader_icd.json"))), None)
_run_webgpu_cmd = "%s %s" % (_node or "node", _run_webgpu)
if _webgpu_icd:
    _run_webgpu_cmd = "env VK_ICD_FILENAMES=%s VK_DRIVER_FILES=%s %s" % (
        _webgpu_icd, _webgpu_icd, _run_webgpu_cmd)
config.substitutions.insert(0, ("%vyre-run-webgpu", _run_webgpu_cmd))
config.environment["VYRE_RUN_WEBGPU"] = _run_webgpu_cmd
config.environment["VYRE_SCENARIO"] = os.path.join(tools, "vyre-scenario")
for _var in ("VYRE_WEBGPU_MODULE", "VYRE_WEBGPU_BACKEND"):
    if _var in os.environ:
        config.environment[_var] = os.environ[_var]
if _node and "webgpu" in config.available_features:
    try:
        _adapter = subprocess.run(_run_webgpu_cmd.split() + ["--list-adapters"], capture_output=True,
                                  text=True, timeout=180, env=config.environment)
        if _adapter.returncode == 0:
            config.available_features.add("webgpu-adapter")
            lit_config.note("WebGPU adapter: " + _adapter.stdout.strip())
    except (OSError, subprocess.SubprocessError):
        pass
# A browser as the WebGPU host (webgpu-host/browser.test): Debian's chromium.
if shutil.which("chromium"):
    config.available_features.add("chromium")
config.substitutions.insert(0, ("%browser-run", "python3 " + os.path.join(
    config.vyrec_src_root, "tools", "vyre-run-webgpu", "browser-run.py")))
if os.environ.get("VYRE_EXEC_HOST") == "webgpu":
    config.available_features.add("exec-webgpu")
    config.environment["VYRE_EXEC_HOST"] = "webgpu"

# A real LSP client for vyre-lsp (test/lit/lsp/lsp-node.mjs): the npm
# packages vscode-jsonrpc and vscode-languageserver-protocol that
# package-lock.json pins (scripts/setup.sh installs them with npm ci).
# %node-lsp runs a scenario script with node.
config.substitutions.append(("%node", _node or "node"))
_node_lsp_problem = "node is not on PATH"
if _node:
    _probe = subprocess.run(
        [_node, "--input-type=module", "-e",
         "await import('vscode-languageserver-protocol/node'); await import('vscode-jsonrpc/node')"],
        cwd=config.vyrec_src_root, capture_output=True, text=True, timeout=60)
    _node_lsp_problem = _probe.stderr.strip().splitlines()[-1:] if _probe.returncode else None
if _node_lsp_problem:
    report = lit_config.fatal if os.environ.get("CI") else lit_config.note
    report("the npm LSP client cannot start, so the tests that need it are unsupported: %s"
           % _node_lsp_problem)
else:
    config.available_features.add("node-lsp")

# Microsoft's vsce (npm @vscode/vsce, pinned by editors/vscode/package-lock.json;
# scripts/setup.sh installs it with npm ci there): packs editors/vscode into
# a .vsix (test/lit/editors/vscode-vsix.test).
if _node and os.path.exists(os.path.join(config.vyrec_src_root, "editors", "vscode",
                                         "node_modules", "@vscode", "vsce", "vsce")):
    config.available_features.add("vsce")
else:
    report = lit_config.fatal if os.environ.get("CI") else lit_config.note
    report("editors/vscode/node_modules has no @vscode/vsce (scripts/setup.sh installs it), "
           "so the .vsix test is unsupported")
