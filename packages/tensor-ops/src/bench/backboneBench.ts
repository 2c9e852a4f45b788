// `pnpm bench` (tensor-ops): forward and forward+backward time of a VGG-like teacher backbone and a
// small student on one 1×3×300×400 image, on the active backend, next to PyTorch CPU in the same run.
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { Bench } from 'tinybench';
import { initBackend } from '../backend/initBackend.js';
import { runReference, torchAvailable } from '../testing/runReference.js';

const ARCHS = { teacher: [64, 128, 256, 512, 512], student: [16, 32, 64, 128] } as const;
const RUNS = Number(process.env.KD_BENCH_RUNS ?? 5);

interface Net {
  readonly weights: tf.Variable[];
  readonly biases: tf.Variable[];
}

function buildNet(channels: readonly number[]): Net {
  let cin = 3;
  const weights: tf.Variable[] = [];
  const biases: tf.Variable[] = [];
  channels.forEach((c, i) => {
    const std = Math.sqrt(2 / (9 * cin));
    weights.push(tf.variable(tf.randomNormal([3, 3, cin, c], 0, std, 'float32', 1 + i)));
    biases.push(tf.variable(tf.zeros([c])));
    cin = c;
  });
  return { weights, biases };
}

function forward(net: Net, x: tf.Tensor4D): tf.Tensor4D {
  let h = x;
  net.weights.forEach((w, i) => {
    h = tf.relu(tf.add(tf.conv2d(h, w as tf.Tensor4D, 1, 'same'), net.biases[i]!)) as tf.Tensor4D;
    if (i < 4) h = tf.maxPool(h, 2, 2, 'valid');
  });
  return h;
}

async function main(): Promise<void> {
  const info = await initBackend();
  const x = tf.randomNormal([1, 300, 400, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
  const bench = new Bench({ iterations: RUNS, warmupIterations: 1, time: 0, warmupTime: 0 });
  const nets: Record<string, Net> = {};
  for (const [name, channels] of Object.entries(ARCHS)) {
    const net = buildNet(channels);
    nets[name] = net;
    bench.add(`${name} forward`, () => {
      tf.tidy(() => forward(net, x).dataSync());
    });
    bench.add(`${name} forward+backward`, () => {
      const vars = [...net.weights, ...net.biases];
      const { value, grads } = tf.variableGrads(() => tf.sum(forward(net, x)), vars);
      // Reading every gradient back forces the backward pass to complete.
      for (const g of Object.values(grads)) g.dataSync();
      tf.dispose([value, ...Object.values(grads)]);
    });
  }
  const before = tf.memory().numTensors;
  await bench.run();
  const leaked = tf.memory().numTensors - before;

  let reference: Record<string, { forward: number; forwardBackward: number }> | undefined;
  let refNote =
    'PyTorch reference skipped: /usr/bin/python3 cannot import torch (apt-get install python3-torch)';
  if (torchAvailable()) {
    const script = fileURLToPath(new URL('../../bench/backbone_reference.py', import.meta.url));
    const ref = runReference<Record<string, unknown>>(script, ['2', String(RUNS)]);
    reference = ref as typeof reference;
    refNote = `PyTorch ${String(ref.torch)} CPU, ${String(ref.threads)} threads`;
  }

  const rows: string[][] = [];
  for (const task of bench.tasks) {
    const [model, pass] = task.name.split(' ') as [string, string];
    const result = task.result as { latency?: { p50?: number } };
    const ours = result.latency?.p50 ?? Number.NaN;
    const refMs = reference?.[model]?.[pass === 'forward' ? 'forward' : 'forwardBackward'];
    rows.push([
      model,
      pass,
      ours.toFixed(1),
      refMs === undefined ? '—' : refMs.toFixed(1),
      refMs === undefined ? '—' : `${(ours / refMs).toFixed(2)}×`,
    ]);
  }
  const wasm = info.wasm
    ? ` (SIMD ${info.wasm.simd ? 'on' : 'off'}, threads ${info.wasm.threads ? 'on' : 'off'})`
    : '';
  console.log(`Backbone benchmark, one 1×3×300×400 image, median of ${RUNS} runs after 1 warm-up`);
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}; tfjs ${info.tfjsVersion} backend ${info.name}${wasm}; ${refNote}`,
  );
  const header = ['model', 'pass', `tfjs-${info.name} ms`, 'PyTorch ms', 'ratio'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(fmt(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(fmt(r));
  console.log(`tensors leaked across the benchmark: ${leaked}`);
  for (const net of Object.values(nets)) tf.dispose([...net.weights, ...net.biases]);
  x.dispose();
}

await main();
