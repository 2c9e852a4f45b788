import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createRng, initBackend } from '@kd/tensor-ops';
import { describeEachBackend, useActivationGradient } from '@kd/tensor-ops/testing';
import * as tf from '@tensorflow/tfjs-core';
import { loadFasterRcnn, saveCheckpoint } from '../checkpoint/checkpoint.js';
import { rectangleBatch, tinyConfig } from '../internal/testing.js';
import { ParamStore } from '../layers/ParamStore.js';
import { FasterRcnn } from '../model/FasterRcnn.js';
import { trainStep } from '../train/trainStep.js';
import { MobileNetV2 } from './MobileNetV2.js';

const dir = mkdtempSync(join(tmpdir(), 'kd-mobilenetv2-'));
before(async () => {
  await initBackend({ backend: 'cpu' });
});
after(() => rmSync(dir, { recursive: true, force: true }));

const mobileNetConfig = (frozenStages: number) =>
  tinyConfig({ backbone: { name: 'mobilenetv2', widthMultiplier: 0.25, frozenStages } });

const values = (model: FasterRcnn, names: readonly string[]) =>
  names.map((n) => model.params.get(n).dataSync().slice());

describe('MobileNetV2 frozenStages', () => {
  test('takes the stem and the first stages out of the trainable list, nothing else', () => {
    const model = new FasterRcnn(mobileNetConfig(3));
    const trainable = new Set(model.trainableVariables());
    for (const [name, v] of model.params.entries()) {
      const frozenStage = /^backbone\/(stem\/|block0\.|block1\.)/.test(name);
      const statistic = /running_(mean|var)$/.test(name);
      assert.equal(trainable.has(v), !frozenStage && !statistic, name);
      assert.equal(model.params.isTrainable(name), !frozenStage && !statistic, name);
    }
    // Every other backbone stage, the RPN and the box head still train.
    assert.ok(model.params.isTrainable('backbone/block2.0/expand/w'));
    assert.ok(model.params.isTrainable('rpn/conv/w'));
    model.dispose();
  });

  test('0 freezes nothing; out-of-range values are refused by the constructor', () => {
    const store = new ParamStore(1);
    const open = new MobileNetV2(store, 0.25, { frozenStages: 0 });
    assert.equal(open.layers.length, 6);
    assert.equal(
      store.trainable().length,
      store.names().filter((n) => !/running_(mean|var)$/.test(n)).length,
    );
    store.dispose();
    for (const bad of [-1, 7, 1.5]) {
      const s = new ParamStore(1);
      assert.throws(
        () => new MobileNetV2(s, 0.25, { frozenStages: bad }),
        /mobilenetv2: frozenStages must be an integer from 0 to 6, got/,
      );
      s.dispose();
    }
  });

  test('a training step leaves frozen weights and their batch-norm statistics unchanged, leak-free', () => {
    const model = new FasterRcnn(mobileNetConfig(2));
    const batch = rectangleBatch(2, 64, 5);
    const frozen = model.params.names().filter((n) => /^backbone\/(stem\/|block0\.)/.test(n));
    const trained = ['backbone/block1.0/expand/w', 'backbone/block1.0/expand_bn/running_mean'];
    assert.ok(frozen.some((n) => n.endsWith('running_mean')));
    const frozenBefore = values(model, frozen);
    const trainedBefore = values(model, trained);
    const optimizer = tf.train.momentum(0.01, 0.9);
    const rng = createRng(1);
    trainStep(model, batch, { optimizer, rng });
    const count = tf.memory().numTensors;
    trainStep(model, batch, { optimizer, rng });
    assert.equal(tf.memory().numTensors, count, 'a step with frozen stages leaks no tensor');
    assert.deepEqual(values(model, frozen), frozenBefore);
    // The stages after the frozen ones do train (weights and batch-norm statistics move).
    values(model, trained).forEach((v, i) => assert.notDeepEqual(v, trainedBefore[i]));
    optimizer.dispose();
    tf.dispose([batch.images]);
    model.dispose();
  });

  test('frozen weights are saved and loaded with the checkpoint, and stay frozen', async () => {
    const model = new FasterRcnn(mobileNetConfig(2));
    const stem = 'backbone/stem/conv/w';
    // Weights that differ from a fresh model's, so the round trip is seen.
    const tripled = tf.mul(model.params.get(stem), 3);
    model.params.get(stem).assign(tripled);
    tripled.dispose();
    await saveCheckpoint(model, join(dir, 'ckpt'), { step: 1, rngState: 1 });
    const before = tf.memory().numTensors;
    const { model: loaded, checkpoint } = await loadFasterRcnn(join(dir, 'ckpt'));
    assert.equal(loaded.config.backbone.frozenStages, 2);
    assert.deepEqual(loaded.params.get(stem).dataSync(), model.params.get(stem).dataSync());
    assert.equal(loaded.params.isTrainable(stem), false);
    assert.equal(loaded.trainableVariables().length, model.trainableVariables().length);
    tf.dispose([
      ...Object.values(checkpoint.extraWeights),
      ...checkpoint.optimizerWeights.map((w) => w.tensor),
    ]);
    loaded.dispose();
    assert.equal(tf.memory().numTensors, before);
    model.dispose();
  });
});

