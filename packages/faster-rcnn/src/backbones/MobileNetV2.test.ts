import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createRng, initBackend } from '@kd/tensor-ops';
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
    model.params.get(stem).assign(tf.tidy(() => tf.mul(model.params.get(stem), 3)));
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
