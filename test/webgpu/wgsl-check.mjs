#!/usr/bin/env node
// wgsl-check: validates WGSL compute shaders with Tint, through Dawn's node
// bindings (npm `webgpu`, pinned in the repo's package.json) on Dawn's null
// backend, so no GPU is needed. Each file is compiled (Tint's parser,
// resolver, validator and uniformity analysis) and a compute pipeline is
// created from it for each entry point, or the one --entry names (Dawn's
// checks of the entry point, the override constants, the workgroup size and
// the bindings against the device's limits). The null
// backend generates no native code: docs/webgpu.md says what that leaves out.
//
//   node wgsl-check.mjs [--feature F]... [--limit NAME=VALUE]...
//                       [--override NAME=VALUE]... [--entry NAME] file.wgsl...
//   node wgsl-check.mjs --info     (the adapter, its features and limits: JSON)
//
// Exit codes (docs/webgpu.md): 0 every file compiled and its pipeline was
// created; 1 Tint or Dawn rejected a file; 2 bad command line or unreadable
// file; 3 the adapter lacks a requested feature or limit (a test is then
// unsupported, not passed); 4 the WebGPU runtime could not start or stalled.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const EXIT = { ok: 0, rejected: 1, usage: 2, unsupported: 3, runtime: 4 };
// Big modules take Tint a few seconds on a busy 2-core machine; two minutes
// means Dawn is stuck.
const STALL_S = 120;

function fail(code, message) {
  process.stderr.write(`wgsl-check: ${message}\n`);
  process.exit(code);
}

const USAGE = 'usage: wgsl-check [--feature F]... [--limit NAME=VALUE]... ' +
  '[--override NAME=VALUE]... [--entry NAME] file.wgsl... | --info';

function parseAssignment(flag, text) {
  const eq = text.indexOf('=');
  const value = text.slice(eq + 1).trim();
  const number = value === 'true' ? 1 : value === 'false' ? 0 : Number(value);
  if (eq <= 0 || value === '' || !Number.isFinite(number))
    fail(EXIT.usage, `${flag} wants NAME=NUMBER (or true/false), not '${text}'`);
  return [text.slice(0, eq), number];
}

function parseArgs(argv) {
  const args = { features: [], limits: {}, constants: {}, entry: undefined, files: [], info: false };
  for (let i = 0; i < argv.length; ++i) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(EXIT.usage, `${arg} wants a value\n${USAGE}`);
      return argv[++i];
    };
    if (arg === '--feature') args.features.push(value());
    else if (arg === '--limit') { const [k, v] = parseAssignment(arg, value()); args.limits[k] = v; }
    else if (arg === '--override') { const [k, v] = parseAssignment(arg, value()); args.constants[k] = v; }
    else if (arg === '--entry') args.entry = value();
    else if (arg === '--info') args.info = true;
    else if (arg === '--help' || arg === '-h') { process.stdout.write(USAGE + '\n'); process.exit(EXIT.ok); }
    else if (arg.startsWith('-')) fail(EXIT.usage, `unknown option '${arg}'\n${USAGE}`);
    else args.files.push(arg);
  }
  if (!args.info && args.files.length === 0) fail(EXIT.usage, `no input file\n${USAGE}`);
  return args;
}

async function openAdapter() {
  let webgpu;
  try {
    webgpu = await import('webgpu');
  } catch (error) {
    fail(EXIT.runtime, `cannot load the npm package 'webgpu' (run scripts/setup.sh): ${error.message}`);
  }
  Object.assign(globalThis, webgpu.globals);
  const gpu = webgpu.create(['backend=null']);
  const adapter = await gpu.requestAdapter();
  if (!adapter) fail(EXIT.runtime, "Dawn's null backend offered no adapter");
  return { gpu, adapter };
}

function limitsOf(adapter) {
  const limits = {};
  for (const name in adapter.limits) limits[name] = adapter.limits[name];
  return limits;
}

// Asks only for what the adapter offers: a missing feature or a limit beyond
// the adapter's is reported as unsupported, so a test is never passed on a
// device that could not have run the shader.
async function openDevice(adapter, features, limits) {
  for (const feature of features)
    if (!adapter.features.has(feature))
      fail(EXIT.unsupported, `the adapter (Dawn null backend) does not offer the feature '${feature}'; ` +
        `it offers: ${[...adapter.features].sort().join(', ')}`);
  for (const [name, wanted] of Object.entries(limits)) {
    const offered = adapter.limits[name];
    if (offered === undefined) fail(EXIT.usage, `unknown limit '${name}'`);
    const better = name.startsWith('min') ? wanted >= offered : wanted <= offered;
    if (!better) fail(EXIT.unsupported, `the adapter (Dawn null backend) offers ${name} = ${offered}, not ${wanted}`);
  }
  const device = await adapter.requestDevice({ requiredFeatures: features, requiredLimits: limits });
  // Errors outside a scope would only be logged; there should be none.
  device.onuncapturederror = (event) => fail(EXIT.runtime, `uncaptured WebGPU error: ${event.error.message}`);
  return device;
}