/** A stride-8 (dilated) model with frozen batch norm and non-trivial statistics. */
function modelWithStatistics(): FasterRcnn {
  const model = new FasterRcnn(
    tinyConfig({
      backbone: {
        name: 'mobilenetv2',
        widthMultiplier: 0.25,
        outputStride: 8,
        frozenBatchNorm: true,
      },
    }),
  );
  let seed = 10;
  const values: Record<string, tf.Tensor> = {};
  for (const [name, v] of model.params.entries()) {
    if (!/_bn\/|\/bn\//.test(name)) continue;
    const positive = /gamma|running_var/.test(name);
    values[name] = positive
      ? tf.randomUniform(v.shape, 0.5, 1.5, 'float32', seed++)
      : tf.randomUniform(v.shape, -0.5, 0.5, 'float32', seed++);
  }
  model.params.assign(values, { strict: false });
  tf.dispose(Object.values(values));
  return model;
}

const gap = (a: tf.Tensor, b: tf.Tensor): [number, number] =>
  tf.tidy(() => [tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!, tf.max(tf.abs(a)).dataSync()[0]!]);

describe('MobileNetV2 batch-norm folding at inference', () => {
  test('the folded inference forward equals conv → batch norm → ReLU6, and follows new weights', () => {
    const before = tf.memory().numTensors;
    const model = modelWithStatistics();
    const x = tf.randomUniform([2, 40, 36, 3], -1, 1, 'float32', 4) as tf.Tensor4D;
    // Unfolded kernels on the running statistics.
    const backbone = model.backbone as MobileNetV2;
    const reference = () =>
      tf.tidy(() => backbone.forward(x, { training: true, foldFrozenBatchNorm: false }).output);
    const inference = () => tf.tidy(() => model.backbone.forward(x, { training: false }).output);
    const [r1, i1] = [reference(), inference()];
    const [d1, m1] = gap(r1!, i1!);
    assert.ok(m1 > 0.1 && d1 <= 1e-5 * m1, `gap ${d1} for values up to ${m1}`);
    // The folded weights are cached: a second inference forward creates no lasting tensor.
    const count = tf.memory().numTensors;
    const i2 = inference();
    assert.equal(tf.memory().numTensors, count + 1);
    assert.deepEqual(i2.dataSync(), i1!.dataSync());
    // A reassigned weight (as by an optimiser step or a checkpoint) is folded again.
    for (const [name, factor] of [
      ['backbone/block2.1/dw/w', -2],
      ['backbone/block3.0/project_bn/gamma', 3],
    ] as const) {
      const v = model.params.get(name);
      const next = tf.mul(v, factor);
      v.assign(next);
      next.dispose();
    }
    const [r3, i3] = [reference(), inference()];
    const [d3, m3] = gap(r3!, i3!);
    assert.ok(d3 <= 1e-5 * m3, `gap after reassignment ${d3} for values up to ${m3}`);
    assert.ok(gap(i3!, i1!)[0]! > 1e-2, 'the new weights changed the output');
    tf.dispose([x, r1!, i1!, i2, r3!, i3!]);
    model.dispose();
    assert.equal(tf.memory().numTensors, before, 'dispose frees the folded weights too');
  });
});

describeEachBackend("MobileNetV2's ReLU6", () => {
  test("kd's fused gradient gives the backbone the gradients of tfjs-core's composite, leak-free", () => {
    const before = tf.memory().numTensors;
    const model = new FasterRcnn(
      tinyConfig({ backbone: { name: 'mobilenetv2', widthMultiplier: 0.25, outputStride: 8 } }),
    );
    const vars = model.params
      .entries()
      .filter(([n]) => n.startsWith('backbone/') && model.params.isTrainable(n))
      .map(([, v]) => v);
    const x = tf.randomUniform([2, 32, 40, 3], -1, 1, 'float32', 5) as tf.Tensor4D;
    const gradients = (which: 'kd' | 'tfjs') => {
      useActivationGradient('relu6', which);
      try {
        return tf.tidy(() => {
          const { grads } = tf.variableGrads(() => {
            const y = model.backbone.forward(x, { training: true }).output;
            // A weighting with both signs, so that masked and passed gradients both matter.
            return tf.sum(tf.mul(y, tf.sin(tf.reshape(tf.range(0, y.size), y.shape))));
          }, vars);
          return vars.map((v) => grads[v.name]!.dataSync());
        });
      } finally {
        useActivationGradient('relu6', 'kd');
      }
    };
    const tfjs = gradients('tfjs');
    const kd = gradients('kd');
    assert.equal(kd.length, vars.length);
    let largest = 0;
    kd.forEach((g, i) => {
      const e = tfjs[i]!;
      for (let j = 0; j < g.length; j++) {
        largest = Math.max(largest, Math.abs(e[j]!));
        assert.ok(
          Math.abs(g[j]! - e[j]!) <= 1e-5 * (1 + Math.abs(e[j]!)),
          `${vars[i]!.name}[${j}]: ${g[j]} vs ${e[j]}`,
        );
      }
    });
    assert.ok(largest > 1e-3, 'the gradients are not all zero');
    x.dispose();
    model.dispose();
    assert.equal(tf.memory().numTensors, before);
  });
});

describeEachBackend('MobileNetV2 frozen batch norm folded on the gradient tape', () => {
  test('gives the outputs and the w, γ, β gradients of convolution → batch-norm kernel, leak-free', () => {
    const before = tf.memory().numTensors;
    const model = modelWithStatistics();
    const backbone = model.backbone as MobileNetV2;
    const vars = model.params
      .entries()
      .filter(([n]) => n.startsWith('backbone/') && model.params.isTrainable(n))
      .map(([, v]) => v);
    assert.ok(vars.some((v) => /gamma/.test(v.name)) && vars.some((v) => /beta/.test(v.name)));
    const x = tf.randomUniform([2, 32, 40, 3], -1, 1, 'float32', 6) as tf.Tensor4D;
    const run = (foldFrozenBatchNorm: boolean) =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => {
          const y = backbone.forward(x, { training: true, foldFrozenBatchNorm }).output;
          return tf.sum(tf.mul(y, tf.sin(tf.reshape(tf.range(0, y.size), y.shape))));
        }, vars);
        return [value.dataSync()[0]!, vars.map((v) => grads[v.name]!.dataSync())] as const;
      });
    const [refLoss, reference] = run(false);
    const [loss, folded] = run(true);
    assert.ok(Math.abs(loss - refLoss) <= 1e-4 * Math.abs(refLoss), `loss ${loss} vs ${refLoss}`);
    folded.forEach((g, i) => {
      const e = reference[i]!;
      let scale = 0;
      for (const v of e) scale = Math.max(scale, Math.abs(v));
      assert.ok(scale > 0, `${vars[i]!.name} has a gradient`);
      for (let j = 0; j < g.length; j++)
        assert.ok(
          Math.abs(g[j]! - e[j]!) <= 1e-4 * scale,
          `${vars[i]!.name}[${j}]: ${g[j]} vs ${e[j]} (largest ${scale})`,
        );
    });
    x.dispose();
    model.dispose();
    assert.equal(tf.memory().numTensors, before);
  });
});
