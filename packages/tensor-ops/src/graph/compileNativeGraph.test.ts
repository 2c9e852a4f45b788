import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import { describeEachBackend } from '../backend/describeEachBackend.js';
import { noLeakSync } from '../testing/noLeakSync.js';
import { compileNativeGraph } from './compileNativeGraph.js';
import { compileNativeGraphPerShape } from './compileNativeGraphPerShape.js';

/** A small detector-like trunk: conv + bias + ReLU6, depthwise, a residual add, a dense softmax. */
function makeNet() {
  const rnd = (shape: number[], seed: number) =>
    tf.randomUniform(shape, -0.5, 0.5, 'float32', seed);
  const p = {
    w1: rnd([3, 3, 3, 8], 1) as tf.Tensor4D,
    b1: rnd([8], 2),
    dw: rnd([3, 3, 8, 1], 3),
    b2: rnd([8], 4),
    fc: rnd([8 * 4 * 4, 5], 5),
  };
  const fn = ({ image }: { image: tf.Tensor }) => {
    const x = image as tf.Tensor4D;
    const a = tf.fused.conv2d({
      x,
      filter: p.w1,
      strides: 2,
      pad: 'same',
      bias: p.b1,
      activation: 'relu6',
    });
    const d = tf.fused.depthwiseConv2d({
      x: a,
      filter: p.dw as tf.Tensor4D,
      strides: 1,
      pad: 'same',
      bias: p.b2,
    });
    const r = tf.add(a, tf.relu(d));
    const flat = tf.reshape(r, [x.shape[0], -1]);
    return { probs: tf.softmax(tf.matMul(flat, p.fc)), map: r };
  };
  return { p, fn };
}

describeEachBackend('compileNativeGraph', (backend) => {
  if (backend !== 'tensorflow') {
    test('is an error naming the backend it needs', () => {
      const x = tf.zeros([1, 2]);
      const r = compileNativeGraph(({ x }) => ({ y: tf.relu(x) }), { x });
      x.dispose();
      assert.ok(E.isLeft(r));
      assert.match(r.left, /native tensorflow backend.*'(cpu|wasm)'/);
    });
    return;
  }

  test('runs a traced network as one graph, equal to the ops run one by one', () => {
    const { p, fn } = makeNet();
    const example = tf.randomUniform([2, 8, 8, 3], -1, 1, 'float32', 7);
    const other = tf.randomUniform([2, 8, 8, 3], -1, 1, 'float32', 8);
    const g = noLeakSync(() => {
      const r = compileNativeGraph(fn, { image: example });
      assert.ok(E.isRight(r), E.isLeft(r) ? r.left : '');
      return r.right;
    });
    assert.deepEqual(g.outputs, ['probs', 'map']);
    assert.deepEqual(g.inputs, { image: { shape: [2, 8, 8, 3], dtype: 'float32' } });
    assert.ok(g.opCount >= 6);
    // Another input than the example: the graph computes from its input, not from the trace.
    noLeakSync(() => {
      const got = g.run({ image: other });
      const want = tf.tidy(() => fn({ image: other }));
      for (const k of ['probs', 'map'] as const) {
        assert.deepEqual(got[k].shape, want[k].shape);
        const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(got[k], want[k]))).dataSync()[0]!);
        assert.ok(diff < 1e-5, `${k} differs by ${diff}`);
      }
      tf.dispose([got.probs, got.map, want.probs, want.map]);
    });
    g.dispose();
    assert.throws(() => g.run({ image: other }), /disposed/);
    tf.dispose([example, other, ...Object.values(p)]);
  });

  test('weights are frozen at their traced values', () => {
    const w = tf.variable(tf.tensor2d([[2]]));
    const x = tf.tensor2d([[3]]);
    const g = compileNativeGraph(({ x }) => ({ y: tf.matMul(x, w) }), { x });
    assert.ok(E.isRight(g));
    w.assign(tf.tensor2d([[5]]));
    const y = g.right.run({ x });
    assert.deepEqual(Array.from(y.y.dataSync()), [6]);
    g.right.dispose();
    tf.dispose([w, x, y.y]);
  });

  test('an input of another shape or dtype than the trace is an error', () => {
    const x = tf.ones([2, 3]);
    const g = compileNativeGraph(({ x }) => ({ y: tf.exp(x) }), { x });
    assert.ok(E.isRight(g));
    const wrong = tf.ones([3, 3]);
    assert.throws(
      () => g.right.run({ x: wrong }),
      /input 'x' must be float32 \[2, 3\].*got float32 \[3, 3\]/,
    );
    g.right.dispose();
    tf.dispose([x, wrong]);
  });

  test('a function that reads tensors on the host cannot be compiled', () => {
    const x = tf.ones([4]);
    const before = tf.memory().numTensors;
    const r = compileNativeGraph(
      ({ x }) => {
        const n = tf.sum(x).dataSync()[0]!;
        return { y: tf.mul(x, n) };
      },
      { x },
    );
    assert.equal(tf.memory().numTensors, before);
    assert.ok(E.isLeft(r));
    assert.match(r.left, /read a tensor on the host/);
    x.dispose();
  });

  test('an output the function did not compute is an error', () => {
    const x = tf.ones([4]);
    const r = compileNativeGraph(({ x }) => ({ y: x }), { x });
    assert.ok(E.isLeft(r));
    assert.match(r.left, /output 'y' is not computed/);
    x.dispose();
  });

  test('per shape: one graph for each input shape, reused, each equal to the eager ops', () => {
    const { p, fn } = makeNet();
    const g = compileNativeGraphPerShape(fn);
    const before = tf.memory().numTensors;
    for (const [n, seed] of [
      [1, 1],
      [3, 2],
      [1, 3],
      [3, 4],
    ] as const) {
      const image = tf.randomUniform([n, 8, 8, 3], -1, 1, 'float32', seed);
      const got = g.run({ image });
      const want = tf.tidy(() => fn({ image }));
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(got.probs, want.probs))).dataSync()[0]!);
      assert.deepEqual(got.probs.shape, [n, 5]);
      assert.ok(diff < 1e-5, `batch ${n}: ${diff}`);
      tf.dispose([image, got.probs, got.map, want.probs, want.map]);
    }
    assert.equal(g.graphs, 2);
    assert.equal(tf.memory().numTensors, before);
    g.dispose();
    // At most maxGraphs kept: the least recently used is closed and compiled again when needed.
    const lru = compileNativeGraphPerShape(fn, { maxGraphs: 2 });
    for (const n of [1, 2, 1, 3, 1, 2]) {
      const image = tf.zeros([n, 8, 8, 3]);
      tf.dispose(Object.values(lru.run({ image })));
      image.dispose();
      assert.ok(lru.graphs <= 2);
    }
    assert.equal(lru.graphs, 2);
    lru.dispose();
    const x = tf.ones([1, 8, 8, 3]);
    assert.throws(() => g.run({ image: x }), /disposed/);
    const bad = compileNativeGraphPerShape(({ x }: { x: tf.Tensor }) => ({
      y: tf.mul(x, tf.sum(x).dataSync()[0]!),
    }));
    assert.throws(() => bad.run({ x }), /read a tensor on the host/);
    tf.dispose([x, ...Object.values(p)]);
  });
});
