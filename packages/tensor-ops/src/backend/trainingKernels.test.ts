import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { onBackend, randomArray, relativeError } from '../internal/testing.js';
import { testBackends } from './describeEachBackend.js';
import { initBackend } from './initBackend.js';

type Pad =
  | 'same'
  | 'valid'
  | [[number, number], [number, number], [number, number], [number, number]];
type Pair = [number, number];

const TOL = 1e-4;

/** Every backend but the cpu reference: wasm (with kd's kernels) and, when built, tensorflow. */
const COMPARED = testBackends().filter((b) => b !== 'cpu');

before(async () => {
  // Registers gradients, the dilated-conv gradients and the wasm kernels; cpu stays importable.
  for (const backend of COMPARED.slice().reverse()) await initBackend({ backend });
});

/** Inserts (d − 1) zeros between filter taps, with differentiable ops only: the cpu reference. */
function dilateFilter(w: tf.Tensor4D, d: Pair): tf.Tensor4D {
  const [fh, fw, ci, co] = w.shape;
  let out: tf.Tensor4D = w;
  if (d[0] > 1) {
    const r = tf.reshape(out, [fh, 1, fw, ci, co]);
    const p = tf.pad(r, [
      [0, 0],
      [0, d[0] - 1],
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    out = tf.slice(
      tf.reshape(p, [fh * d[0], fw, ci, co]) as tf.Tensor4D,
      [0, 0, 0, 0],
      [(fh - 1) * d[0] + 1, fw, ci, co],
    );
  }
  if (d[1] > 1) {
    const [h] = out.shape;
    const r = tf.reshape(out, [h, fw, 1, ci, co]);
    const p = tf.pad(r, [
      [0, 0],
      [0, 0],
      [0, d[1] - 1],
      [0, 0],
      [0, 0],
    ]);
    out = tf.slice(
      tf.reshape(p, [h, fw * d[1], ci, co]) as tf.Tensor4D,
      [0, 0, 0, 0],
      [h, (fw - 1) * d[1] + 1, ci, co],
    );
  }
  return out;
}

interface ConvCase {
  readonly x: [number, number, number, number];
  readonly f: [number, number, number, number];
  readonly strides: Pair;
  readonly pad: Pad;
  readonly dil: Pair;
}

function convGrads(
  c: ConvCase,
  reference: boolean,
): { dx: Float32Array; dw: Float32Array; y: Float32Array } {
  return tf.tidy(() => {
    const x = tf.tensor4d(
      randomArray(
        c.x.reduce((a, b) => a * b),
        1,
      ),
      c.x,
    );
    const w = tf.tensor4d(
      randomArray(
        c.f.reduce((a, b) => a * b),
        2,
      ),
      c.f,
    );
    const forward = (xi: tf.Tensor4D, wi: tf.Tensor4D): tf.Tensor4D =>
      reference && (c.dil[0] > 1 || c.dil[1] > 1)
        ? tf.conv2d(xi, dilateFilter(wi, c.dil), c.strides, c.pad)
        : tf.conv2d(xi, wi, c.strides, c.pad, 'NHWC', c.dil);
    const y = forward(x, w);
    const dy = tf.tensor(randomArray(y.size, 3), y.shape);
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(forward(a as tf.Tensor4D, b as tf.Tensor4D), dy)),
    );
    const [dx, dw] = g([x, w]);
    return {
      dx: dx!.dataSync() as Float32Array,
      dw: dw!.dataSync() as Float32Array,
      y: y.dataSync() as Float32Array,
    };
  });
}

const explicit: Pad = [
  [0, 0],
  [1, 2],
  [0, 3],
  [0, 0],
];
const convCases: ConvCase[] = [];
for (const k of [1, 2, 3, 5, 7]) {
  for (const strides of [
    [1, 1],
    [2, 2],
    [2, 3],
  ] as Pair[]) {
    for (const pad of ['same', 'valid', explicit] as Pad[]) {
      convCases.push({ x: [2, 13, 15, 3], f: [k, k, 3, 4], strides, pad, dil: [1, 1] });
    }
  }
  for (const dil of [
    [2, 2],
    [1, 3],
  ] as Pair[]) {
    for (const pad of ['same', 'valid', explicit] as Pad[]) {
      convCases.push({
        x: [2, 17, 16, 2],
        f: [k, Math.max(1, k - 1), 2, 3],
        strides: [1, 1],
        pad,
        dil,
      });
    }
  }
}

