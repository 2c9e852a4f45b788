import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { assertClose, finiteDifferenceError, fixture, noLeak, useCpu } from '../test-util.js';
import type { BoxCodingConvention, BoxCodingWeights } from './boxCoding.js';
import { decodeBoxes } from './decodeBoxes.js';
import { encodeBoxes } from './encodeBoxes.js';

const fx = fixture('coding.json');
before(useCpu);

interface Case {
  convention: BoxCodingConvention;
  weights: BoxCodingWeights;
  encoded: number[];
  deltas: number[];
  decoded: number[];
}

for (const c of fx.cases as Case[]) {
  test(`encode/decode match the reference: ${c.convention}, weights ${c.weights.join(',')}`, async () => {
    await noLeak(() => {
      const props = tf.tensor2d(fx.proposals, [12, 4]);
      const ref = tf.tensor2d(fx.reference, [12, 4]);
      const enc = encodeBoxes(ref, props, { weights: c.weights, convention: c.convention });
      assertClose(enc.dataSync(), c.encoded, 1e-4, 1e-5, 'encode');
      const deltas = tf.tensor2d(c.deltas, [12, 8]);
      const dec = decodeBoxes(deltas, props, { weights: c.weights, convention: c.convention });
      assert.deepEqual(dec.shape, [12, 8]);
      assertClose(dec.dataSync(), c.decoded, 1e-4, 1e-3, 'decode');
      tf.dispose([props, ref, enc, deltas, dec]);
    });
  });
}

test('decode(encode(x)) is the identity for torchvision and detectron conventions', async () => {
  await noLeak(() => {
    const props = tf.tensor2d(fx.proposals, [12, 4]);
    const ref = tf.tensor2d(fx.reference, [12, 4]);
    for (const convention of ['torchvision', 'detectron'] as const) {
      const w = [10, 10, 5, 5] as const;
      const round = tf.tidy(() =>
        decodeBoxes(encodeBoxes(ref, props, { weights: w, convention }), props, {
          weights: w,
          convention,
        }),
      );
      assertClose(round.dataSync(), fx.reference, 1e-4, 1e-3, convention);
      round.dispose();
    }
    tf.dispose([props, ref]);
  });
});

test('encode and decode are differentiable (finite differences, cpu)', async () => {
  await noLeak(() => {
    const props = tf.tensor2d([10, 20, 50, 60, 0, 0, 30, 15], [2, 4]);
    const e1 = finiteDifferenceError(
      (x) => encodeBoxes(x as tf.Tensor2D, props, { weights: [10, 10, 5, 5] }),
      Float32Array.from([12, 18, 55, 70, 2, 1, 25, 20]),
      [2, 4],
      1e-2,
    );
    const e2 = finiteDifferenceError(
      (x) => decodeBoxes(x as tf.Tensor2D, props, { weights: [10, 10, 5, 5] }),
      Float32Array.from([0.5, -1, 0.3, 0.2, 1, 2, -0.4, 0.1]),
      [2, 4],
      1e-2,
    );
    assert.ok(e1 < 2e-2 && e2 < 2e-2, `finite-difference errors ${e1}, ${e2}`);
    props.dispose();
  });
});
