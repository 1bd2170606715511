#!/usr/bin/env node
// vyre-run-webgpu: runs a scenario (docs/scenario.md) on a vyrec WGSL
// megakernel through WebGPU, on Dawn's node bindings (npm `webgpu`), as
// vyre-run does through Vulkan: same scenarios, same JSON, same exit codes.
//
//   vyre-run-webgpu MODULE.wgsl MANIFEST.json SCENARIO.json
//                   [--dump FILE] [--time] [--repeat N] [--backend NAME]
//   vyre-run-webgpu --list-adapters [--backend NAME]
//
// The scenario logic has one home, lib/Scenario: `vyre-scenario prepare`
// writes the initial words of every buffer, the override values and the
// dispatch size; this runner creates the buffers, sets the overrides,
// dispatches, reads back; `vyre-scenario result` prints the JSON.
// vyre-scenario is found through --vyre-scenario, $VYRE_SCENARIO, or PATH;
// the `webgpu` package through $VYRE_WEBGPU_MODULE or Node's resolution;
// the Dawn backend (vulkan, null, ...) through --backend or
// $VYRE_WEBGPU_BACKEND (default: Dawn's choice).
//
// Exit codes (docs/scenario.md): 0 ok; 1 bad input (including a scenario a
// WebGPU host cannot run: "publish": "live"); 2 a WebGPU error (device
// lost, validation, out of memory); 3 hang (timeout_ms); 4 no adapter, or
// the adapter lacks a feature or limit the manifest requires (each named).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  adapterShortfalls, checkModule, planRefusal, planShortfalls, requestMegakernelDevice, runPlan,
} from './vyre-webgpu.mjs';

const EXIT = { ok: 0, input: 1, webgpu: 2, hang: 3, requirement: 4 };
const USAGE = 'usage: vyre-run-webgpu MODULE.wgsl MANIFEST.json SCENARIO.json ' +
  '[--dump FILE] [--time] [--repeat N] [--backend NAME] [--vyre-scenario PATH] | --list-adapters';

class Exit extends Error {
  constructor(code, message) { super(message); this.code = code; }
}
const fail = (code, message) => { throw new Exit(code, message); };

function parseArgs(argv) {
  const args = { files: [], dump: null, time: false, repeat: 1, backend: process.env.VYRE_WEBGPU_BACKEND || null, list: false,
    vyreScenario: process.env.VYRE_SCENARIO || 'vyre-scenario' };
  for (let i = 0; i < argv.length; ++i) {
    const arg = argv[i];
    const value = () => (i + 1 < argv.length ? argv[++i] : fail(EXIT.input, `${arg} wants a value\n${USAGE}`));
    if (arg === '--dump') args.dump = value();
    else if (arg === '--time') args.time = true;
    else if (arg === '--repeat') {
      args.repeat = Number(value());
      if (!Number.isInteger(args.repeat) || args.repeat < 1 || args.repeat > 1000)
        fail(EXIT.input, '--repeat wants a whole number from 1 to 1000');
    } else if (arg === '--backend') args.backend = value();
    else if (arg === '--vyre-scenario') args.vyreScenario = value();
    else if (arg === '--list-adapters') args.list = true;
    else if (arg === '--help' || arg === '-h') { process.stdout.write(USAGE + '\n'); process.exit(EXIT.ok); }
    else if (arg.startsWith('-')) fail(EXIT.input, `unknown option '${arg}'\n${USAGE}`);
    else args.files.push(arg);
  }
  if (!args.list && args.files.length !== 3)
    fail(EXIT.input, `want a module, a manifest and a scenario\n${USAGE}`);
  return args;
}

function readText(path) {
  try { return readFileSync(path, 'utf8'); } catch (e) { fail(EXIT.input, `${path}: ${e.message}`); }
}

function readJson(path) {
  const text = readText(path);
  try { return JSON.parse(text); } catch (e) { fail(EXIT.input, `${path}: ${e.message}`); }
}

/// A file of little-endian words (Node's Buffer may share a larger pool).
function readWords(path) {
  const bytes = readFileSync(path);
  return new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/// Runs vyre-scenario; its standard error passes through.
function vyreScenario(args, argv, { passStdout = false } = {}) {
  const r = spawnSync(args.vyreScenario, argv, { stdio: ['ignore', passStdout ? 'inherit' : 'pipe', 'inherit'] });
  if (r.error) fail(EXIT.input, `cannot run ${args.vyreScenario}: ${r.error.message} (set --vyre-scenario or VYRE_SCENARIO)`);
  return r.status ?? EXIT.webgpu;
}

async function openGpu(args) {
  // Dawn's Vulkan backend asks the windowing system for nothing here, but
  // complains on every start when XDG_RUNTIME_DIR is unset (a CI runner).
  process.env.XDG_RUNTIME_DIR ||= tmpdir();
  const { create, globals } = await import(process.env.VYRE_WEBGPU_MODULE || 'webgpu');
  Object.assign(globalThis, globals);
  // Unquantized timestamps: Dawn rounds them (to 100 us) unless told not to.
  const flags = ['enable-dawn-features=allow_unsafe_apis', 'disable-dawn-features=timestamp_quantization'];
  if (args.backend) flags.push(`backend=${args.backend}`);
  return create(flags);
}

function adapterName(adapter) {
  const i = adapter.info ?? {};
  return [i.vendor, i.architecture, i.device, i.description].filter(Boolean).join(' ') || 'unnamed adapter';
}

async function listAdapters(args) {
  const gpu = await openGpu(args);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) fail(EXIT.requirement, 'no WebGPU adapter');
  const info = adapter.info ?? {};
  process.stdout.write(JSON.stringify({ adapter: adapterName(adapter), backend: info.backendType ?? null,
    type: info.adapterType ?? null, features: [...adapter.features].sort() }) + '\n');
}

