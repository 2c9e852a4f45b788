import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { useCpu } from '@kd/tensor-ops/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import { isAdaptationVariable } from './adaptationLayer.js';
import { createConvAdaptation } from './convAdaptation.js';
import { createHintPairing, type HintPairing, type HintPairingSpec } from './hintPairing.js';
import { decodeHintPairingSpec } from './hintPairingSpecCodec.js';
import { planResolution } from './planResolution.js';

const right = (r: E.Either<string, HintPairing>): HintPairing => {
  if (E.isLeft(r)) throw new Error(r.left);
  return r.right;
};
const left = (r: E.Either<string, HintPairing>): string => {
  if (E.isRight(r)) {
    r.right.dispose();
    throw new Error('expected a Left');
  }
  return r.left;
};

describe('hint pairings', () => {
  before(useCpu);

  test('resolution plans per case', () => {
    const plan = (s: number[], t: number[], ss?: number, ts?: number) => {
      const r = planResolution(
        { name: 's', shape: s, ...(ss ? { stride: ss } : {}) },
        { name: 't', shape: t, ...(ts ? { stride: ts } : {}) },
      );
      return E.isRight(r) ? r.right.mode : r.left;
    };
    assert.equal(plan([38, 50, 256], [38, 50, 512]), 'identity');
    assert.equal(plan([37, 50, 256], [38, 50, 512], 16, 16), 'pad'); // border rounding
    assert.equal(plan([22, 28, 512], [43, 55, 512], 16, 16), 'bilinear'); // low-res student
    assert.equal(plan([19, 25, 256], [38, 50, 512], 32, 16), 'bilinear'); // coarser stride
    assert.equal(plan([76, 100, 128], [38, 50, 512], 8, 16), 'area'); // finer stride
    assert.match(
      plan([38, 50, 256], [50, 38, 512]),
      /student 's' \[38, 50, 256\] to teacher 't' \[50, 38, 512\]/,
    );
    const s = planResolution(
      { name: 's', shape: [9, 9, 1] },
      { name: 't', shape: [4, 4, 1] },
      'stride',
    );
    assert.ok(E.isLeft(s) && /integer multiple/.test(s.left) && /\[9, 9, 1\]/.test(s.left));
    const id = planResolution(
      { name: 's', shape: [9, 9, 1] },
      { name: 't', shape: [8, 8, 1] },
      'identity',
    );
    assert.ok(E.isLeft(id) && /\[9, 9, 1\].*\[8, 8, 1\]/.test(id.left));
  });

  test('shapes and names are checked at construction, naming both layers', () => {
    const spec: HintPairingSpec = {
      teacher: { name: 'conv5_3', shape: [38, 50, 512], stride: 16 },
      student: { name: 'conv4', shape: [38, 50, 256], stride: 16 },
    };
    assert.match(
      left(createHintPairing({ ...spec, student: { name: 'fc7', shape: [4096] } })),
      /student 'fc7' \[4096\] with teacher 'conv5_3' \[38, 50, 512\]/,
    );
    assert.match(
      left(
        createHintPairing(spec, {
          teacher: { conv5_3: [38, 50, 512] },
          student: { conv3: [1, 1, 1] },
        }),
      ),
      /student layer 'conv4' not found; available: conv3/,
    );
    assert.match(
      left(createHintPairing(spec, { teacher: { conv5_3: [19, 25, 512] } })),
      /teacher layer 'conv5_3' has shape \[19, 25, 512\], the pairing says \[38, 50, 512\]/,
    );
    assert.match(left(createHintPairing({ ...spec, adaptation: 'fc' })), /'fc' does not fit/);
    const p = right(
      createHintPairing(spec, {
        teacher: { conv5_3: [38, 50, 512] },
        student: { conv4: [38, 50, 256] },
      }),
    );
    assert.equal(p.layer.kind, 'conv1x1');
    assert.match(p.describe(), /conv1x1\(256→512/);
    p.dispose();
  });

  test('adapt: low-res student to teacher size, leak-free, errors name both shapes', () => {
    const before = tf.memory().numTensors;
    const p = right(
      createHintPairing({
        teacher: { name: 't', shape: [6, 10, 4], stride: 16 },
        student: { name: 's', shape: [3, 5, 2], stride: 16 },
        adaptation: 'conv3x3',
        normalize: 'channelL2',
      }),
    );
    tf.tidy(() => {
      const v = p.adapt(tf.ones([2, 3, 5, 2]));
      assert.deepEqual(v.shape, [2, 6, 10, 4]);
      // channel-L2 normalised: unit vectors per position
      const norms = tf.sqrt(tf.sum(tf.square(v), -1)).dataSync();
      for (const n of norms) assert.ok(Math.abs(n - 1) < 1e-3 || n < 1e-3);
      const z = p.target(tf.randomNormal([2, 6, 10, 4]));
      assert.deepEqual(z.shape, [2, 6, 10, 4]);
      assert.throws(() => p.adapt(tf.ones([2, 5, 3, 2])), /\[2, 5, 3, 2\].*\[B, 3, 5, 2\].*'s'/);
    });
    const vars = p.variables();
    assert.equal(vars.length, 2);
    assert.ok(vars.every((v) => isAdaptationVariable(v) && v.trainable));
    p.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  test('fc hint pairing', () => {
    const p = right(
      createHintPairing({
        teacher: { name: 'fc7', shape: [16] },
        student: { name: 'fc6', shape: [8] },
      }),
    );
    tf.tidy(() => assert.deepEqual(p.adapt(tf.ones([3, 8])).shape, [3, 16]));
    assert.equal(p.layer.kind, 'fc');
    p.dispose();
  });

  test('He-normal init is seeded and scaled by fan-in', () => {
    const a = createConvAdaptation({ inChannels: 64, outChannels: 64, seed: 7 });
    const b = createConvAdaptation({ inChannels: 64, outChannels: 64, seed: 7 });
    const c = createConvAdaptation({ inChannels: 64, outChannels: 64, seed: 8 });
    const ka = Array.from(a.variables()[0]!.dataSync());
    assert.deepEqual(ka, Array.from(b.variables()[0]!.dataSync()));
    assert.notDeepEqual(ka, Array.from(c.variables()[0]!.dataSync()));
    const std = Math.sqrt(ka.reduce((s, v) => s + v * v, 0) / ka.length);
    assert.ok(Math.abs(std - Math.sqrt(2 / 64)) < 0.02, `std ${std}`);
    assert.ok(
      a
        .variables()[1]!
        .dataSync()
        .every((v) => v === 0),
    );
    for (const l of [a, b, c]) l.dispose();
  });

  test('JSON specs are decoded with io-ts and errors give the path', () => {
    const ok = decodeHintPairingSpec({
      teacher: { name: 'conv5_3', shape: [38, 50, 512], stride: 16 },
      student: { name: 'conv5', shape: [19, 25, 256], stride: 16 },
      resolution: 'bilinear',
    });
    assert.ok(E.isRight(ok));
    const bad = decodeHintPairingSpec(
      {
        teacher: { name: 'conv5_3', shape: [38, 50, 512] },
        student: { name: 'x', shape: [19, 0, 256] },
        resolution: 'cubic',
      },
      'kd.json',
    );
    assert.ok(E.isLeft(bad));
    if (E.isLeft(bad)) {
      const msg = bad.left.join('\n');
      assert.match(msg, /kd\.json: at hint\.student\.shape\[1\]: expected PositiveInteger, got 0/);
      assert.match(
        msg,
        /at hint\.resolution: expected "auto" \| "identity" \| "bilinear" \| "nearest" \| "area" \| "stride" \| "pad", got "cubic"/,
      );
    }
  });
});
