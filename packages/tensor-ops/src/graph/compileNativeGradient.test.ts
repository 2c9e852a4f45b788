import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import { relu6 } from '../activations/relu6.js';
import { describeEachBackend } from '../backend/describeEachBackend.js';
import { noLeakSync } from '../testing/noLeakSync.js';
import { compileNativeGradient } from './compileNativeGradient.js';

/**
 * A small trunk with what detector backbones use: a fused convolution with bias, kd's ReLU6, a
 * depthwise convolution at stride 2, a batch norm folded into a convolution on the tape (its
 * statistics frozen constants), a residual add, max pooling; two outputs.
 */
function makeNet() {
  const rnd = (shape: number[], seed: number, lo = -0.5, hi = 0.5) =>
    tf.randomUniform(shape, lo, hi, 'float32', seed);
  const p = {
    w1: tf.variable(rnd([3, 3, 3, 8], 1) as tf.Tensor4D, true, 'net/w1'),
    b1: tf.variable(rnd([8], 2), true, 'net/b1'),
    dw: tf.variable(rnd([3, 3, 8, 1], 3), true, 'net/dw'),
    pw: tf.variable(rnd([1, 1, 8, 8], 4) as tf.Tensor4D, true, 'net/pw'),
    gamma: tf.variable(rnd([8], 5, 0.5, 1.5), true, 'net/gamma'),
    beta: tf.variable(rnd([8], 6), true, 'net/beta'),
  };
  const frozen = { mean: rnd([8], 7), variance: rnd([8], 8, 0.2, 2) };
  const fn = ({ image }: { image: tf.Tensor }) => {
    const x = image as tf.Tensor4D;
    const a = relu6(tf.fused.conv2d({ x, filter: p.w1, strides: 1, pad: 'same', bias: p.b1 }));
    const d = tf.depthwiseConv2d(a as tf.Tensor4D, p.dw as tf.Tensor4D, 2, 'same');
    const s = tf.div(p.gamma, tf.sqrt(tf.add(frozen.variance, 1e-5)));
    const folded = tf.fused.conv2d({
      x: d,
      filter: tf.mul(p.pw, s) as tf.Tensor4D,
      strides: 1,
      pad: 'same',
      bias: tf.sub(p.beta, tf.mul(frozen.mean, s)),
      activation: 'relu',
    });
    const r = tf.add(d, folded) as tf.Tensor4D;
    return { map: r, pooled: tf.maxPool(r, 2, 2, 'valid') };
  };
  const loss = (out: Readonly<Record<'map' | 'pooled', tf.Tensor>>) =>
    tf.add(
      tf.sum(tf.mul(out.map, tf.randomNormal(out.map.shape, 0, 1, 'float32', 11))),
      tf.sum(tf.square(out.pooled)),
    ) as tf.Scalar;
  const params = Object.values(p);
  return {
    p,
    params,
    fn,
    loss,
    dispose: () => tf.dispose([...params, frozen.mean, frozen.variance]),
  };
}

/** Each variable's gradient of `loss(f(image))` and the loss, as host arrays. */
function gradientsOf(
  net: ReturnType<typeof makeNet>,
  f: (inputs: { image: tf.Tensor }) => Readonly<Record<'map' | 'pooled', tf.Tensor>>,
  image: tf.Tensor,
) {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => net.loss(f({ image })), net.params);
    return {
      value: value.dataSync()[0]!,
      grads: Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, g.dataSync().slice()])),
    };
  });
}

function maxRelDiff(a: Float32Array | Int32Array | Uint8Array, b: typeof a): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(a[i]!));
  }
  return diff / Math.max(scale, 1e-30);
}

