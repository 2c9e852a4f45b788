import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { createRng } from '@kd/tensor-ops';
import { describeEachBackend, useActivationGradient } from '@kd/tensor-ops/testing';
import * as tf from '@tensorflow/tfjs-core';
import { rectangleBatch, tinyConfig } from '../internal/testing.js';
import { FasterRcnn } from '../model/FasterRcnn.js';
import { trainStep } from './trainStep.js';

// kd's ReLU layers (VGG / AlexNet / ResNet backbones, RPN conv, box-head fcs) differentiate through
// kd's fused `KdReluGrad`. Seeded experiments were measured with tfjs-core's `dy · step(x)`: the
// fused kernel must give the same training, bit for bit (a zero's sign aside).

const BACKBONES = [
  { name: 'vgg16', widthMultiplier: 0.0625, outputStride: 8 },
  { name: 'alexnet-tucker', widthMultiplier: 0.125, outputStride: 8 },
  { name: 'resnet18', widthMultiplier: 0.125 },
] as const;

/** Bits of every value, −0 read as +0 (the one difference allowed). */
const bits = (t: tf.Tensor): number[] =>
  Array.from(new Int32Array((t.dataSync() as Float32Array).slice().buffer), (b) =>
    b === -2147483648 ? 0 : b,
  );

/** Every trainable weight's gradient of the detection losses, read back, and the kernels run. */
function gradients(model: FasterRcnn, seed: number) {
  const batch = rectangleBatch(2, 64, 1);
  let out: { loss: number; grads: Record<string, number[]> } | undefined;
  const profile = tf.profile(() => {
    const { value, grads } = tf.variableGrads(() => {
      const f = model.forwardTrain(batch, createRng(seed));
      return tf.addN(Object.values(f.losses)) as tf.Scalar;
    }, model.trainableVariables());
    out = {
      loss: value.dataSync()[0]!,
      grads: Object.fromEntries(Object.entries(grads).map(([n, g]) => [n, bits(g)])),
    };
    tf.dispose([value, ...Object.values(grads)]);
  });
  return profile.then((p) => {
    batch.images.dispose();
    const count = (name: string) => p.kernels.filter((k) => k.name === name).length;
    return { ...out!, reluGrads: count('KdReluGrad'), steps: count('Step') };
  });
}

afterEach(() => useActivationGradient('relu', 'kd'));

describeEachBackend("kd's fused ReLU gradient trains exactly as tfjs-core's", (backend) => {
  for (const backbone of BACKBONES) {
    test(`${backbone.name}: every gradient of a training step, bit for bit, leak-free`, async () => {
      const model = new FasterRcnn(tinyConfig({ backbone }));
      const before = tf.memory().numTensors;
      useActivationGradient('relu', 'tfjs');
      const tfjs = await gradients(model, 0);
      useActivationGradient('relu', 'kd');
      const kd = await gradients(model, 0);
      assert.equal(tf.memory().numTensors, before, 'tensors leaked');
      // The test would pass vacuously if the layers did not run kd's relu. (`Step` also
      // differentiates the losses' `abs`.)
      assert.equal(tfjs.reluGrads, 0);
      assert.ok(kd.reluGrads > 0, 'no KdReluGrad ran');
      // On wasm `KdReluGrad` runs tfjs-core's `Step` inside (faster there): the profile lists both.
      const nested = backend === 'wasm' ? kd.reluGrads : 0;
      assert.equal(tfjs.steps - kd.steps + nested, kd.reluGrads, 'a ReLU kept tfjs-core gradient');
      assert.equal(kd.loss, tfjs.loss);
      assert.deepEqual(Object.keys(kd.grads).sort(), Object.keys(tfjs.grads).sort());
      for (const [name, g] of Object.entries(tfjs.grads))
        assert.deepEqual(kd.grads[name], g, `${backend} ${backbone.name}: gradient of ${name}`);
      model.dispose();
    });
  }

  test('two momentum steps with clipping and weight decay give the same weights', () => {
    const run = (which: 'kd' | 'tfjs') => {
      useActivationGradient('relu', which);
      const model = new FasterRcnn(tinyConfig());
      const batch = rectangleBatch(2, 64, 2);
      const optimizer = tf.train.momentum(0.01, 0.9);
      const options = { optimizer, rng: createRng(1), clipGradNorm: 1 };
      const first = trainStep(model, batch, options);
      // After the first step, which creates the optimizer's accumulators.
      const before = tf.memory().numTensors;
      const second = trainStep(model, batch, options);
      assert.equal(tf.memory().numTensors, before, `${which}: tensors leaked by a step`);
      const weights = Object.fromEntries(model.params.entries().map(([n, v]) => [n, bits(v)]));
      optimizer.dispose();
      batch.images.dispose();
      model.dispose();
      return { steps: [first, second], weights };
    };
    const tfjs = run('tfjs');
    const kd = run('kd');
    assert.deepEqual(kd.steps, tfjs.steps);
    for (const [name, w] of Object.entries(tfjs.weights))
      assert.deepEqual(kd.weights[name], w, `${backend}: weight ${name}`);
  });
});
