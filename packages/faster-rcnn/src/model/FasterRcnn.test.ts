import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createRng } from '@kd/tensor-ops';
import { describeEachBackend } from '@kd/tensor-ops/testing';
import * as tf from '@tensorflow/tfjs-core';
import {
  loadCheckpoint,
  loadFasterRcnn,
  restoreOptimizer,
  saveCheckpoint,
} from '../checkpoint/checkpoint.js';
import { rectangleBatch, tinyConfig } from '../internal/testing.js';
import { trainStep } from '../train/trainStep.js';
import { FasterRcnn } from './FasterRcnn.js';

const dir = mkdtempSync(join(tmpdir(), 'kd-frcnn-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describeEachBackend('FasterRcnn training', () => {
  test('every trainable weight receives a non-zero gradient', () => {
    for (const name of ['vgg16', 'resnet18', 'mobilenetv2', 'alexnet-tucker'] as const) {
      const cfg = tinyConfig({
        backbone: {
          name,
          widthMultiplier: 0.125,
          ...(name === 'vgg16' || name === 'alexnet-tucker' ? { outputStride: 8 } : {}),
        },
      });
      const model = new FasterRcnn(cfg);
      const batch = rectangleBatch(2, 64, 1);
      const vars = model.trainableVariables();
      const { value, grads } = tf.variableGrads(() => {
        const f = model.forwardTrain(batch, createRng(0));
        return tf.addN(Object.values(f.losses)) as tf.Scalar;
      }, vars);
      const dead = model.params
        .entries()
        .filter(([n]) => model.params.isTrainable(n))
        .filter(([, v]) => {
          const g = grads[v.name];
          return !g || tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0]!) === 0;
        })
        .map(([n]) => n);
      assert.deepEqual(dead, [], `${name}: weights without gradient`);
      tf.dispose([value, ...Object.values(grads), batch.images]);
      model.dispose();
    }
  });

  test('the detection losses are computed only when read (an objective replacing them skips them)', () => {
    const model = new FasterRcnn(tinyConfig());
    const batch = rectangleBatch(2, 64, 1);
    tf.tidy(() => {
      const f = model.forwardTrain(batch, createRng(0));
      const before = tf.memory().numTensors;
      const first = f.losses;
      assert.ok(tf.memory().numTensors > before, 'reading the losses computes them');
      const after = tf.memory().numTensors;
      assert.equal(f.losses, first);
      assert.equal(tf.memory().numTensors, after, 'computed once');
    });
    batch.images.dispose();
    model.dispose();
  });

  test('no tensor leaks across training steps and inference', async () => {
    const model = new FasterRcnn(tinyConfig());
    const batch = rectangleBatch(2, 64, 2);
    const optimizer = tf.train.momentum(0.01, 0.9);
    const rng = createRng(1);
    trainStep(model, batch, { optimizer, rng });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) trainStep(model, batch, { optimizer, rng, clipGradNorm: 1 });
    assert.equal(tf.memory().numTensors, before, 'training step');
    await model.predict(batch);
    assert.equal(tf.memory().numTensors, before, 'inference');
    optimizer.dispose();
    batch.images.dispose();
    model.dispose();
  });

  test('checkpoint round-trip gives identical outputs; resume continues the same loss curve', async () => {
    const cfg = tinyConfig({ backbone: { name: 'resnet18', widthMultiplier: 0.125 } });
    const batch = rectangleBatch(2, 64, 3);
    const run = (model: FasterRcnn, optimizer: tf.Optimizer, rngState: number, steps: number) => {
      const rng = createRng(rngState);
      const losses: number[] = [];
      for (let i = 0; i < steps; i++)
        losses.push(trainStep(model, batch, { optimizer, rng }).total);
      return { losses, rngState: rng.state() };
    };
    // Uninterrupted: 4 steps.
    const a = new FasterRcnn(cfg);
    const optA = tf.train.momentum(0.01, 0.9);
    const full = run(a, optA, 11, 4);
    // Interrupted after 2 steps, checkpointed, reloaded into fresh objects, 2 more steps.
    const b = new FasterRcnn(cfg);
    const optB = tf.train.momentum(0.01, 0.9);
    const first = run(b, optB, 11, 2);
    const ckpt = join(dir, 'ckpt-2');
    await saveCheckpoint(b, ckpt, { step: 2, rngState: first.rngState, optimizer: optB });
    const { model: c, checkpoint } = await loadFasterRcnn(ckpt);
    const optC = tf.train.momentum(0.01, 0.9);
    await restoreOptimizer(optC, checkpoint);
    // Identical inference outputs after the round trip.
    const [db, dc] = [await b.predict(batch), await c.predict(batch)];
    assert.deepEqual(Array.from(dc[0]!.scores), Array.from(db[0]!.scores));
    assert.deepEqual(Array.from(dc[0]!.boxes), Array.from(db[0]!.boxes));
    const second = run(c, optC, checkpoint.metadata.rngState, 2);
    const resumed = [...first.losses, ...second.losses];
    assert.deepEqual(resumed, full.losses);
    for (const m of [a, b, c]) m.dispose();
    for (const o of [optA, optB, optC]) o.dispose();
    batch.images.dispose();
  });

  test('a corrupt checkpoint is a clear error and saving again never breaks the previous one', async () => {
    const model = new FasterRcnn(tinyConfig());
    const ckpt = join(dir, 'ckpt-x');
    await saveCheckpoint(model, ckpt, { step: 0, rngState: 1 });
    const { writeFileSync, truncateSync } = await import('node:fs');
    truncateSync(join(ckpt, 'weights.bin'), 100);
    await assert.rejects(
      loadCheckpoint(ckpt),
      /weights\.bin: 100 bytes, but model\.json describes \d+/,
    );
    writeFileSync(join(ckpt, 'model.json'), '{"format": 1}');
    await assert.rejects(loadCheckpoint(ckpt), /model\.json: not a kd checkpoint/);
    // No longer recognisable as a kd checkpoint: replacing it takes `force`.
    await assert.rejects(saveCheckpoint(model, ckpt, { step: 1, rngState: 1 }), /not empty/);
    await saveCheckpoint(model, ckpt, { step: 1, rngState: 1, force: true });
    const ok = await loadCheckpoint(ckpt);
    assert.equal(ok.metadata.step, 1);
    tf.dispose(Object.values(ok.weights));
    model.dispose();
  });
}, ['wasm', 'tensorflow']);
