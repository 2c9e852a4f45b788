import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { assertCloseToGolden, noLeakSync, useCpu } from '@kd/tensor-ops/testing';
import * as tf from '@tensorflow/tfjs-core';
import { boundedRegressionLoss } from './boundedRegressionLoss.js';
import { boxRegressionLoss } from './boxRegressionLoss.js';
import { distillationClassificationLoss } from './distillationClassificationLoss.js';
import { distillationRegressionLoss } from './distillationRegressionLoss.js';
import { softCrossEntropy } from './softCrossEntropy.js';
import { softmaxCrossEntropy } from './softmaxCrossEntropy.js';

const labels = () => tf.tensor1d([0, 2, -1, 1, 0, 3, 2, -1], 'int32');

describe('reductions of the distillation losses', () => {
  before(useCpu);

  test('μ = 1 gives the plain Faster R-CNN classification loss', () => {
    noLeakSync(() =>
      tf.tidy(() => {
        const s = tf.randomNormal([8, 4], 0, 2, 'float32', 1) as tf.Tensor2D;
        const t = tf.randomNormal([8, 4], 0, 2, 'float32', 2) as tf.Tensor2D;
        const a = distillationClassificationLoss(s, t, labels(), { mu: 1 });
        const b = softmaxCrossEntropy(s, labels());
        assertCloseToGolden(a.dataSync(), b.dataSync(), 'mu=1');
      }),
    );
  });

  test('ν = 0 gives the plain smooth-L1 regression loss', () => {
    noLeakSync(() =>
      tf.tidy(() => {
        const rs = tf.randomNormal([8, 4], 0, 1, 'float32', 3) as tf.Tensor2D;
        const rt = tf.randomNormal([8, 4], 0, 1, 'float32', 4) as tf.Tensor2D;
        const y = tf.randomNormal([8, 4], 0, 1, 'float32', 5) as tf.Tensor2D;
        const a = distillationRegressionLoss(rs, rt, y, labels(), {
          smoothL1: { sigma: 1 },
          nu: 0,
        });
        const b = boxRegressionLoss(rs, y, labels(), { smoothL1: { beta: 1 } });
        assertCloseToGolden(a.dataSync(), b.dataSync(), 'nu=0');
      }),
    );
  });

  test('all weights 1 and μ = 0 give the standard soft cross-entropy −Σ P_t log P_s', () => {
    noLeakSync(() =>
      tf.tidy(() => {
        const s = tf.randomNormal([8, 4], 0, 2, 'float32', 6) as tf.Tensor2D;
        const t = tf.randomNormal([8, 4], 0, 2, 'float32', 7) as tf.Tensor2D;
        const a = distillationClassificationLoss(s, t, labels(), {
          mu: 0,
          classWeights: [1, 1, 1, 1],
        });
        // plain arrays: mean over the 6 sampled rows of −Σ_c P_t log P_s
        const sv = s.arraySync();
        const tv = t.arraySync();
        const lv = labels().arraySync();
        let sum = 0;
        let n = 0;
        for (let k = 0; k < 8; k++) {
          if (lv[k]! < 0) continue;
          n++;
          const ms = Math.max(...sv[k]!);
          const lse = ms + Math.log(sv[k]!.reduce((acc, z) => acc + Math.exp(z - ms), 0));
          const mt = Math.max(...tv[k]!);
          const zt = tv[k]!.reduce((acc, z) => acc + Math.exp(z - mt), 0);
          for (let c = 0; c < 4; c++) sum -= (Math.exp(tv[k]![c]! - mt) / zt) * (sv[k]![c]! - lse);
        }
        assertCloseToGolden(a.dataSync(), [sum / n], 'standard soft CE');
        const b = softCrossEntropy(s, t, { labels: labels() });
        assertCloseToGolden(b.dataSync(), [sum / n], 'unweighted soft CE');
      }),
    );
  });

  test('soft CE with teacher = student logits, T = 1, w = 1 equals the student entropy', () => {
    tf.tidy(() => {
      const s = tf.tensor2d([[0, 0]]);
      assertCloseToGolden(
        softCrossEntropy(s, s).dataSync(),
        [Math.log(2)],
        'entropy of a fair coin',
      );
    });
  });

  test('L_b is zero when the student beats the teacher by the margin, active otherwise', () => {
    noLeakSync(() =>
      tf.tidy(() => {
        const y = tf.zeros([3, 4]) as tf.Tensor2D;
        const rt = tf.fill([3, 4], 0.5) as tf.Tensor2D; // ‖R_t − y‖² = 1 per box
        const lab = tf.tensor1d([1, 1, 1], 'int32');
        // student errors 0.8, 0.95, 1.2 per box; m = 0.1
        const rs = tf.tensor2d([
          [Math.sqrt(0.8), 0, 0, 0],
          [Math.sqrt(0.95), 0, 0, 0],
          [Math.sqrt(1.2), 0, 0, 0],
        ]);
        const l = boundedRegressionLoss(rs, rt, y, lab, { margin: 0.1 });
        // box 1 beats the teacher by 0.2 > m → 0; box 2 by 0.05 < m → 0.95; box 3 worse → 1.2
        assertCloseToGolden(l.dataSync(), [(0.95 + 1.2) / 3], 'per-box bound');
        const m0 = boundedRegressionLoss(rs, rt, y, lab, { margin: 0 });
        // m = 0: only box 3 is worse than its teacher
        assertCloseToGolden(m0.dataSync(), [1.2 / 3], 'm = 0');
        const better = boundedRegressionLoss(tf.mul(rs, 0.1) as tf.Tensor2D, rt, y, lab, {
          margin: 0.5,
        });
        assert.equal(better.dataSync()[0], 0);
        const g = tf.grad((x: tf.Tensor) =>
          boundedRegressionLoss(x as tf.Tensor2D, rt, y, lab, { margin: 0.5 }),
        )(tf.mul(rs, 0.1));
        assert.deepEqual(Array.from(g.dataSync()), new Array(12).fill(0));
      }),
    );
  });

  test('the bound compares per box, not once per batch', () => {
    tf.tidy(() => {
      const y = tf.zeros([2, 4]) as tf.Tensor2D;
      const lab = tf.tensor1d([1, 1], 'int32');
      // batch totals: student 0.1 + 3 = 3.1 < teacher 2 + 2 = 4, yet box 2 is worse than its teacher
      const rs = tf.tensor2d([
        [Math.sqrt(0.1), 0, 0, 0],
        [Math.sqrt(3), 0, 0, 0],
      ]);
      const rt = tf.tensor2d([
        [Math.sqrt(2), 0, 0, 0],
        [Math.sqrt(2), 0, 0, 0],
      ]);
      assertCloseToGolden(boundedRegressionLoss(rs, rt, y, lab).dataSync(), [3 / 2], 'per box');
    });
  });
});
