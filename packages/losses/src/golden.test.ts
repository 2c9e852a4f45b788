import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  assertCloseToGolden,
  type FixtureTensor,
  fromFixture,
  loadFixture,
  testBackends,
  useBackend,
} from '@kd/tensor-ops/testing';
import * as tf from '@tensorflow/tfjs-core';
import { boundedRegressionLoss } from './boundedRegressionLoss.js';
import { boxRegressionLoss } from './boxRegressionLoss.js';
import { distillationClassificationLoss } from './distillationClassificationLoss.js';
import { distillationRegressionLoss } from './distillationRegressionLoss.js';
import type { DistillContext } from './distillContext.js';
import { hintLoss } from './hintLoss.js';
import { paperObjective } from './presets/paperObjective.js';
import { selectClassDeltas } from './selectClassDeltas.js';
import { sigmoidCrossEntropy } from './sigmoidCrossEntropy.js';
import { softCrossEntropy } from './softCrossEntropy.js';
import { softmaxCrossEntropy } from './softmaxCrossEntropy.js';
import { teacherL2Loss } from './teacherL2Loss.js';

interface Case {
  name: string;
  fn: string;
  // biome-ignore lint/suspicious/noExplicitAny: options are per-function JSON
  options: any;
  inputs: Record<string, FixtureTensor>;
  expected: {
    value: number;
    grads: Record<string, { shape: number[]; data: number[] }>;
    components?: Record<string, number>;
  };
}

type T2 = tf.Tensor2D;
type T1 = tf.Tensor1D;

/** The loss as a function of its differentiable inputs (in `grads` key order). */
function lossFn(c: Case, x: Record<string, tf.Tensor>): (...d: tf.Tensor[]) => tf.Scalar {
  const o = c.options;
  switch (c.fn) {
    case 'softmaxCrossEntropy':
      return (z) => softmaxCrossEntropy(z as T2, x.labels as T1, o);
    case 'sigmoidCrossEntropy':
      return (z) => sigmoidCrossEntropy(z as T1, x.labels as T1, o);
    case 'boxRegressionLoss':
      return (d) => boxRegressionLoss(d as T2, x.targets as T2, x.labels as T1, o);
    case 'boxRegressionLossClassSpecific':
      return (d) =>
        boxRegressionLoss(
          selectClassDeltas(d as T2, x.labels as T1),
          x.targets as T2,
          x.labels as T1,
          o,
        );
    case 'softCrossEntropy':
      return (s) =>
        softCrossEntropy(s as T2, x.teacher as T2, {
          ...o,
          ...(x.labels === undefined ? {} : { labels: x.labels }),
        });
    case 'distillationClassificationLoss':
      return (s) => distillationClassificationLoss(s as T2, x.teacher as T2, x.labels as T1, o);
    case 'boundedRegressionLoss':
      return (s) =>
        boundedRegressionLoss(s as T2, x.teacher as T2, x.targets as T2, x.labels as T1, o);
    case 'distillationRegressionLoss':
      return (s) =>
        distillationRegressionLoss(s as T2, x.teacher as T2, x.targets as T2, x.labels as T1, o);
    case 'teacherL2Loss':
      return (s) => teacherL2Loss(s as T2, x.teacher as T2, x.labels as T1, o);
    case 'hintLoss':
      return (s) =>
        hintLoss(s!, x.teacher!, { ...o, ...(x.mask === undefined ? {} : { mask: x.mask }) });
    default:
      throw new Error(`unknown fixture function ${c.fn}`);
  }
}

function context(x: Record<string, tf.Tensor>, student: Record<string, tf.Tensor>): DistillContext {
  const s = (k: string) => student[`student.${k}`]!;
  const t = (k: string) => x[`teacher.${k}`]!;
  const g = (k: string) => x[`targets.${k}`]!;
  return {
    student: {
      rpnLogits: s('rpnLogits') as T2,
      rpnDeltas: s('rpnDeltas') as T2,
      rcnLogits: s('rcnLogits') as T2,
      rcnDeltas: s('rcnDeltas') as T2,
      adaptedFeatures: s('adaptedFeatures'),
    },
    teacher: {
      rpnLogits: t('rpnLogits') as T2,
      rpnDeltas: t('rpnDeltas') as T2,
      rcnLogits: t('rcnLogits') as T2,
      rcnDeltas: t('rcnDeltas') as T2,
      features: t('features'),
    },
    targets: {
      rpnLabels: g('rpnLabels') as T1,
      rpnTargets: g('rpnTargets') as T2,
      rcnLabels: g('rcnLabels') as T1,
      rcnTargets: g('rcnTargets') as T2,
    },
  };
}

const { cases } = loadFixture<{ cases: Case[] }>(import.meta.url, 'losses-golden.json');

for (const backend of testBackends()) {
  describe(`golden values and gradients vs PyTorch 1.13 (float64), ${backend}`, () => {
    before(() => useBackend(backend));
    for (const c of cases) {
      test(c.name, () => {
        const before = tf.memory().numTensors;
        const x: Record<string, tf.Tensor> = {};
        for (const [k, v] of Object.entries(c.inputs)) x[k] = fromFixture(v);
        const gradKeys = Object.keys(c.expected.grads);
        let f: (...d: tf.Tensor[]) => tf.Scalar;
        let components: Record<string, number> | undefined;
        if (c.fn === 'paperObjective') {
          const stack = paperObjective(c.options);
          f = (...d) => {
            const student = Object.fromEntries(gradKeys.map((k, i) => [k, d[i]!]));
            const r = stack.evaluate(context(x, student));
            components = Object.fromEntries(
              Object.entries(r.components).map(([k, v]) => [k, v.dataSync()[0]!]),
            );
            tf.dispose(r.components);
            return r.total;
          };
        } else {
          f = lossFn(c, x);
        }
        const { value, grads } = tf.valueAndGrads(f)(gradKeys.map((k) => x[k]!));
        assertCloseToGolden(value.dataSync(), [c.expected.value], `${c.name} value`);
        gradKeys.forEach((k, i) => {
          assert.deepEqual(grads[i]!.shape, c.expected.grads[k]!.shape);
          assertCloseToGolden(grads[i]!.dataSync(), c.expected.grads[k]!.data, `${c.name} d/d${k}`);
        });
        if (c.expected.components !== undefined) {
          for (const [k, v] of Object.entries(c.expected.components)) {
            assertCloseToGolden([components![k]!], [v], `${c.name} component ${k}`);
          }
        }
        tf.dispose([value, grads, x]);
        assert.equal(tf.memory().numTensors, before, 'tensors leaked');
      });
    }
  });
}
