// vyre-webgpu: runs a vyrec WGSL megakernel through the WebGPU API, knowing
// nothing of the protocol but what its manifest says (docs/manifest.md).
// It only uses the standard WebGPU API and Web Crypto, so a web page uses it
// as it is (docs/embedding.md, "WebGPU"); vyre-run-webgpu.mjs is the Node
// scenario runner built on it.
//
// What is here: the adapter check against `requires`, the device request,
// the module check against `module_sha256`, one storage buffer per manifest
// binding, one pipeline per entry point (every shard's), dispatches, GPU
// timestamps, and the read-back. What is not: slot encoding, packed slots,
// IO servicing, result formatting. A host publishes slots with the words
// the manifest's protocol describes (or, in the test suite, with the words
// vyre-scenario prepares).

// writeBuffer copies through a staging allocation; one copy of a 64 MiB
// ring killed Dawn's node process (std::system_error), so writes go in
// pieces of at most this many bytes.
const WRITE_CHUNK_BYTES = 4 << 20;

/// Whether a WebGPU limit is better when higher (max*) or lower (min*).
function limitShortfall(name, need, have) {
  if (have === undefined) return `limit ${name} >= ${need} (the adapter does not report it)`;
  const ok = name.startsWith('min') ? have <= need : have >= need;
  return ok ? null : `limit ${name} ${name.startsWith('min') ? '<=' : '>='} ${need} (the adapter has ${have})`;
}

/// What the adapter lacks of the manifest's `requires`: one line per
/// missing feature or limit, empty when it has everything.
export function adapterShortfalls(adapter, manifest) {
  const requires = manifest.requires ?? {};
  const missing = [];
  for (const feature of requires.webgpu_features ?? [])
    if (!adapter.features.has(feature)) missing.push(`feature '${feature}'`);
  for (const [name, need] of Object.entries(requires.limits ?? {})) {
    const line = limitShortfall(name, need, adapter.limits[name]);
    if (line) missing.push(line);
  }
  return missing;
}

/// A device with the manifest's features (and `timestamp-query` when asked
/// and offered) and the adapter's largest buffer, binding and workgroup
/// limits: a scenario may size the ring or the workgroup beyond the
/// manifest's defaults, which `requires.limits` describes.
export async function requestMegakernelDevice(adapter, manifest, { timestamps = false } = {}) {
  const requiredFeatures = [...(manifest.requires?.webgpu_features ?? [])];
  if (timestamps && adapter.features.has('timestamp-query')) requiredFeatures.push('timestamp-query');
  const requiredLimits = {};
  const wanted = new Set([...Object.keys(manifest.requires?.limits ?? {}),
    'maxBufferSize', 'maxStorageBufferBindingSize', 'maxComputeWorkgroupsPerDimension',
    'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX']);
  for (const name of wanted)
    if (adapter.limits[name] !== undefined) requiredLimits[name] = adapter.limits[name];
  return adapter.requestDevice({ requiredFeatures, requiredLimits });
}

function hex(bytes) {
  return [...new Uint8Array(bytes)].map(b => b.toString(16).padStart(2, '0')).join('');
}

/// Throws unless `code` is the module the manifest describes.
export async function checkModule(code, manifest) {
  if (manifest.target_env !== 'webgpu')
    throw new Error(`the manifest describes a ${manifest.target_env ?? 'non-WebGPU'} module, not WGSL (vyrec --target-env=webgpu)`);
  const sha = hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(code)));
  if (sha !== manifest.module_sha256)
    throw new Error(`the WGSL is not the module the manifest describes (its SHA-256 is ${sha}, the manifest's module_sha256 ${manifest.module_sha256})`);
}

/// The entry points to dispatch: every shard's, or the one entry_point;
/// the portable loop's (skeleton.portable_entry_point) instead where
/// `constants` (by spec id) set kernel.PORTABLE_LOOP non-zero, as vyre-run
/// does (docs/embedding.md, "CPU devices").
export function entryPoints(manifest, constants = {}) {
  if (Array.isArray(manifest.shards)) return manifest.shards.map(s => s.entry_point);
  const portable = manifest.skeleton?.portable_entry_point;
  const id = manifest.spec_constants?.find(c => c.name === 'kernel.PORTABLE_LOOP')?.spec_id;
  if (portable && id !== undefined && Number(constants[id] ?? 0) !== 0) return [portable];
  return [manifest.entry_point ?? 'main'];
}

