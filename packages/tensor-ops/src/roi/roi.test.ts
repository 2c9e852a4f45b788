import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { testBackends } from '../backend/describeEachBackend.js';
import { assertClose, finiteDifferenceError, fixture, noLeak, useBackend } from '../test-util.js';
import { roiAlign } from './roiAlign.js';
import { roiPool } from './roiPool.js';

const fx = fixture('roi.json');
const [N, H, W, C] = fx.shape as [number, number, number, number];

interface Case {
  op: 'roiAlign' | 'roiPool';
  spatialScale: number;
  aligned?: boolean;
  samplingRatio?: number;
  outputSize: [number, number];
  rois: number[];
  batchIndices: number[];
  output: number[];
  gradOutput: number[];
  gradInput: number[];
}

/** Both RoIAlign formulations are checked against torchvision on every case. */
const METHODS = ['separable', 'sparse'] as const;

function run(
  c: Case,
  feat: tf.Tensor4D,
  rois: tf.Tensor2D,
  bi: tf.Tensor1D,
  method: (typeof METHODS)[number] = 'separable',
): tf.Tensor4D {
  return c.op === 'roiAlign'
    ? roiAlign(feat, rois, bi, {
        outputSize: c.outputSize,
        spatialScale: c.spatialScale,
        samplingRatio: c.samplingRatio!,
        aligned: c.aligned!,
        method,
      })
    : roiPool(feat, rois, bi, { outputSize: c.outputSize, spatialScale: c.spatialScale });
}

const name = (c: Case) =>
  `${c.op} scale 1/${1 / c.spatialScale} out ${c.outputSize.join('x')}` +
  (c.op === 'roiAlign' ? ` aligned ${c.aligned} samplingRatio ${c.samplingRatio}` : '');

for (const backend of testBackends()) {
  test(`${backend}: RoIAlign / RoIPool forward and grad_input equal torchvision on ${fx.cases.length} cases`, async (t) => {
    await useBackend(backend);
    for (const c of fx.cases as Case[]) {
      for (const method of c.op === 'roiAlign' ? METHODS : (['separable'] as const)) {
        await t.test(`${name(c)}${c.op === 'roiAlign' ? ` (${method})` : ''}`, async () => {
          await noLeak(() => {
            const feat = tf.tensor4d(fx.features, [N, H, W, C]);
            const k = c.batchIndices.length;
            const rois = tf.tensor2d(c.rois, [k, 4]);
            const bi = tf.tensor1d(c.batchIndices, 'int32');
            const y = run(c, feat, rois, bi, method);
            assert.deepEqual(y.shape, [k, c.outputSize[0], c.outputSize[1], C]);
            assertClose(y.dataSync(), c.output, 1e-4, 1e-5, 'forward');
            const dy = tf.tensor4d(c.gradOutput, y.shape);
            const g = tf.grad((x: tf.Tensor) =>
              tf.sum(tf.mul(run(c, x as tf.Tensor4D, rois, bi, method), dy)),
            )(feat);
            assertClose(g.dataSync(), c.gradInput, 1e-4, 1e-5, 'grad_input');
            tf.dispose([feat, rois, bi, y, dy, g]);
          });
        });
      }
    }
  });
}

for (const backend of testBackends()) {
  test(`${backend}: finite-difference gradients of roiAlign and roiPool with respect to the features`, async () => {
    await useBackend(backend);
    await noLeak(() => {
      const x0 = Float32Array.from(
        { length: 1 * 5 * 6 * 2 },
        (_, i) => Math.sin(i * 1.7) * 3 + i * 0.01,
      );
      const rois = Float32Array.from([2, 3, 60, 50, -10, 8, 40, 90, 30, 30, 31, 31]);
      const bi = Int32Array.from([0, 0, 0]);
      const eA = finiteDifferenceError(
        (x) =>
          roiAlign(x as tf.Tensor4D, rois, bi, {
            outputSize: [2, 3],
            spatialScale: 1 / 16,
            samplingRatio: 0,
            aligned: true,
          }),
        x0,
        [1, 5, 6, 2],
      );
      // distinct feature values: max pooling is locally linear, finite differences are exact
      const eP = finiteDifferenceError(
        (x) => roiPool(x as tf.Tensor4D, rois, bi, { outputSize: [2, 2], spatialScale: 1 / 16 }),
        x0,
        [1, 5, 6, 2],
        1e-3,
      );
      assert.ok(eA < 1e-2, `roiAlign finite-difference error ${eA}`);
      assert.ok(eP < 1e-2, `roiPool finite-difference error ${eP}`);
    });
  });
}

for (const backend of testBackends()) {
  test(`${backend}: separable roiAlign on images with unequal RoI counts, in any order, one image without any, equals the sparse formulation (forward and gradient)`, async () => {
    await useBackend(backend);
    await noLeak(() => {
      const feat = tf.tensor4d(
        Float32Array.from({ length: 4 * 6 * 5 * 3 }, (_, i) => Math.cos(i * 0.37) * 2),
        [4, 6, 5, 3],
      );
      // Images 2, 0, 2, 3, 2, 0: counts 2 / 0 / 3 / 1, not sorted by image.
      const bi = Int32Array.from([2, 0, 2, 3, 2, 0]);
      const rois = Float32Array.from(
        { length: 24 },
        (_, i) => (i % 4 < 2 ? 0 : 30) + ((i * 7) % 11) * (i % 4 < 2 ? 1 : 2),
      );
      const dy = tf.tensor4d(
        Float32Array.from({ length: 6 * 2 * 3 * 3 }, (_, i) => Math.sin(i)),
        [6, 2, 3, 3],
      );
      const both = (['separable', 'sparse'] as const).map((method) => {
        const f = (x: tf.Tensor) =>
          roiAlign(x as tf.Tensor4D, rois, bi, {
            outputSize: [2, 3],
            spatialScale: 1 / 8,
            samplingRatio: 2,
            aligned: true,
            method,
          });
        const y = f(feat);
        const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(f(x), dy)))(feat);
        return { y, g };
      });
      assertClose(both[0]!.y.dataSync(), both[1]!.y.dataSync(), 1e-5, 1e-6, 'forward');
      assertClose(both[0]!.g.dataSync(), both[1]!.g.dataSync(), 1e-5, 1e-6, 'gradient');
      tf.dispose([feat, dy, ...both.flatMap((b) => [b.y, b.g])]);
    });
  });
}

test('roiAlign: empty RoI list, bad batch index, host inputs', async () => {
  await useBackend('cpu');
  await noLeak(() => {
    const feat = tf.zeros([1, 4, 4, 2]) as tf.Tensor4D;
    const y = roiAlign(feat, new Float32Array(0), new Int32Array(0), {
      outputSize: 2,
      spatialScale: 1,
    });
    assert.deepEqual(y.shape, [0, 2, 2, 2]);
    const sparse = roiAlign(feat, new Float32Array(0), new Int32Array(0), {
      outputSize: 2,
      spatialScale: 1,
      method: 'sparse',
    });
    assert.deepEqual(sparse.shape, [0, 2, 2, 2]);
    sparse.dispose();
    assert.throws(
      () =>
        roiAlign(feat, Float32Array.from([0, 0, 1, 1]), Int32Array.from([3]), {
          outputSize: 2,
          spatialScale: 1,
        }),
      /batch index 3/,
    );
    tf.dispose([feat, y]);
  });
});