describeEachBackend('compileNativeGradient', (backend) => {
  if (backend !== 'tensorflow') {
    test('is an error naming the backend it needs', () => {
      const x = tf.zeros([1, 2]);
      const w = tf.variable(tf.ones([2]));
      const r = compileNativeGradient(({ x }) => ({ y: tf.mul(x, w) }), [w], { x });
      tf.dispose([x, w]);
      assert.ok(E.isLeft(r));
      assert.match(r.left, /native tensorflow backend.*'(cpu|wasm)'/);
    });
    return;
  }

  test('outputs and gradients equal the ops run one by one, with the parameters of each call', () => {
    const net = makeNet();
    const example = tf.randomUniform([2, 12, 12, 3], -1, 1, 'float32', 21);
    const other = tf.randomUniform([2, 12, 12, 3], -1, 1, 'float32', 22);
    const g = noLeakSync(() => {
      const r = compileNativeGradient(net.fn, net.params, { image: example });
      assert.ok(E.isRight(r), E.isLeft(r) ? r.left : '');
      return r.right;
    });
    assert.ok(g.forwardOps > 5 && g.backwardOps > g.forwardOps, `${g.forwardOps} ${g.backwardOps}`);
    assert.ok(g.saved > 0);
    const check = () => {
      const want = gradientsOf(net, net.fn, other);
      const got = noLeakSync(() => gradientsOf(net, g.apply, other));
      assert.ok(Math.abs(got.value - want.value) <= 1e-5 * Math.abs(want.value));
      assert.deepEqual(Object.keys(got.grads).sort(), Object.keys(want.grads).sort());
      for (const k of Object.keys(want.grads)) {
        const d = maxRelDiff(want.grads[k]!, got.grads[k]!);
        assert.ok(d < 1e-5, `${k}: relative difference ${d}`);
      }
      const outputs = tf.tidy(() => {
        const a = net.fn({ image: other });
        const b = g.apply({ image: other });
        return ['map', 'pooled'].map((k) =>
          maxRelDiff(a[k as 'map'].dataSync(), b[k as 'map'].dataSync()),
        );
      });
      for (const d of outputs) assert.ok(d < 1e-5, `output differs by ${d}`);
    };
    check();
    // Training changes the parameters: the graphs read them on every call.
    for (const v of net.params) v.assign(tf.tidy(() => tf.mul(v, 1.5)));
    check();
    g.dispose();
    assert.throws(() => g.apply({ image: other }), /disposed/);
    tf.dispose([example, other]);
    net.dispose();
  });

  test('one output, and a parameter the outputs do not reach gets a zero gradient', () => {
    const w = tf.variable(
      tf.tensor2d([
        [1, 2],
        [3, 4],
      ]),
      true,
      'one/w',
    );
    const unused = tf.variable(tf.ones([3]), true, 'one/unused');
    const x = tf.tensor2d([[1, -1]]);
    const g = compileNativeGradient(({ x }) => ({ y: tf.matMul(x, w) }), [w, unused], { x });
    assert.ok(E.isRight(g), E.isLeft(g) ? g.left : '');
    const { grads } = tf.variableGrads(() => tf.sum(g.right.apply({ x }).y), [w, unused]);
    assert.deepEqual(Array.from(grads['one/w']!.dataSync()), [1, 1, -1, -1]);
    assert.deepEqual(Array.from(grads['one/unused']!.dataSync()), [0, 0, 0]);
    tf.dispose([...Object.values(grads), w, unused, x]);
    g.right.dispose();
  });

  test('tensors that are not parameters are frozen at their traced values', () => {
    const w = tf.variable(tf.tensor1d([2]), true, 'frozen/w');
    const c = tf.variable(tf.tensor1d([3]), false, 'frozen/c');
    const x = tf.tensor1d([1]);
    const g = compileNativeGradient(({ x }) => ({ y: tf.mul(tf.mul(x, w), c) }), [w], { x });
    assert.ok(E.isRight(g));
    c.assign(tf.tensor1d([5]));
    w.assign(tf.tensor1d([7]));
    const y = g.right.apply({ x }).y;
    assert.deepEqual(Array.from(y.dataSync()), [21]);
    g.right.dispose();
    tf.dispose([w, c, x, y]);
  });

  test('refuses what a graph cannot hold, leaking nothing and leaving variables as they were', () => {
    const w = tf.variable(tf.ones([4]), true, 'refuse/w');
    const state = tf.variable(tf.zeros([4]), false, 'refuse/state');
    const x = tf.ones([4]);
    const cases: Array<[string, () => E.Either<string, unknown>, RegExp]> = [
      [
        'host read',
        () =>
          compileNativeGradient(
            ({ x }) => ({ y: tf.mul(tf.mul(x, w), tf.sum(x).dataSync()[0]!) }),
            [w],
            { x },
          ),
        /read a tensor on the host/,
      ],
      [
        'state',
        () =>
          compileNativeGradient(
            ({ x }) => {
              const y = tf.mul(x, w);
              state.assign(tf.add(state, y));
              return { y };
            },
            [w],
            { x },
          ),
        /assigned variable 'refuse\/state'/,
      ],
      [
        'int output',
        () => compileNativeGradient(({ x }) => ({ y: tf.cast(tf.mul(x, w), 'int32') }), [w], { x }),
        /output 'y' is int32/,
      ],
      [
        'not computed',
        () => compileNativeGradient(({ x }) => ({ y: x, z: tf.mul(x, w) }), [w], { x }),
        /output 'y' is not computed/,
      ],
      [
        'no parameters',
        () => compileNativeGradient(({ x }) => ({ y: tf.exp(x) }), [], { x }),
        /no parameters/,
      ],
    ];
    for (const [what, compile, message] of cases) {
      const before = tf.memory().numTensors;
      const r = compile();
      assert.ok(E.isLeft(r), what);
      assert.match(r.left, message, what);
      assert.deepEqual(Array.from(state.dataSync()), [0, 0, 0, 0], `${what}: state restored`);
      assert.equal(tf.memory().numTensors, before, what);
    }
    tf.dispose([w, state, x]);
  });

  test('an input of another shape than the trace is an error', () => {
    const w = tf.variable(tf.ones([3]), true, 'shape/w');
    const x = tf.ones([2, 3]);
    const g = compileNativeGradient(({ x }) => ({ y: tf.mul(x, w) }), [w], { x });
    assert.ok(E.isRight(g));
    const wrong = tf.ones([3, 3]);
    assert.throws(
      () => g.right.apply({ x: wrong }),
      /input 'x' must be float32 \[2, 3\].*got float32 \[3, 3\]/,
    );
    g.right.dispose();
    tf.dispose([w, x, wrong]);
  });
});