/// Why a WebGPU host cannot run a prepared plan, or null.
export function planRefusal(plan) {
  return plan.publish === 'before' ? null
    : `"publish": "${plan.publish}" needs a host that writes the ring while the kernel runs; ` +
      'WebGPU orders every queue write after the dispatch in flight, so a WebGPU host cannot (docs/scenario.md)';
}

/// What the adapter lacks to run a prepared plan: its dispatch size and
/// buffer sizes against the adapter's limits; one line each.
export function planShortfalls(adapter, plan) {
  const out = [];
  const most = adapter.limits.maxComputeWorkgroupsPerDimension;
  if (plan.workgroups > most)
    out.push(`${plan.workgroups} workgroups: the adapter dispatches at most ${most} (maxComputeWorkgroupsPerDimension)`);
  for (const b of plan.buffers)
    if (b.words * 4 > adapter.limits.maxStorageBufferBindingSize)
      out.push(`${b.name}: ${b.words * 4} bytes, but the adapter binds at most ` +
        `${adapter.limits.maxStorageBufferBindingSize} (maxStorageBufferBindingSize)`);
  return out;
}

/// Runs a scenario that `vyre-scenario prepare` turned into `plan` (its
/// plan.json) and `initial` (each buffer's initial words, a Uint32Array per
/// plan.buffers entry): creates the kernel, writes the words, dispatches
/// `repeat` times from them, and resolves to {finals, milliseconds,
/// pipelineMs}: each buffer's final words, the fastest dispatch's GPU time
/// (null without timestamp-query). `wait(promise)` may bound each dispatch
/// (the Node runner reports a hang after timeout_ms). Errors throw.
export async function runPlan(device, manifest, code, plan, initial,
                              { repeat = 1, wait = p => p } = {}) {
  const refusal = planRefusal(plan);
  if (refusal) throw new Error(refusal);
  const bufferWords = Object.fromEntries(plan.buffers.map(b => [b.name, b.words]));
  const kernel = await Megakernel.create(device, manifest, code, { constants: plan.constants, bufferWords });
  let best = null;
  for (let r = 0; r < repeat; ++r) {
    plan.buffers.forEach((b, i) => kernel.write(b.name, initial[i]));
    await wait(kernel.dispatch(plan.workgroups));
    const ms = await kernel.dispatchMilliseconds();
    if (ms !== null) best = best === null ? ms : Math.min(best, ms);
  }
  const finals = [];
  for (const b of plan.buffers) finals.push(await kernel.read(b.name));
  const { pipelineMs, entryPoints: entries } = kernel;
  kernel.destroy();
  return { finals, milliseconds: best, pipelineMs, entryPoints: entries };
}