for (const backend of COMPARED) {
  describe(`conv2d gradients on ${backend} equal the cpu backend`, () => {
    for (const c of convCases) {
      const name = `f${c.f[0]}x${c.f[1]} s${c.strides.join(',')} d${c.dil.join(',')} pad ${JSON.stringify(c.pad)}`;
      test(name, async () => {
        const ref = await onBackend('cpu', () => convGrads(c, true));
        const got = await onBackend(backend, () => convGrads(c, false));
        assert.ok(relativeError(got.y, ref.y) <= TOL, 'forward');
        const ex = relativeError(got.dx, ref.dx);
        const ew = relativeError(got.dw, ref.dw);
        assert.ok(ex <= TOL, `dx relative error ${ex}`);
        assert.ok(ew <= TOL, `dw relative error ${ew}`);
      });
    }
  });
}

interface DwCase {
  readonly x: [number, number, number, number];
  readonly f: [number, number, number, number];
  readonly strides: Pair;
  readonly pad: 'same' | 'valid';
  readonly dil: Pair;
}

function depthwiseGrads(
  c: DwCase,
  reference: boolean,
): { dx: Float32Array; dw: Float32Array; y: Float32Array } {
  return tf.tidy(() => {
    const x = tf.tensor4d(
      randomArray(
        c.x.reduce((a, b) => a * b),
        4,
      ),
      c.x,
    );
    const w = tf.tensor4d(
      randomArray(
        c.f.reduce((a, b) => a * b),
        5,
      ),
      c.f,
    );
    const forward = (xi: tf.Tensor4D, wi: tf.Tensor4D): tf.Tensor4D =>
      reference && (c.dil[0] > 1 || c.dil[1] > 1)
        ? tf.depthwiseConv2d(xi, dilateFilter(wi, c.dil), c.strides, c.pad)
        : tf.depthwiseConv2d(xi, wi, c.strides, c.pad, 'NHWC', c.dil);
    const y = forward(x, w);
    const dy = tf.tensor(randomArray(y.size, 6), y.shape);
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(forward(a as tf.Tensor4D, b as tf.Tensor4D), dy)),
    );
    const [dx, dw] = g([x, w]);
    return {
      dx: dx!.dataSync() as Float32Array,
      dw: dw!.dataSync() as Float32Array,
      y: y.dataSync() as Float32Array,
    };
  });
}

for (const backend of COMPARED) {
  describe(`depthwise conv gradients on ${backend} equal the cpu backend`, () => {
    const cases: DwCase[] = [];
    for (const k of [1, 2, 3, 5]) {
      for (const mult of [1, 2]) {
        for (const strides of [
          [1, 1],
          [2, 2],
          [2, 3],
        ] as Pair[]) {
          for (const pad of ['same', 'valid'] as const) {
            cases.push({ x: [2, 12, 11, 3], f: [k, k, 3, mult], strides, pad, dil: [1, 1] });
          }
        }
        cases.push({
          x: [2, 14, 13, 3],
          f: [k, k, 3, mult],
          strides: [1, 1],
          pad: 'same',
          dil: [2, 2],
        });
        cases.push({
          x: [1, 14, 13, 2],
          f: [k, k, 2, mult],
          strides: [1, 1],
          pad: 'valid',
          dil: [2, 3],
        });
      }
    }
    for (const c of cases) {
      test(`f${c.f.join('x')} s${c.strides.join(',')} d${c.dil.join(',')} ${c.pad}`, async () => {
        const ref = await onBackend('cpu', () => depthwiseGrads(c, true));
        const got = await onBackend(backend, () => depthwiseGrads(c, false));
        assert.ok(relativeError(got.y, ref.y) <= TOL, 'forward');
        const ex = relativeError(got.dx, ref.dx);
        const ew = relativeError(got.dw, ref.dw);
        assert.ok(ex <= TOL, `dx relative error ${ex}`);
        assert.ok(ew <= TOL, `dw relative error ${ew}`);
      });
    }
  });
}

