import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '@kd/tensor-ops';
import { describeEachBackend } from '@kd/tensor-ops/testing';
import * as tf from '@tensorflow/tfjs-core';
import { rectangleBatch, tinyConfig } from '../internal/testing.js';
import { FasterRcnn } from '../model/FasterRcnn.js';
import { applyGradients } from './applyGradients.js';
import { computeGradients, gradientVariables } from './computeGradients.js';
import { MomentumSgd } from './MomentumSgd.js';
import { packTensors } from './packTensors.js';

/** Two copies of one model and a fixed gradient per variable (the first step's, kept). */
function setUp() {
  const batch = rectangleBatch(2, 64, 4);
  const a = new FasterRcnn(tinyConfig());
  const b = new FasterRcnn(tinyConfig());
  b.params.assign(Object.fromEntries(a.params.entries()));
  const g = computeGradients(a, batch, { rng: createRng(3) });
  batch.images.dispose();
  // The same gradients under b's variable names.
  const names = new Map(a.params.entries().map(([k, v]) => [v.name, k]));
  const bByKey = new Map(b.params.entries());
  const gradsB = Object.fromEntries(
    Object.entries(g.grads).map(([name, t]) => [bByKey.get(names.get(name)!)!.name, t]),
  );
  return { a, b, gradsA: g.grads, gradsB };
}

/** tfjs declares `applyGradients` for variable maps; gradients are plain tensors. */
function apply(optimizer: tf.Optimizer, grads: tf.NamedTensorMap): void {
  optimizer.applyGradients(grads as Parameters<tf.Optimizer['applyGradients']>[0]);
}

function maxRelativeDifference(x: Float32Array, y: Float32Array): number {
  let scale = 1e-12;
  let d = 0;
  for (let i = 0; i < x.length; i++) {
    scale = Math.max(scale, Math.abs(x[i]!));
    d = Math.max(d, Math.abs(x[i]! - y[i]!));
  }
  return d / scale;
}

describeEachBackend('MomentumSgd', (backend) => {
  test("optimizer.applyGradients is tf.train.momentum's update to the bit, learning-rate changes included", () => {
    const { a, b, gradsA, gradsB } = setUp();
    const ta = tf.train.momentum(0.05, 0.9);
    const kb = new MomentumSgd(0.05, 0.9);
    for (let step = 0; step < 3; step++) {
      if (step === 2) {
        ta.setLearningRate(0.01);
        kb.setLearningRate(0.01);
      }
      apply(ta, gradsA);
      apply(kb, gradsB);
    }
    assert.deepEqual(
      packTensors(b.params.entries().map(([, v]) => v)),
      packTensors(a.params.entries().map(([, v]) => v)),
    );
    assert.equal(kb.iterations, 3);
    tf.dispose([...Object.values(gradsA)]);
    for (const d of [a, b, ta, kb]) d.dispose();
  });

  for (const clip of [undefined, 100, 0.5]) {
    test(`applyGradients (weight decay, clip ${clip ?? 'none'}): tf.train.momentum's result to the bit${backend === 'tensorflow' ? ', through native graphs' : ''}; leak-free`, () => {
      const { a, b, gradsA, gradsB } = setUp();
      const ta = tf.train.momentum(0.05, 0.9);
      const kb = new MomentumSgd(0.05, 0.9);
      const options = { weightDecay: 1e-3, ...(clip !== undefined ? { clipGradNorm: clip } : {}) };
      let before = 0;
      for (let step = 0; step < 3; step++) {
        const na = applyGradients(gradientVariables(a), gradsA, { optimizer: ta, ...options });
        const nb = applyGradients(gradientVariables(b), gradsB, { optimizer: kb, ...options });
        assert.equal(nb, na);
        // 0.5 clips every step, 100 none.
        if (clip !== undefined) assert.ok(clip < 1 ? na > clip : na < clip, `norm ${na}`);
        if (step === 0) before = tf.memory().numTensors;
      }
      assert.equal(tf.memory().numTensors, before, 'tensors leaked by steps 2 and 3');
      assert.equal(kb.fusedRefusal, undefined);
      // The squared norms' graph and the update's.
      assert.equal(kb.fusedGraphs, backend === 'tensorflow' ? 2 : 0);
      const wa = packTensors(a.params.entries().map(([, v]) => v));
      const wb = packTensors(b.params.entries().map(([, v]) => v));
      assert.deepEqual(wb, wa);
      // The weights moved: the update ran.
      const start = new FasterRcnn(tinyConfig());
      assert.ok(
        maxRelativeDifference(packTensors(start.params.entries().map(([, v]) => v)), wb) > 1e-4,
      );
      start.dispose();
      tf.dispose([...Object.values(gradsA)]);
      for (const d of [a, b, ta, kb]) d.dispose();
    });
  }

  test("checkpoint layout: tf.train.momentum's, by position; another model's state continues as it would", async () => {
    const { a, b, gradsA, gradsB } = setUp();
    const ta = tf.train.momentum(0.05, 0.9);
    apply(ta, gradsA);
    apply(ta, gradsA);
    const kb = new MomentumSgd(0.05, 0.9);
    apply(kb, gradsB);
    apply(kb, gradsB);
    const wa = await ta.getWeights();
    const wb = await kb.getWeights();
    const names = new Map(a.params.entries().map(([k, v]) => [v.name, k]));
    const bByKey = new Map(b.params.entries());
    const asB = (n: string) =>
      `${bByKey.get(names.get(n.replace(/\/momentum$/, ''))!)!.name}/momentum`;
    assert.deepEqual(
      wb.map((w) => w.name),
      wa.map((w, i) => (i === 0 ? w.name : asB(w.name))),
    );
    // As when a run resumes: the state was saved under the variable names of another model (a's),
    // and b's variables take it up by position.
    const restored = new MomentumSgd(0.05, 0.9);
    await restored.setWeights(wa);
    assert.equal(restored.iterations, 2);
    apply(ta, gradsA);
    apply(restored, gradsB);
    assert.deepEqual(
      packTensors(b.params.entries().map(([, v]) => v)),
      packTensors(a.params.entries().map(([, v]) => v)),
    );
    await assert.rejects(
      restored.setWeights([wa[0]!, { name: 'w/velocity', tensor: wa[1]!.tensor }]),
      /'w\/velocity' is not a momentum slot/,
    );
    tf.dispose([wa[0]!.tensor, wb[0]!.tensor, ...Object.values(gradsA)]);
    for (const d of [a, b, ta, kb, restored]) d.dispose();
  });
});
