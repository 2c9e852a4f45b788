import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { useCpu } from '@kd/tensor-ops/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import { boxRegressionLoss } from './boxRegressionLoss.js';
import { classColumnWeights } from './classColumnWeights.js';
import { hintLoss } from './hintLoss.js';
import { normalizer } from './normalization.js';
import { decodePaperObjectiveConfig } from './presets/objectiveConfig.js';
import { paperObjective } from './presets/paperObjective.js';
import { selectClassDeltas } from './selectClassDeltas.js';
import { smoothL1Beta } from './smoothL1.js';
import { softCrossEntropy } from './softCrossEntropy.js';
import { softmaxCrossEntropy } from './softmaxCrossEntropy.js';

describe('argument validation and small cases', () => {
  before(useCpu);

  test('shape errors name the argument, the expected and the actual shape', () => {
    tf.tidy(() => {
      assert.throws(
        () => softmaxCrossEntropy(tf.zeros([4, 3]) as tf.Tensor2D, tf.zeros([5]) as tf.Tensor1D),
        /labels: expected shape \[4\] \(\[K\] labels\), got \[5\]/,
      );
      assert.throws(
        () =>
          boxRegressionLoss(
            tf.zeros([4, 4]) as tf.Tensor2D,
            tf.zeros([4, 5]) as tf.Tensor2D,
            tf.zeros([4]) as tf.Tensor1D,
            { smoothL1: { sigma: 1 } },
          ),
        /deltas \[4, 4\] and targets \[4, 5\]/,
      );
      assert.throws(
        () =>
          softCrossEntropy(tf.zeros([2, 3]) as tf.Tensor2D, tf.zeros([2, 3]) as tf.Tensor2D, {
            classWeights: [1, 1],
          }),
        /2 entries, logits have 3 class columns/,
      );
      assert.throws(
        () =>
          softCrossEntropy(tf.zeros([2, 3]) as tf.Tensor2D, tf.zeros([2, 3]) as tf.Tensor2D, {
            temperature: 0,
          }),
        /temperature/,
      );
      assert.throws(
        () =>
          hintLoss(tf.zeros([1, 2, 2, 3]), tf.zeros([1, 2, 2, 3]), { mask: tf.zeros([1, 3, 2]) }),
        /mask \[1, 3, 2\]/,
      );
      assert.throws(
        () => selectClassDeltas(tf.zeros([2, 6]) as tf.Tensor2D, tf.zeros([2]) as tf.Tensor1D),
        /4·\(C\+1\)/,
      );
    });
    assert.throws(() => paperObjective({ mu: 1.5 }), /mu must be in \[0, 1\]/);
    assert.throws(() => classColumnWeights(1), /at least 2/);
  });

  test('smooth L1 conventions: β = 1/σ²', () => {
    assert.equal(smoothL1Beta({ sigma: 3 }), 1 / 9);
    assert.equal(smoothL1Beta({ beta: 0.25 }), 0.25);
    assert.throws(() => smoothL1Beta({ beta: -1 }), /beta/);
  });

  test('normalisers: sampled, positives, sum, fixed; empty sets divide by 1', () => {
    tf.tidy(() => {
      const l = tf.tensor1d([1, 0, -1, 2, 0], 'int32');
      assert.equal(normalizer(l, 'sampled').dataSync()[0], 4);
      assert.equal(normalizer(l, 'positives').dataSync()[0], 2);
      assert.equal(normalizer(l, 'sum').dataSync()[0], 1);
      assert.equal(normalizer(l, { divideBy: 8 }).dataSync()[0], 8);
      assert.equal(normalizer(tf.tensor1d([-1, -1], 'int32'), 'sampled').dataSync()[0], 1);
      assert.throws(() => normalizer(l, { divideBy: 0 }), /divideBy/);
    });
  });

  test('hint loss: all-zero mask gives 0, not NaN', () => {
    tf.tidy(() => {
      const v = hintLoss(tf.ones([1, 2, 2, 3]), tf.zeros([1, 2, 2, 3]), {
        mask: tf.zeros([1, 2, 2]),
      });
      assert.equal(v.dataSync()[0], 0);
    });
  });

  test('config: μ > 1 and negative weights are refused; nested schedule paths are reported', () => {
    const r = decodePaperObjectiveConfig(
      { mu: 1.5, distillWeight: { type: 'step', initial: 0, changes: [{ step: -3, value: 1 }] } },
      'kd.json',
    );
    assert.ok(E.isLeft(r));
    if (E.isLeft(r)) {
      const msg = r.left.join('\n');
      assert.match(msg, /kd\.json: at loss\.mu: expected NumberIn\[0,1\]/);
      assert.match(
        msg,
        /at loss\.distillWeight\.changes\[0\]\.step: expected NonNegativeInteger, got -3/,
      );
    }
  });

  test('config: a misspelt knob is an error naming it, not a silent default', () => {
    const r = decodePaperObjectiveConfig({ tmperature: 2, mu: 0.5 }, 'kd.json');
    assert.ok(E.isLeft(r));
    if (E.isLeft(r)) {
      assert.equal(r.left.length, 1);
      assert.match(
        r.left[0]!,
        /kd\.json: at loss\.tmperature: unknown key; expected one of .*temperature/,
      );
    }
    assert.ok(E.isRight(decodePaperObjectiveConfig({ temperature: 2 }, 'kd.json')));
  });
});
