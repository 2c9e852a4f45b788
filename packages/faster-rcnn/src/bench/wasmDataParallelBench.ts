// `pnpm bench` (faster-rcnn): what data-parallel training would give on wasm, which runs on one
// thread in Node. The benchmark's models compute the gradients of a batch-8 training step in one
// process, and of the same batch split in two halves in two processes at once (each its own wasm
// backend and model replica); the gradients come back to the parent, which sums them in a fixed
// order. The two set-ups alternate in the same run, so that the machine's load hits both alike.
//
// Reported per set-up: wall time, each process's CPU time for its gradients (forward + backward;
// the optimiser update, the same in both designs, is left out), and the cost of moving the
// gradients: read-back and packing in the replica, a round trip of that buffer to a worker thread
// as a transferable (how `worker_threads` replicas would move it), the fixed-order sum, and turning
// the sum back into tensors. On a machine whose cores are busy with other work the wall time of
// the split says little; the CPU times and the moving costs give the estimate for two idle cores:
// CPU of the whole batch ÷ (CPU of the slower half + moving).
import { type ChildProcess, fork } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createRng, initBackend } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { rectangles } from '../internal/testing.js';
import { FasterRcnn } from '../model/FasterRcnn.js';
import { median } from '../testing/median.js';
import { markdownTable as table } from '../testing.js';
import { packTensors, unpackTensors } from '../train/packTensors.js';
import { BENCH_IMAGE_SIZE, benchConfigs } from './benchModels.js';

const RUNS = Number(process.env.KD_BENCH_RUNS ?? 3);
const BATCH = 8;
type ModelName = 'teacher' | 'student';

interface StepRequest {
  readonly model: ModelName;
  readonly first: number;
  readonly count: number;
}
interface StepReply {
  readonly grads: Float32Array;
  /** Wall ms of forward + backward (gradients read back). */
  readonly gradMs: number;
  /** Process CPU ms over the same span. */
  readonly cpuMs: number;
  /** Wall ms to read every gradient back and pack them into one array. */
  readonly packMs: number;
  /** Wall ms to turn a packed gradient back into one tensor per variable (the summed gradient's way back). */
  readonly unpackMs: number;
  /** Wall ms inside each convolution kernel during the gradient computation (outermost calls). */
  readonly kernelMs: Readonly<Record<string, number>>;
  /** `Date.now()` when the reply was sent, to time the transfer. */
  readonly sentAt: number;
}

/** The convolution kernels whose share of a step is reported. */
const TIMED_KERNELS = ['Conv2D', 'FusedConv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'];

/**
 * Wraps the wasm kernels named in {@link TIMED_KERNELS} so that their wall time accumulates in
 * `into` (wasm kernels run synchronously). Calls made from inside another timed kernel (kd's
 * gradient composites run forward convolutions) count only towards the outer one.
 */
function timeKernels(into: Record<string, number>): void {
  let depth = 0;
  for (const name of TIMED_KERNELS) {
    const original = tf.getKernel(name, 'wasm');
    if (original === undefined) continue;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({
      ...original,
      kernelFunc: (args) => {
        depth++;
        const t0 = performance.now();
        try {
          return original.kernelFunc(args);
        } finally {
          depth--;
          if (depth === 0) into[name] = (into[name] ?? 0) + performance.now() - t0;
        }
      },
    });
  }
}

