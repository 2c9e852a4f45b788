import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { assertCloseToGolden, useCpu } from '@kd/tensor-ops/testing';
import * as tf from '@tensorflow/tfjs-core';
import type { DistillContext } from './distillContext.js';
import { ablationRows, ablationStack } from './presets/ablationStack.js';
import { fasterRcnnObjective, paperObjective } from './presets/paperObjective.js';
import { lossStack } from './stack/lossStack.js';
import { lossTerm } from './stack/lossTerm.js';
import { cosineWarmup, linear } from './stack/schedule.js';
import { stackGradients } from './stack/stackGradients.js';

function makeContext(seed: number, rawFeatureShape = [1, 2, 3, 4]): DistillContext {
  const r = (shape: number[], s: number) => tf.randomNormal(shape, 0, 1, 'float32', seed * 100 + s);
  return {
    student: {
      rpnLogits: r([10, 2], 1) as tf.Tensor2D,
      rpnDeltas: r([10, 4], 2) as tf.Tensor2D,
      rcnLogits: r([6, 4], 3) as tf.Tensor2D,
      rcnDeltas: r([6, 16], 4) as tf.Tensor2D,
      features: r(rawFeatureShape, 5),
      adaptedFeatures: r([1, 2, 3, 4], 6),
    },
    teacher: {
      rpnLogits: r([10, 2], 7) as tf.Tensor2D,
      rpnDeltas: r([10, 4], 8) as tf.Tensor2D,
      rcnLogits: r([6, 4], 9) as tf.Tensor2D,
      rcnDeltas: r([6, 16], 10) as tf.Tensor2D,
      features: r([1, 2, 3, 4], 11),
    },
    targets: {
      rpnLabels: tf.tensor1d([1, 0, 0, -1, 1, 0, -1, 0, 1, 0], 'int32'),
      rpnTargets: r([10, 4], 12) as tf.Tensor2D,
      rcnLabels: tf.tensor1d([2, 0, 3, 1, 0, -1], 'int32'),
      rcnTargets: r([6, 4], 13) as tf.Tensor2D,
    },
  };
}

const value = (t: tf.Scalar) => t.dataSync()[0]!;