/// Waits for `done`, or reports a hang after `ms` (the GPU may still run the
/// kernel: no clean-up then, as vyre-run).
async function within(done, ms) {
  let timer;
  const late = new Promise(resolve => { timer = setTimeout(() => resolve('late'), ms); });
  const r = await Promise.race([done.then(() => 'done'), late]);
  clearTimeout(timer);
  if (r === 'late') fail(EXIT.hang, `hang: the kernel did not finish within ${ms} ms (scenario timeout_ms)`);
}

async function run(args) {
  const [wgslPath, manifestPath, scenarioPath] = args.files;
  const code = readText(wgslPath);
  const manifest = readJson(manifestPath);
  try { await checkModule(code, manifest); } catch (e) { fail(EXIT.input, `${wgslPath}: ${e.message}`); }
  const dir = mkdtempSync(join(tmpdir(), 'vyre-run-webgpu-'));
  try {
    const prepared = vyreScenario(args, ['prepare', manifestPath, scenarioPath, dir]);
    if (prepared !== 0) return prepared;
    const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8'));
    const refusal = planRefusal(plan);
    if (refusal) fail(EXIT.input, `${scenarioPath}: ${refusal}`);

    const gpu = await openGpu(args);
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) fail(EXIT.requirement, 'no WebGPU adapter');
    const missing = adapterShortfalls(adapter, manifest);
    if (missing.length)
      fail(EXIT.requirement, `the adapter (${adapterName(adapter)}) lacks what ${manifestPath} requires:\n` +
        missing.map(m => `  ${m}`).join('\n'));
    const short = planShortfalls(adapter, plan);
    if (short.length) fail(EXIT.requirement, short.join('\n'));

    const device = await requestMegakernelDevice(adapter, manifest, { timestamps: args.time });
    let lost = null;
    device.lost.then(info => { lost = info; });
    const scopes = ['validation', 'out-of-memory', 'internal'];
    for (const s of scopes) device.pushErrorScope(s);
    const initial = plan.buffers.map((b, i) => readWords(join(dir, `initial-${i}.bin`)));
    let run;
    try {
      run = await runPlan(device, manifest, code, plan, initial,
        { repeat: args.repeat, wait: done => within(done, plan.timeout_ms) });
    } catch (e) {
      if (e instanceof Exit) throw e;
      fail(EXIT.webgpu, e.message);
    }
    for (const _ of scopes) {
      const error = await device.popErrorScope();
      if (error) fail(EXIT.webgpu, `WebGPU error: ${error.message}`);
    }
    if (lost) fail(EXIT.webgpu, `the device was lost: ${lost.reason}: ${lost.message}`);
    const { finals, milliseconds: best } = run;
    finals.forEach((words, i) => writeFileSync(join(dir, `final-${i}.bin`), words));
    if (args.time) {
      process.stderr.write(best === null ? 'dispatch: (the device has no timestamp-query)\n'
        : `dispatch: ${best.toFixed(3)} ms\n`);
      process.stderr.write(`pipeline: ${run.pipelineMs.toFixed(3)} ms\n`);
      process.stderr.write(`entry points: ${run.entryPoints.join(', ')}\n`);
      process.stderr.write(`adapter: ${adapterName(adapter)}\n`);
    }
    device.destroy();
    return vyreScenario(args, ['result', manifestPath, scenarioPath, dir, ...(args.dump ? ['--dump', args.dump] : [])],
      { passStdout: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  try {
    const args = parseArgs(process.argv.slice(2));
    if (args.list) { await listAdapters(args); return EXIT.ok; }
    return await run(args);
  } catch (e) {
    if (!(e instanceof Exit)) throw e;
    process.stderr.write(`vyre-run-webgpu: ${e.message}\n`);
    return e.code;
  }
}

// process.exit: Dawn's node bindings keep the event loop alive.
main().then(code => process.exit(code), e => {
  process.stderr.write(`vyre-run-webgpu: internal error: ${e.stack ?? e}\n`);
  process.exit(EXIT.webgpu);
});