/** Child: holds one replica of each model and the whole batch; computes gradients on request. */
async function child(): Promise<void> {
  await initBackend({ backend: 'wasm' });
  const kernelMs: Record<string, number> = {};
  timeKernels(kernelMs);
  const configs = benchConfigs();
  const models = {
    teacher: new FasterRcnn(configs.teacher),
    student: new FasterRcnn(configs.student),
  };
  const size = BENCH_IMAGE_SIZE;
  const { raw, targets } = rectangles(BATCH, size, 2017);
  const metas = raw.map(() => ({
    height: size,
    width: size,
    scale: 1,
    originalHeight: size,
    originalWidth: size,
  }));
  process.on('message', (msg: StepRequest) => {
    const model = models[msg.model];
    const flat = new Float32Array(msg.count * size * size * 3);
    for (let i = 0; i < msg.count; i++) flat.set(raw[msg.first + i]!, i * size * size * 3);
    const rawImages = tf.tensor4d(flat, [msg.count, size, size, 3]);
    const images = model.normalize(rawImages);
    rawImages.dispose();
    const batch = {
      images,
      metas: metas.slice(msg.first, msg.first + msg.count),
      targets: targets.slice(msg.first, msg.first + msg.count),
    };
    const vars = model.trainableVariables();
    for (const k of Object.keys(kernelMs)) delete kernelMs[k];
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const { value, grads } = tf.variableGrads(() => {
      const f = model.forwardTrain(batch, createRng(msg.first + 1));
      return tf.addN(Object.values(f.losses)) as tf.Scalar;
    }, vars);
    const list = vars.map((v) => grads[v.name]!);
    for (const g of list) g.dataSync();
    const gradMs = performance.now() - t0;
    const c = process.cpuUsage(c0);
    const t1 = performance.now();
    const out = packTensors(list);
    const packMs = performance.now() - t1;
    const t2 = performance.now();
    const back = unpackTensors(
      out,
      list.map((g) => g.shape),
    );
    const unpackMs = performance.now() - t2;
    tf.dispose([value, images, ...list, ...back]);
    const reply: StepReply = {
      grads: out,
      gradMs,
      cpuMs: (c.user + c.system) / 1000,
      packMs,
      unpackMs,
      kernelMs: { ...kernelMs },
      sentAt: Date.now(),
    };
    process.send!(reply);
  });
  process.send!('ready');
}

function start(): Promise<ChildProcess> {
  const p = fork(fileURLToPath(import.meta.url), ['--child'], { serialization: 'advanced' });
  return new Promise((resolve, reject) => {
    p.once('message', (m) => (m === 'ready' ? resolve(p) : reject(new Error(String(m)))));
    p.once('error', reject);
  });
}

function ask(p: ChildProcess, req: StepRequest): Promise<StepReply & { receivedAt: number }> {
  return new Promise((resolve) => {
    p.once('message', (m) => resolve({ ...(m as StepReply), receivedAt: Date.now() }));
    p.send(req);
  });
}

interface Measured {
  wall: number;
  cpu: number[];
  grad: number[];
  pack: number;
  unpack: number;
  /** Transfer between processes (a pipe, structured clone): the upper bound. */
  transfer: number;
  sum: number;
  size: number;
  kernelMs: Readonly<Record<string, number>>;
}

/** One step: `parts` processes at once, each a contiguous share of the batch; fixed-order sum. */
async function step(procs: readonly ChildProcess[], model: ModelName): Promise<Measured> {
  const per = BATCH / procs.length;
  const t0 = performance.now();
  const replies = await Promise.all(
    procs.map((p, i) => ask(p, { model, first: i * per, count: per })),
  );
  const t1 = performance.now();
  // Fixed order: process 0's gradients, then process 1's, whatever order they arrived in.
  const sum = new Float32Array(replies[0]!.grads);
  for (const r of replies.slice(1)) {
    const g = r.grads;
    for (let i = 0; i < sum.length; i++) sum[i]! += g[i]!;
  }
  const sumMs = performance.now() - t1;
  return {
    wall: t1 - t0 + sumMs,
    cpu: replies.map((r) => r.cpuMs),
    grad: replies.map((r) => r.gradMs),
    pack: Math.max(...replies.map((r) => r.packMs)),
    unpack: Math.max(...replies.map((r) => r.unpackMs)),
    transfer: Math.max(...replies.map((r) => r.receivedAt - r.sentAt)),
    sum: sumMs,
    size: sum.length,
    kernelMs: replies[0]!.kernelMs,
  };
}

/**
 * Round trip of a `floats`-long Float32Array to a worker thread and back, as a transferable (how
 * `worker_threads` replicas would move gradients: the buffer changes owner, nothing is copied).
 */
async function threadRoundTrip(floats: number): Promise<number> {
  const w = new Worker(
    "require('node:worker_threads').parentPort.on('message', (m) => require('node:worker_threads').parentPort.postMessage(m, [m.buffer]))",
    { eval: true },
  );
  const once = (buf: Float32Array) =>
    new Promise<Float32Array>((resolve) => {
      w.once('message', resolve);
      w.postMessage(buf, [buf.buffer as ArrayBuffer]);
    });
  let buf = await once(new Float32Array(floats));
  const times: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    buf = await once(buf);
    times.push(performance.now() - t0);
  }
  await w.terminate();
  return median(times);
}