for (const backend of COMPARED) {
  describe(`UnsortedSegmentSum and the gradient of gather on ${backend}`, () => {
    test('segment sums with repeated ids equal the cpu backend', async () => {
      const run = () =>
        tf.tidy(() => {
          const x = tf.tensor2d(randomArray(7 * 5, 7), [7, 5]);
          const ids = tf.tensor1d([3, 0, 3, 1, 0, 3, 5], 'int32');
          return tf.unsortedSegmentSum(x, ids, 6).dataSync() as Float32Array;
        });
      const ref = await onBackend('cpu', run);
      const got = await onBackend(backend, run);
      assert.ok(relativeError(got, ref) <= TOL);
    });

    // TensorFlow itself rejects ids >= numSegments; this is the contract of kd's wasm kernel.
    test('ids outside [0, numSegments) are dropped', { skip: backend !== 'wasm' }, async () => {
      await tf.setBackend(backend);
      const out = tf.tidy(() =>
        Array.from(
          tf
            .unsortedSegmentSum(tf.tensor1d([1, 2, 4, 8]), tf.tensor1d([0, -1, 1, 9], 'int32'), 2)
            .dataSync(),
        ),
      );
      assert.deepEqual(out, [1, 4]);
    });

    test('gather gradient (duplicates and a non-zero axis) equals the cpu backend', async () => {
      const run = () =>
        tf.tidy(() => {
          const x = tf.tensor3d(randomArray(4 * 6 * 3, 8), [4, 6, 3]);
          const idx = tf.tensor1d([5, 0, 5, 2, 5], 'int32');
          const dy = tf.tensor3d(randomArray(4 * 5 * 3, 9), [4, 5, 3]);
          const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.gather(a, idx, 1), dy)));
          return g(x).dataSync() as Float32Array;
        });
      const ref = await onBackend('cpu', run);
      const got = await onBackend(backend, run);
      assert.ok(relativeError(got, ref) <= TOL);
    });
  });
}

for (const backend of COMPARED) {
  describe(`fused convolutions with stride larger than the filter on ${backend}`, () => {
    test("'same' padding equals TensorFlow's (cpu backend)", async () => {
      const run = () =>
        tf.tidy(() => {
          const x = tf.tensor4d(randomArray(1 * 13 * 15 * 2, 11), [1, 13, 15, 2]);
          const w = tf.tensor4d(randomArray(2 * 2 * 2 * 3, 12), [2, 2, 2, 3]);
          const b = tf.tensor1d([0.1, -0.2, 0.3]);
          const y = tf.fused.conv2d({
            x,
            filter: w,
            strides: [2, 3],
            pad: 'same',
            bias: b,
            activation: 'relu',
          });
          return y.dataSync() as Float32Array;
        });
      const ref = await onBackend('cpu', run);
      const got = await onBackend(backend, run);
      assert.ok(relativeError(got, ref) <= TOL);
    });
  });
}

for (const backend of COMPARED) {
  describe(`matMul with transposed operands on ${backend} (explicit-transpose patch)`, () => {
    for (const [ta, tb] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      test(`transposeA=${ta} transposeB=${tb}: values and gradients equal the cpu backend`, async () => {
        const run = () =>
          tf.tidy(() => {
            const a = tf.tensor3d(randomArray(2 * 5 * 7, 41), ta ? [2, 7, 5] : [2, 5, 7]);
            const b = tf.tensor3d(randomArray(2 * 7 * 3, 42), tb ? [2, 3, 7] : [2, 7, 3]);
            const dy = tf.tensor3d(randomArray(2 * 5 * 3, 43), [2, 5, 3]);
            const f = (x: tf.Tensor, y: tf.Tensor) =>
              tf.matMul(x as tf.Tensor3D, y as tf.Tensor3D, ta, tb);
            const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(f(x, y), dy)))([
              a,
              b,
            ]);
            return [f(a, b).dataSync(), ga!.dataSync(), gb!.dataSync()] as Float32Array[];
          });
        const ref = await onBackend('cpu', run);
        const got = await onBackend(backend, run);
        ref.forEach((r, i) => assert.ok(relativeError(got[i]!, r) <= TOL, `output ${i}`));
      });
    }
  });
}
