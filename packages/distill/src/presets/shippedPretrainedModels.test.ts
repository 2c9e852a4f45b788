import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { fasterRcnnConfig, loadFasterRcnn } from '@kd/faster-rcnn';
import { initBackend } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { evaluateDetector } from '../evaluateDetector.js';
import { loadDataset } from '../loadDataset.js';
import { studentTransform } from '../runTraining.js';
import { prepareSplit } from '../toDetectionBatch.js';
import { requirePreset } from './requirePreset.js';

/** The repository root, from `packages/distill/dist/presets/`. */
const repoRoot = () => fileURLToPath(new URL('../../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kd-shipped-pretrained-'));
before(async () => {
  process.env.KD_CACHE_DIR = join(dir, 'cache');
  await initBackend();
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** The shipped ImageNet-initialised models, the preset each was trained with, and models/README.md's scores. */
const SHIPPED = [
  {
    folder: 'shapes-teacher-pretrained',
    preset: 'shapes-teacher-pretrained',
    mAP50: 0.841,
    mAP: 0.547,
  },
  {
    folder: 'shapes-teacher-pretrained-160',
    preset: 'shapes-teacher-pretrained-160',
    mAP50: 0.881,
    mAP: 0.615,
  },
  {
    folder: 'shapes-teacher-pretrained-192',
    preset: 'shapes-teacher-pretrained-192',
    mAP50: 0.893,
    mAP: 0.649,
  },
  {
    folder: 'shapes-teacher-pretrained-256',
    preset: 'shapes-teacher-pretrained-256',
    mAP50: 0.913,
    mAP: 0.681,
  },
  {
    folder: 'shapes-student-baseline-pretrained',
    preset: 'shapes-student-pretrained',
    mAP50: 0.476,
    mAP: 0.224,
  },
  {
    folder: 'shapes-student-distilled-pretrained',
    preset: 'shapes-distill-pretrained',
    mAP50: 0.578,
    mAP: 0.305,
  },
] as const;

for (const s of SHIPPED) {
  test(`models/${s.folder}: model only, its preset's detector, steps and input size, and ${(100 * s.mAP50).toFixed(1)} mAP@0.5 / ${(100 * s.mAP).toFixed(1)} mAP on the 200 test images`, async () => {
    const preset = requirePreset(s.preset);
    const { model, checkpoint } = await loadFasterRcnn(join(repoRoot(), 'models', s.folder));
    tf.dispose(checkpoint.optimizerWeights.map((w) => w.tensor));
    tf.dispose(Object.values(checkpoint.extraWeights));
    try {
      assert.equal(checkpoint.optimizerWeights.length, 0, 'no optimiser slots');
      assert.deepEqual(Object.keys(checkpoint.extraWeights), [], 'no adaptation layer');
      // The whole detector (defaults filled the same way): backbone, anchors, RPN, RoI head.
      assert.deepEqual(
        model.config,
        fasterRcnnConfig({
          ...(preset.model.detector as object),
          numClasses: model.config.numClasses,
        }),
      );
      assert.equal(checkpoint.metadata.step, preset.optim.steps);
      const transform = studentTransform(preset);
      const extra = checkpoint.metadata.extra as { minSize: number; maxSize: number };
      assert.deepEqual({ minSize: extra.minSize, maxSize: extra.maxSize }, transform);
      const dataset = await loadDataset(preset.dataset);
      const split = await prepareSplit(dataset.test, transform);
      assert.equal(split.samples.length, 200);
      const { scores } = await evaluateDetector(
        model,
        split.samples,
        split.images,
        dataset.classNames,
      );
      assert.ok(Math.abs(scores.mAP50 - s.mAP50) < 0.0015, `mAP@0.5 ${scores.mAP50}`);
      assert.ok(Math.abs(scores.mAP - s.mAP) < 0.0015, `mAP ${scores.mAP}`);
    } finally {
      model.dispose();
    }
  });
}
