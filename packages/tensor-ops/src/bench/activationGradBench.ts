/**
 * ReLU / ReLU6-gradient benchmark: on each available backend (KD_BENCH_BACKENDS, default every one
 * but cpu, which is a reference, not a training backend; add it explicitly), the gradient of each
 * activation (KD_BENCH_ACTIVATIONS, default `relu,relu6`) on the maps kd's training steps
 * differentiate (batch 8, 128 px), three ways, alternating within each run: tfjs-core's own
 * gradient (what `tf.relu` / `tf.relu6` run), kd's `KdReluGrad` / `KdRelu6Grad` kernel (what kd's
 * `relu` / `relu6` run), and kd's composite of public ops (the fallback for backends without a
 * kernel). Gradient only (the forward is not timed); every backend runs its kernels
 * synchronously, so no read-back is needed. Median ms of KD_BENCH_RUNS (default 9).
 *
 * Usage: `node dist/bench/activationGradBench.js` (part of `pnpm --filter @kd/tensor-ops bench`).
 */
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import type { MaskedActivation } from '../activations/maskedActivation.js';
import { registerReluKernels } from '../activations/relu.js';
import { registerRelu6Kernels } from '../activations/relu6.js';
import { RELU6_ACTIVATION } from '../activations/relu6GradKernels.js';
import { RELU_ACTIVATION } from '../activations/reluGradKernels.js';
import { testBackends } from '../backend/describeEachBackend.js';
import { type BackendName, initBackend } from '../backend/initBackend.js';

const RUNS = Number(process.env.KD_BENCH_RUNS ?? 9);

interface Case {
  readonly activation: MaskedActivation;
  readonly register: (backend: string) => string[];
  /** The maps: the largest inputs of this activation in kd's training steps. */
  readonly shapes: [number, number, number, number][];
  /** x ~ N(mean, std²): about as many inputs on each side of the mask's edges as in training. */
  readonly mean: number;
  readonly std: number;
}

const CASES: Record<string, Case> = {
  // VGG at 128 px: the shapes-teacher recipe (×0.125) at stride 1 and 2, the benchmark's
  // teacher (×0.5) at stride 1.
  relu: {
    activation: RELU_ACTIVATION,
    register: registerReluKernels,
    shapes: [
      [8, 128, 128, 8],
      [8, 64, 64, 16],
      [8, 128, 128, 32],
    ],
    mean: 0,
    std: 1,
  },
  // MobileNetV2's expanded maps at 128 px (stride 4, 8, 16).
  relu6: {
    activation: RELU6_ACTIVATION,
    register: registerRelu6Kernels,
    shapes: [
      [8, 64, 64, 96],
      [8, 32, 32, 144],
      [8, 16, 16, 384],
    ],
    mean: 3,
    std: 4,
  },
};

const VARIANTS = ['tfjs-core gradient', 'kd kernel', 'kd composite'] as const;

function list<T extends string>(env: string | undefined, all: readonly T[], fallback: T[]): T[] {
  if (env === undefined || env === '') return fallback;
  return env
    .split(',')
    .map((b) => b.trim() as T)
    .filter((b) => all.includes(b));
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function gradient(
  a: MaskedActivation,
  variant: (typeof VARIANTS)[number],
  dy: tf.Tensor,
  x: tf.Tensor,
): tf.Tensor {
  if (variant === 'kd kernel')
    return tf.engine().runKernel(a.gradKernelName, { dy, x }) as tf.Tensor;
  if (variant === 'kd composite') return a.composite(dy, x);
  const tfjs = tf.getGradient(a.forward)!;
  return tf.tidy(() => tfjs.gradFunc(dy, [x], {}).x!());
}

async function main(): Promise<void> {
  const load0 = loadavg();
  const all = testBackends();
  const backends = list<BackendName>(
    process.env.KD_BENCH_BACKENDS,
    all,
    all.filter((b) => b !== 'cpu'),
  );
  const names = Object.keys(CASES);
  const activations = list(process.env.KD_BENCH_ACTIVATIONS, names, names);
  const rows: string[] = [];
  for (const backend of backends) {
    const info = await initBackend({ backend });
    for (const name of activations) {
      const c = CASES[name]!;
      c.register(info.name);
      for (const shape of c.shapes) {
        const x = tf.tidy(() =>
          tf.add(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 1), c.std), c.mean),
        );
        const dy = tf.randomNormal(shape, 0, 1, 'float32', 2);
        const times: number[][] = VARIANTS.map(() => []);
        for (let r = 0; r <= RUNS; r++) {
          VARIANTS.forEach((v, i) => {
            const t0 = performance.now();
            const g = gradient(c.activation, v, dy, x);
            const ms = performance.now() - t0;
            g.dispose();
            if (r > 0) times[i]!.push(ms); // run 0 warms up
          });
        }
        const [tfjs, kd, composite] = times.map(median) as [number, number, number];
        rows.push(
          `| ${backend} | ${c.activation.gradKernelName} | ${shape.join('×')} | ${tfjs.toFixed(2)} | ${kd.toFixed(2)} | ${composite.toFixed(2)} | ${(tfjs / kd).toFixed(1)}× |`,
        );
        tf.dispose([x, dy]);
      }
    }
  }
  console.log(
    `Activation gradients, median ms of ${RUNS} (variants alternating); load average before ${load0.map((l) => l.toFixed(2)).join(' ')}, after ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(`| backend | kernel | map | ${VARIANTS.join(' ms | ')} ms | kd kernel speed-up |`);
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
}

await main();
