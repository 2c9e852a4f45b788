// The README's custom-stack snippet, run as written (plus a context to feed it).
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { useCpu } from '@kd/tensor-ops/testing';
import * as tf from '@tensorflow/tfjs-core';
import {
  cosineWarmup,
  type DistillContext,
  linear,
  lossStack,
  lossTerm,
  paperObjective,
} from './index.js';

before(useCpu);

test('README: paper objective + a user-written feature loss', () => {
  const r = (shape: number[], s: number) => tf.randomNormal(shape, 0, 1, 'float32', s);
  const ctx: DistillContext = {
    student: {
      rpnLogits: r([8], 1) as tf.Tensor1D,
      rpnDeltas: r([8, 4], 2) as tf.Tensor2D,
      rcnLogits: r([5, 3], 3) as tf.Tensor2D,
      rcnDeltas: r([5, 12], 4) as tf.Tensor2D,
      adaptedFeatures: r([1, 2, 2, 3], 5),
    },
    teacher: {
      rpnLogits: r([8], 6) as tf.Tensor1D,
      rpnDeltas: r([8, 4], 7) as tf.Tensor2D,
      rcnLogits: r([5, 3], 8) as tf.Tensor2D,
      rcnDeltas: r([5, 12], 9) as tf.Tensor2D,
      features: r([1, 2, 2, 3], 10),
    },
    targets: {
      rpnLabels: tf.tensor1d([1, 0, 0, -1, 1, 0, 0, -1], 'int32'),
      rpnTargets: r([8, 4], 11) as tf.Tensor2D,
      rcnLabels: tf.tensor1d([2, 0, 1, 0, -1], 'int32'),
      rcnTargets: r([5, 4], 12) as tf.Tensor2D,
    },
  };
  const step = 1000;
  const before = tf.memory().numTensors;

  const attention = lossTerm('attention', (ctx: DistillContext) =>
    tf.tidy(() => {
      const a = (x: tf.Tensor) => tf.mean(tf.square(x), -1); // [B, H, W] attention maps
      return tf.mean(
        tf.square(tf.sub(a(ctx.student.adaptedFeatures!), a(ctx.teacher.features!))),
      ) as tf.Scalar;
    }),
  );
  const objective = lossStack<DistillContext>([
    ...paperObjective({ mu: linear({ from: 1, to: 0.5, endStep: 2000 }) }).terms,
    { term: attention, weight: cosineWarmup({ to: 0.1, warmupSteps: 500 }) },
  ]);
  const { total, components } = objective.evaluate(ctx, step);

  assert.ok(components.attention !== undefined && components.hint !== undefined);
  assert.equal(objective.weightsAt(step).rcn_cls, 0.75);
  let expected = 0;
  const w = objective.weightsAt(step);
  for (const [k, v] of Object.entries(components)) expected += w[k]! * v.dataSync()[0]!;
  assert.ok(Math.abs(total.dataSync()[0]! - expected) < 1e-4 * Math.max(1, Math.abs(expected)));
  tf.dispose([total, components]);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose(ctx as unknown as tf.TensorContainer);
});
