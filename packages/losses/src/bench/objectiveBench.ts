// Benchmark: the paper objective's value and gradients at training-batch sizes.
// Run: pnpm --filter @kd/losses bench  (node dist/bench/objectiveBench.js)
import { initBackend } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import type { DistillContext } from '../distillContext.js';
import { paperObjective } from '../presets/paperObjective.js';

const M = 2048; // 8 images × 256 sampled anchors
const N = 1024; // 8 images × 128 sampled RoIs
const C = 21; // VOC classes + background
const HINT = [8, 19, 25, 256]; // student-scale hint map

function labels(k: number, classes: number, seed: number): tf.Tensor1D {
  return tf.tidy(() =>
    tf.sub(tf.floor(tf.mul(tf.randomUniform([k], 0, 1, 'float32', seed), classes + 1)), 1),
  ) as tf.Tensor1D;
}

async function run(backend: 'wasm' | 'cpu'): Promise<void> {
  await initBackend({ backend });
  const r = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);
  const ctx: DistillContext = {
    student: {
      rpnLogits: r([M, 2], 1) as tf.Tensor2D,
      rpnDeltas: r([M, 4], 2) as tf.Tensor2D,
      rcnLogits: r([N, C], 3) as tf.Tensor2D,
      rcnDeltas: r([N, 4 * C], 4) as tf.Tensor2D,
      adaptedFeatures: r(HINT, 5),
    },
    teacher: {
      rpnLogits: r([M, 2], 6) as tf.Tensor2D,
      rpnDeltas: r([M, 4], 7) as tf.Tensor2D,
      rcnLogits: r([N, C], 8) as tf.Tensor2D,
      rcnDeltas: r([N, 4 * C], 9) as tf.Tensor2D,
      features: r(HINT, 10),
    },
    targets: {
      rpnLabels: labels(M, 1, 11),
      rpnTargets: r([M, 4], 12) as tf.Tensor2D,
      rcnLabels: labels(N, C - 1, 13),
      rcnTargets: r([N, 4], 14) as tf.Tensor2D,
    },
  };
  const stack = paperObjective();
  const xs = [
    ctx.student.rpnLogits,
    ctx.student.rpnDeltas,
    ctx.student.rcnLogits,
    ctx.student.rcnDeltas,
    ctx.student.adaptedFeatures!,
  ];
  const step = () => {
    const { value, grads } = tf.valueAndGrads((...a: tf.Tensor[]) => {
      const c: DistillContext = {
        ...ctx,
        student: {
          rpnLogits: a[0] as tf.Tensor2D,
          rpnDeltas: a[1] as tf.Tensor2D,
          rcnLogits: a[2] as tf.Tensor2D,
          rcnDeltas: a[3] as tf.Tensor2D,
          adaptedFeatures: a[4]!,
        },
      };
      const out = stack.evaluate(c);
      tf.dispose(out.components);
      return out.total;
    })(xs);
    value.dataSync();
    tf.dispose([value, grads]);
  };
  step(); // warm-up
  const times: number[] = [];
  const before = tf.memory().numTensors;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${backend}: paper objective value+grad, M=${M} N=${N} C=${C} hint [${HINT}]: median ${times[2]!.toFixed(1)} ms ` +
      `(min ${times[0]!.toFixed(1)}), tensors leaked per step: ${(tf.memory().numTensors - before) / 5}`,
  );
  tf.dispose(ctx as unknown as tf.TensorContainer);
}

for (const b of ['wasm', 'cpu'] as const) await run(b);
