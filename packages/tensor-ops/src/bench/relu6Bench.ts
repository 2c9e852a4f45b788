/**
 * ReLU6-gradient benchmark: on each available backend (KD_BENCH_BACKENDS, default every one but
 * cpu, which is a reference, not a training backend; add it explicitly), the gradient of ReLU6 on
 * the maps a MobileNetV2 training step (batch 8, 128 px) differentiates, three ways, alternating
 * within each run: tfjs-core's own `Relu6` gradient (what `tf.relu6` runs), kd's
 * `KdRelu6Grad` kernel (what kd's `relu6` runs), and kd's composite of public ops (the fallback
 * for backends without a kernel). Gradient only (the forward is not timed); every backend runs its
 * kernels synchronously, so no read-back is needed. Median ms of KD_BENCH_RUNS (default 9).
 *
 * Usage: `node dist/bench/relu6Bench.js` (part of `pnpm --filter @kd/tensor-ops bench`).
 */
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { KD_RELU6_GRAD, registerRelu6Kernels } from '../activations/relu6.js';
import { relu6GradComposite } from '../activations/relu6GradKernels.js';
import { testBackends } from '../backend/describeEachBackend.js';
import { type BackendName, initBackend } from '../backend/initBackend.js';

const RUNS = Number(process.env.KD_BENCH_RUNS ?? 9);
/** Expanded maps of MobileNetV2 at 128 px (stride 4, 8, 16), the largest ReLU6 inputs. */
const SHAPES: [number, number, number, number][] = [
  [8, 64, 64, 96],
  [8, 32, 32, 144],
  [8, 16, 16, 384],
];
const VARIANTS = ['tfjs-core gradient', 'kd KdRelu6Grad', 'kd composite'] as const;

function backends(): BackendName[] {
  const asked = process.env.KD_BENCH_BACKENDS;
  const all = testBackends();
  if (asked === undefined || asked === '') return all.filter((b) => b !== 'cpu');
  return asked
    .split(',')
    .map((b) => b.trim() as BackendName)
    .filter((b) => all.includes(b));
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function gradient(variant: (typeof VARIANTS)[number], dy: tf.Tensor, x: tf.Tensor): tf.Tensor {
  if (variant === 'kd KdRelu6Grad')
    return tf.engine().runKernel(KD_RELU6_GRAD, { dy, x }) as tf.Tensor;
  if (variant === 'kd composite') return relu6GradComposite(dy, x);
  const tfjs = tf.getGradient('Relu6')!;
  return tf.tidy(() => tfjs.gradFunc(dy, [x], {}).x!());
}

async function main(): Promise<void> {
  const load0 = loadavg();
  const rows: string[] = [];
  for (const backend of backends()) {
    const info = await initBackend({ backend });
    registerRelu6Kernels(info.name);
    for (const shape of SHAPES) {
      const x = tf.tidy(() => tf.add(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 1), 4), 3));
      const dy = tf.randomNormal(shape, 0, 1, 'float32', 2);
      const times: number[][] = VARIANTS.map(() => []);
      for (let r = 0; r <= RUNS; r++) {
        VARIANTS.forEach((v, i) => {
          const t0 = performance.now();
          const g = gradient(v, dy, x);
          const ms = performance.now() - t0;
          g.dispose();
          if (r > 0) times[i]!.push(ms); // run 0 warms up
        });
      }
      const [tfjs, kd, composite] = times.map(median) as [number, number, number];
      rows.push(
        `| ${backend} | ${shape.join('×')} | ${tfjs.toFixed(2)} | ${kd.toFixed(2)} | ${composite.toFixed(2)} | ${(tfjs / kd).toFixed(1)}× |`,
      );
      tf.dispose([x, dy]);
    }
  }
  console.log(
    `ReLU6 gradient, median ms of ${RUNS} (variants alternating); load average before ${load0.map((l) => l.toFixed(2)).join(' ')}, after ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(`| backend | map | ${VARIANTS.join(' ms | ')} ms | kd kernel speed-up |`);
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
}

await main();