async function main(): Promise<void> {
  const load0 = loadavg();
  const [a, b] = await Promise.all([start(), start()]);
  console.log(
    `wasm data-parallel estimate: Faster R-CNN bench models, ${BENCH_IMAGE_SIZE} px, batch ${BATCH} in one process vs 4 + 4 in two processes at once; median of ${RUNS} alternated runs after a warm-up`,
  );
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}; load average at start ${load0.map((l) => l.toFixed(2)).join(' ')}`,
  );
  const rows: string[][] = [];
  const shareRows: string[][] = [];
  for (const model of ['student', 'teacher'] as const) {
    await step([a!], model); // warm-up: XNNPACK operators, heap growth
    await step([a!, b!], model);
    const one: Measured[] = [];
    const two: Measured[] = [];
    for (let r = 0; r < RUNS; r++) {
      if (r % 2 === 0) {
        one.push(await step([a!], model));
        two.push(await step([a!, b!], model));
      } else {
        two.push(await step([a!, b!], model));
        one.push(await step([a!], model));
      }
    }
    const m = (xs: Measured[], f: (x: Measured) => number) => median(xs.map(f));
    const oneCpu = m(one, (x) => x.cpu[0]!);
    const halfCpu = m(two, (x) => Math.max(...x.cpu));
    const threadTrip = await threadRoundTrip(two[0]!.size);
    // Each replica packs its gradient, hands it over, the sum comes back, each unpacks it.
    const moving = m(two, (x) => x.pack + x.sum + x.unpack) + threadTrip;
    const estimate = halfCpu + moving;
    const gradWall = m(one, (x) => x.grad[0]!);
    const k = (name: string) => m(one, (x) => x.kernelMs[name] ?? 0);
    const fwd = k('Conv2D') + k('FusedConv2D');
    const dx = k('Conv2DBackpropInput');
    const dw = k('Conv2DBackpropFilter');
    const pct = (v: number) => `${((100 * v) / gradWall).toFixed(0)}%`;
    shareRows.push([
      model,
      gradWall.toFixed(0),
      `${fwd.toFixed(0)} (${pct(fwd)})`,
      `${dx.toFixed(0)} (${pct(dx)})`,
      `${dw.toFixed(0)} (${pct(dw)})`,
      pct(dx + dw),
    ]);
    rows.push([
      model,
      m(one, (x) => x.wall).toFixed(0),
      oneCpu.toFixed(0),
      m(two, (x) => x.wall).toFixed(0),
      `${m(two, (x) => x.cpu[0]!).toFixed(0)} / ${m(two, (x) => x.cpu[1]!).toFixed(0)}`,
      `${(two[0]!.size / 1e6).toFixed(1)} M`,
      `${m(two, (x) => x.pack).toFixed(0)} + ${threadTrip.toFixed(0)} + ${m(two, (x) => x.sum).toFixed(0)} + ${m(two, (x) => x.unpack).toFixed(0)}`,
      m(two, (x) => x.transfer).toFixed(0),
      `${(m(one, (x) => x.wall) / m(two, (x) => x.wall)).toFixed(2)}×`,
      `${(oneCpu / estimate).toFixed(2)}×`,
    ]);
  }
  a!.kill();
  b!.kill();
  console.log(
    table(
      [
        'model',
        'forward + backward ms (1×8)',
        'conv forward ms',
        'conv dX ms',
        'conv dW ms',
        'conv gradients share',
      ],
      shareRows,
    ),
  );
  console.log(
    table(
      [
        'model',
        '1×8 wall ms',
        '1×8 CPU ms',
        '2×4 wall ms',
        '2×4 CPU ms (each)',
        'gradient floats',
        'moving ms (pack + thread round trip + sum + unpack)',
        'process pipe ms',
        'wall speed-up here',
        'estimate, 2 idle cores',
      ],
      rows,
    ),
  );
  console.log(
    `load average at end ${loadavg()
      .map((l) => l.toFixed(2))
      .join(
        ' ',
      )}; estimate = CPU of the whole batch ÷ (CPU of the slower half + moving); "process pipe": the same gradients sent between the processes (structured clone over IPC), which worker threads avoid`,
  );
}

if (process.argv.includes('--child')) await child();
else await main();