export class Megakernel {
  /// `constants`: override values by spec id ({"0": 1024, ...}; the
  /// manifest's spec_constants name them); `bufferWords`: the size of each
  /// binding by name (default the manifest's `words`; runtime-sized
  /// bindings and a larger ring need it).
  static async create(device, manifest, code, { constants = {}, bufferWords = {} } = {}) {
    const k = new Megakernel();
    k.device = device;
    k.buffers = new Map();
    const groups = new Map();
    for (const b of manifest.bindings) {
      const words = bufferWords[b.name] ?? b.words;
      if (!Number.isInteger(words) || words < 1)
        throw new Error(`binding '${b.name}': no size (a runtime-sized binding needs bufferWords)`);
      const buffer = device.createBuffer({
        label: b.name, size: words * 4,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
      });
      k.buffers.set(b.name, { buffer, words });
      if (!groups.has(b.set)) groups.set(b.set, []);
      groups.get(b.set).push({ binding: b, buffer });
    }
    // An explicit layout of every binding: a shard's entry point need not
    // use them all, and 'auto' layouts would differ between shards.
    const maxGroup = Math.max(-1, ...groups.keys());
    const layouts = [];
    k.bindGroups = [];
    for (let set = 0; set <= maxGroup; ++set) {
      const entries = groups.get(set) ?? [];
      const layout = device.createBindGroupLayout({
        entries: entries.map(({ binding }) => ({
          binding: binding.binding, visibility: GPUShaderStage.COMPUTE,
          buffer: { type: binding.access === 'read' ? 'read-only-storage' : 'storage' },
        })),
      });
      layouts.push(layout);
      k.bindGroups.push(device.createBindGroup({
        layout, entries: entries.map(({ binding, buffer }) => ({ binding: binding.binding, resource: { buffer } })),
      }));
    }
    const start = performance.now();
    const module = device.createShaderModule({ code });
    const info = await module.getCompilationInfo();
    const errors = info.messages.filter(m => m.type === 'error');
    if (errors.length)
      throw new Error(errors.map(m => `WGSL:${m.lineNum}:${m.linePos}: ${m.message}`).join('\n'));
    const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: layouts });
    k.entryPoints = entryPoints(manifest, constants);
    k.pipelines = await Promise.all(k.entryPoints.map(entryPoint =>
      device.createComputePipelineAsync({ layout: pipelineLayout, compute: { module, entryPoint, constants } })));
    k.pipelineMs = performance.now() - start;
    if (device.features.has('timestamp-query')) {
      k.querySet = device.createQuerySet({ type: 'timestamp', count: 2 });
      k.queryResolve = device.createBuffer({ size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
      k.queryRead = device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    }
    return k;
  }

  words(name) { return this.#binding(name).words; }

  #binding(name) {
    const b = this.buffers.get(name);
    if (!b) throw new Error(`no binding '${name}'`);
    return b;
  }

  /// Writes `words` (a Uint32Array) into binding `name` from word `at`.
  /// Queue writes are ordered before the next dispatch submitted after them.
  write(name, words, at = 0) {
    const { buffer } = this.#binding(name);
    const step = WRITE_CHUNK_BYTES / 4;
    for (let off = 0; off < words.length; off += step)
      this.device.queue.writeBuffer(buffer, (at + off) * 4, words, off, Math.min(step, words.length - off));
  }

  /// Submits one dispatch of every entry point, `workgroups` workgroups
  /// each, in one compute pass (between the dispatches of a pass WebGPU
  /// orders storage writes, so shards run one after the other here; each
  /// claims only its own opcodes, docs/protocol.md "Shards").
  dispatch(workgroups) {
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass(this.querySet
      ? { timestampWrites: { querySet: this.querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } }
      : {});
    this.bindGroups.forEach((group, set) => pass.setBindGroup(set, group));
    for (const pipeline of this.pipelines) {
      pass.setPipeline(pipeline);
      pass.dispatchWorkgroups(workgroups);
    }
    pass.end();
    if (this.querySet) {
      encoder.resolveQuerySet(this.querySet, 0, 2, this.queryResolve, 0);
      encoder.copyBufferToBuffer(this.queryResolve, 0, this.queryRead, 0, 16);
    }
    this.device.queue.submit([encoder.finish()]);
    return this.device.queue.onSubmittedWorkDone();
  }

  /// The last dispatch's GPU time in ms from timestamp queries, or null
  /// without `timestamp-query`. Call after its dispatch() resolved.
  async dispatchMilliseconds() {
    if (!this.querySet) return null;
    await this.queryRead.mapAsync(GPUMapMode.READ);
    const [begin, end] = new BigUint64Array(this.queryRead.getMappedRange().slice(0));
    this.queryRead.unmap();
    return Number(end - begin) / 1e6;
  }

  /// The words of binding `name`, read back after the work submitted so far.
  async read(name) {
    const { buffer, words } = this.#binding(name);
    const staging = this.device.createBuffer({ size: words * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const encoder = this.device.createCommandEncoder();
    encoder.copyBufferToBuffer(buffer, 0, staging, 0, words * 4);
    this.device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const out = new Uint32Array(staging.getMappedRange().slice(0));
    staging.destroy();
    return out;
  }

  destroy() {
    for (const { buffer } of this.buffers.values()) buffer.destroy();
    this.querySet?.destroy();
  }
}