const KIND = { error: 'error', warning: 'warning', info: 'note' };

// Compiler-style lines, file:line:col: kind: text, for editors and FileCheck.
function report(file, kind, text, line = 0, column = 0) {
  const where = line > 0 ? `${file}:${line}:${column}` : file;
  process.stderr.write(`${where}: ${kind}: ${text}\n`);
}

// The names of the module's compute entry points, in order.
function computeEntryPoints(code) {
  return [...code.matchAll(/@compute\b[^{;]*?\bfn\s+([A-Za-z_][A-Za-z0-9_]*)/g)].map(m => m[1]);
}

async function checkFile(device, file, entry, constants) {
  let code;
  try {
    code = readFileSync(file, 'utf8');
  } catch (error) {
    fail(EXIT.usage, `cannot read ${file}: ${error.message}`);
  }
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ code, label: file });
  const info = await module.getCompilationInfo();
  let errors = 0;
  for (const message of info.messages) {
    report(file, KIND[message.type] ?? message.type, message.message, message.lineNum, message.linePos);
    if (message.type === 'error') ++errors;
  }
  // With a compilation error the pipeline could only repeat "invalid module".
  // Without --entry, one pipeline per @compute function (a vyrec module of
  // the grouped or subgroup skeleton has two: main and main_portable), or
  // Dawn's default where none is found.
  const entries = entry !== undefined ? [entry] : computeEntryPoints(code);
  if (errors === 0)
    for (const entryPoint of entries.length ? entries : [undefined])
      device.createComputePipeline({
        layout: 'auto',
        compute: { module, entryPoint, constants },
      });
  const scopeError = await device.popErrorScope();
  if (scopeError && errors === 0) {
    report(file, 'error', scopeError.message.trim());
    ++errors;
  }
  return errors === 0;
}

// Dawn runs in a child process: the parent's timeout can kill it even while
// it is stuck in native code, and Dawn's own copy of every compilation log
// (printf to stdout, not optional in dawn.node) is dropped, so the output is
// the compiler-style lines on stderr alone. --info's JSON is on stdout.
function runChild(args) {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: ['ignore', args.info ? 'inherit' : 'ignore', 'inherit'],
    env: { ...process.env, WGSL_CHECK_CHILD: '1' },
    timeout: STALL_S * 1000,
    killSignal: 'SIGKILL',
  });
  if (child.error?.code === 'ETIMEDOUT') fail(EXIT.runtime, `no answer from Dawn within ${STALL_S} s`);
  if (child.error) fail(EXIT.runtime, `cannot start ${process.execPath}: ${child.error.message}`);
  if (child.status === null) fail(EXIT.runtime, `Dawn died of signal ${child.signal}`);
  process.exit(child.status);
}

async function runDawn(args) {
  // Dawn's promises settle from its event polling; should one never settle,
  // Node would exit on an empty event loop with this code, not with 0.
  process.exitCode = EXIT.runtime;
  const { gpu, adapter } = await openAdapter();
  if (args.info) {
    const { device: name, subgroupMinSize, subgroupMaxSize } = adapter.info;
    process.stdout.write(JSON.stringify({
      adapter: { name, subgroupMinSize, subgroupMaxSize },
      features: [...adapter.features].sort(),
      wgslLanguageFeatures: [...gpu.wgslLanguageFeatures].sort(),
      limits: limitsOf(adapter),
    }, null, 2) + '\n');
    process.exit(EXIT.ok);
  }
  const device = await openDevice(adapter, args.features, args.limits);
  let allValid = true;
  for (const file of args.files)
    if (!(await checkFile(device, file, args.entry, args.constants))) allValid = false;
  device.destroy();
  // dawn.node can keep the event loop alive after the device is gone.
  process.exit(allValid ? EXIT.ok : EXIT.rejected);
}

const args = parseArgs(process.argv.slice(2));
if (process.env.WGSL_CHECK_CHILD) await runDawn(args);
else runChild(args);