describe('loss stacks', () => {
  before(useCpu);

  test('the paper objective is L_RPN + L_RCN + γ·L_hint of its parts, leak-free', () => {
    const ctx = makeContext(1);
    const before = tf.memory().numTensors;
    const r = paperObjective({ mu: 0.6, lambda: 2, nu: 0.5, gamma: 0.25 }).evaluate(ctx);
    const c = Object.fromEntries(Object.entries(r.components).map(([k, v]) => [k, value(v)]));
    assert.deepEqual(Object.keys(c).sort(), [
      'hint',
      'rcn_cls',
      'rcn_kd_cls',
      'rcn_kd_reg',
      'rcn_reg',
      'rpn_cls',
      'rpn_kd_cls',
      'rpn_kd_reg',
      'rpn_reg',
    ]);
    const lRpn = 0.6 * c.rpn_cls! + 0.4 * c.rpn_kd_cls! + 2 * (c.rpn_reg! + 0.5 * c.rpn_kd_reg!);
    const lRcn = 0.6 * c.rcn_cls! + 0.4 * c.rcn_kd_cls! + 2 * (c.rcn_reg! + 0.5 * c.rcn_kd_reg!);
    assertCloseToGolden([value(r.total)], [lRpn + lRcn + 0.25 * c.hint!], 'total');
    assert.equal(r.weights.rpn_kd_reg, 1);
    tf.dispose([r.total, r.components]);
    assert.equal(tf.memory().numTensors, before);
    tf.dispose(ctx as unknown as tf.TensorContainer);
  });

  test('μ = 1 paper objective without distillation equals plain Faster R-CNN', () => {
    const ctx = makeContext(2);
    const a = paperObjective({ mu: 1, distillWeight: 0 }).evaluate(ctx);
    const b = fasterRcnnObjective().evaluate(ctx);
    assertCloseToGolden([value(a.total)], [value(b.total)], 'mu = 1');
    assert.deepEqual(Object.keys(a.components).sort(), [
      'rcn_cls',
      'rcn_reg',
      'rpn_cls',
      'rpn_reg',
    ]);
    tf.dispose([a.total, a.components, b.total, b.components]);
    tf.dispose(ctx as unknown as tf.TensorContainer);
  });

  test('every ablation row builds and evaluates with its own keys', () => {
    const ctx = makeContext(3);
    const keys: Record<string, string[]> = {};
    for (const row of ablationRows) {
      const r = ablationStack(row).evaluate(ctx);
      assert.ok(Number.isFinite(value(r.total)), row);
      keys[row] = Object.keys(r.components).sort();
      tf.dispose([r.total, r.components]);
    }
    const det = ['rcn_cls', 'rcn_reg', 'rpn_cls', 'rpn_reg'];
    assert.deepEqual(keys.baseline, det);
    assert.deepEqual(keys.CLS, [...det, 'rcn_kd_cls', 'rpn_kd_cls'].sort());
    assert.deepEqual(keys.L2, [...det, 'rcn_kd_l2', 'rpn_kd_l2'].sort());
    assert.deepEqual(keys['L2-B'], [...det, 'rcn_kd_reg', 'rpn_kd_reg'].sort());
    assert.deepEqual(keys.Hints, [...det, 'hint'].sort());
    // CLS and CLS-W differ only by the background column weight
    const cls = ablationStack('CLS').evaluate(ctx);
    const clsw = ablationStack('CLS-W').evaluate(ctx);
    assert.notEqual(value(cls.components.rcn_kd_cls!), value(clsw.components.rcn_kd_cls!));
    assert.equal(value(cls.components.rcn_cls!), value(clsw.components.rcn_cls!));
    tf.dispose([cls, clsw] as unknown as tf.TensorContainer);
    tf.dispose(ctx as unknown as tf.TensorContainer);
  });

  test('Hints without adaptation names both shapes when they differ', () => {
    const ctx = makeContext(4, [1, 2, 3, 2]);
    assert.throws(() => ablationStack('Hints').evaluate(ctx), /\[1, 2, 3, 2\].*\[1, 2, 3, 4\]/);
    tf.dispose(ctx as unknown as tf.TensorContainer);
  });

  test('a user-written term joins a preset with a schedule', () => {
    const ctx = makeContext(5);
    const featL1 = lossTerm(
      'feat_l1',
      (c: DistillContext) => tf.mean(tf.abs(c.student.adaptedFeatures!)) as tf.Scalar,
    );
    const stack = lossStack<DistillContext>([
      ...paperObjective().terms,
      { term: featL1, weight: cosineWarmup({ to: 0.1, warmupSteps: 10 }) },
    ]);
    const at0 = stack.evaluate(ctx, 0);
    assert.equal(at0.components.feat_l1, undefined); // weight 0: not evaluated
    assert.equal(at0.weights.feat_l1, 0);
    const base = paperObjective().evaluate(ctx, 0);
    const at20 = stack.evaluate(ctx, 20);
    assertCloseToGolden(
      [value(at20.total)],
      [value(base.total) + 0.1 * value(at20.components.feat_l1!)],
      'custom term',
    );
    tf.dispose([at0, base, at20] as unknown as tf.TensorContainer);
    tf.dispose(ctx as unknown as tf.TensorContainer);
  });

  test('duplicate keys fail at construction; a term returning other keys fails clearly', () => {
    const t = lossTerm('x', () => tf.scalar(1));
    assert.throws(
      () =>
        lossStack([
          { term: t, weight: 1 },
          { term: t, weight: 2 },
        ]),
      /'x'/,
    );
    const liar = { keys: ['a'], compute: () => ({ b: tf.scalar(1) }) };
    const before = tf.memory().numTensors;
    assert.throws(() => lossStack([{ term: liar, weight: 1 }]).evaluate({}), /declared keys \[a\]/);
    assert.equal(tf.memory().numTensors, before);
  });

  test('μ scheduled from 1 down moves weight from the hard to the soft loss', () => {
    const s = paperObjective({ mu: linear({ from: 1, to: 0.5, endStep: 100 }) });
    assert.equal(s.weightsAt(0).rcn_cls, 1);
    assert.equal(s.weightsAt(0).rcn_kd_cls, 0);
    assert.equal(s.weightsAt(50).rcn_cls, 0.75);
    assert.equal(s.weightsAt(50).rcn_kd_cls, 0.25);
    assert.equal(s.weightsAt(500).rcn_kd_cls, 0.5);
    assert.match(s.describe(), /rcn_kd_cls/);
  });

  test('stackGradients returns gradients for the student variables and kept components', () => {
    const w = tf.variable(
      tf.randomNormal([2, 2, 4, 4], 0, 0.1, 'float32', 9) as tf.Tensor4D,
      true,
      'stack_test_w',
    );
    const ctx = makeContext(6);
    const before = tf.memory().numTensors;
    const r = stackGradients(
      paperObjective(),
      () => ({
        ...ctx,
        student: {
          ...ctx.student,
          adaptedFeatures: tf.conv2d(ctx.student.adaptedFeatures as tf.Tensor4D, w, 1, 'same'),
        },
      }),
      0,
      [w],
    );
    assert.ok(Object.keys(r.grads).includes('stack_test_w'));
    assert.ok(r.grads.stack_test_w!.dataSync().some((v) => v !== 0));
    assert.ok(Number.isFinite(value(r.components.hint!)));
    tf.dispose([r.total, r.components, r.grads]);
    assert.equal(tf.memory().numTensors, before);
    w.dispose();
    tf.dispose(ctx as unknown as tf.TensorContainer);
  });
});
