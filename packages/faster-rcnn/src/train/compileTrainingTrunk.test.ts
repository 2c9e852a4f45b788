import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '@kd/tensor-ops';
import { describeEachBackend, noLeakSync } from '@kd/tensor-ops/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import { rectangleBatch, tinyConfig } from '../internal/testing.js';
import { FasterRcnn } from '../model/FasterRcnn.js';
import { compileTrainingTrunk } from './compileTrainingTrunk.js';
import { computeGradients } from './computeGradients.js';

const VGG = tinyConfig();
/** Frozen batch norm folded on the tape, the stem frozen (folded once, held by the graphs). */
const MOBILENET = tinyConfig({
  backbone: {
    name: 'mobilenetv2',
    widthMultiplier: 0.25,
    outputStride: 8,
    frozenBatchNorm: true,
    frozenStages: 1,
  },
});

const maxRelDiff = (a: tf.Tensor, b: tf.Tensor): number =>
  tf.tidy(() => {
    const scale = tf.max(tf.abs(a)).dataSync()[0]!;
    return tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]! / Math.max(scale, 1e-30);
  });

describeEachBackend('compileTrainingTrunk', (backend) => {
  if (backend !== 'tensorflow') {
    test('is an error naming the backend it needs', () => {
      const model = new FasterRcnn(VGG);
      const r = compileTrainingTrunk(model);
      model.dispose();
      assert.ok(E.isLeft(r));
      assert.match(r.left, /tensorflow/);
    });
    return;
  }

  for (const [name, config, tolerance] of [
    // VGG's gradients come out equal to the bit here; the bound leaves room for other builds.
    ['vgg16', VGG, 1e-5],
    // ReLU6 of a value within rounding of 0 or 6 passes or stops a gradient: the batch norm
    // folded on the tape (eager) or by TensorFlow's constant folding (graph) moves such values
    // by an ulp, as running the same backbone unfolded does (same order of difference).
    ['mobilenetv2', MOBILENET, 2e-2],
  ] as const) {
    test(`${name}: a training step's losses and gradients equal the op-by-op trunk's, leak-free`, () => {
      const batch = rectangleBatch(2, 64, 5);
      const model = new FasterRcnn(config);
      const layer = model.backbone.layers[1]!.name;
      const compiled = compileTrainingTrunk(model);
      assert.ok(E.isRight(compiled), E.isLeft(compiled) ? compiled.left : '');
      const step = (withCompiled: boolean) =>
        computeGradients(model, batch, {
          rng: createRng(7),
          collect: [layer],
          loss: (f) => ({
            ...f.losses,
            // The collected layer must carry its gradient too (hints train through it).
            hint: tf.mean(tf.square(f.features[layer]!)) as tf.Scalar,
          }),
          ...(withCompiled ? { trainingTrunk: compiled.right.run } : {}),
        });
      const want = step(false);
      const got = step(true); // compiles the graphs
      assert.equal(compiled.right.graphs, 1);
      for (const [k, v] of Object.entries(want.losses))
        assert.ok(
          Math.abs(got.losses[k]! - v) <= 1e-5 * Math.abs(v),
          `${k}: ${got.losses[k]} vs ${v}`,
        );
      assert.deepEqual(Object.keys(got.grads).sort(), Object.keys(want.grads).sort());
      const trunkGrads = Object.keys(want.grads).filter((k) => /^(backbone|rpn)\//.test(k));
      assert.ok(trunkGrads.length > 6);
      for (const k of Object.keys(want.grads)) {
        const d = maxRelDiff(want.grads[k]!, got.grads[k]!);
        assert.ok(d <= tolerance, `${k}: relative difference ${d}`);
      }
      tf.dispose([...Object.values(want.grads), ...Object.values(got.grads)]);
      noLeakSync(() => tf.dispose(Object.values(step(true).grads)));
      assert.equal(compiled.right.graphs, 1, 'the same shape reuses its graphs');
      compiled.right.dispose();
      model.dispose();
      batch.images.dispose();
    });
  }

  test('a frozen weight reassigned (a checkpoint loaded) is compiled again; one graph per shape, the oldest closed', () => {
    const model = new FasterRcnn(MOBILENET);
    const frozen = model.params
      .entries()
      .find(([n]) => n.startsWith('backbone/stem/') && !model.params.isTrainable(n))!;
    assert.ok(frozen, 'the stem is frozen');
    const compiled = compileTrainingTrunk(model, { maxGraphs: 2 });
    assert.ok(E.isRight(compiled));
    const c = compiled.right;
    const images = tf.randomUniform([2, 32, 32, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
    const agrees = () =>
      tf.tidy(() =>
        maxRelDiff(
          model.backbone.forward(images, { training: true }).output,
          c.run(images, []).featureMap,
        ),
      );
    assert.ok(agrees() < 1e-5);
    frozen[1].assign(tf.tidy(() => tf.mul(frozen[1], -2)));
    assert.ok(agrees() < 1e-5, 'the graphs see the new frozen weight');
    assert.equal(c.graphs, 1);
    for (const size of [40, 48, 32]) {
      const other = tf.zeros([1, size, size, 3]) as tf.Tensor4D;
      assert.ok(E.isRight(c.prepare(other, [])));
      other.dispose();
    }
    assert.equal(c.graphs, 2);
    c.dispose();
    assert.throws(() => c.run(images, []), /disposed/);
    images.dispose();
    model.dispose();
  });

  test('refuses a backbone that updates batch-norm statistics, and one with nothing to train', () => {
    const training = new FasterRcnn(
      tinyConfig({ backbone: { name: 'mobilenetv2', widthMultiplier: 0.25, outputStride: 8 } }),
    );
    const c = compileTrainingTrunk(training);
    assert.ok(E.isRight(c));
    const images = tf.randomUniform([1, 32, 32, 3], -1, 1, 'float32', 2) as tf.Tensor4D;
    const statistics = () =>
      training.params
        .entries()
        .filter(([n]) => /mean|variance/.test(n))
        .map(([, v]) => Array.from(v.dataSync()));
    const stats = statistics();
    const before = tf.memory().numTensors;
    const r = c.right.prepare(images, []);
    assert.ok(E.isLeft(r));
    assert.match(r.left, /assigned variable 'backbone\/.*(mean|variance)/);
    assert.throws(() => c.right.run(images, []), /assigned variable/);
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(statistics(), stats, 'trying left the running statistics as they were');
    c.right.dispose();
    training.dispose();
    const allFrozen = new FasterRcnn(VGG);
    allFrozen.params.freeze(allFrozen.params.names());
    const none = compileTrainingTrunk(allFrozen);
    assert.ok(E.isLeft(none));
    assert.match(none.left, /no backbone or RPN weight is trainable/);
    allFrozen.dispose();
    images.dispose();
  });
});
