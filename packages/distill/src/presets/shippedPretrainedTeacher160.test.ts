import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadFasterRcnn } from '@kd/faster-rcnn';
import { initBackend } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { evaluateDetector } from '../evaluateDetector.js';
import { loadDataset } from '../loadDataset.js';
import { studentTransform } from '../runTraining.js';
import { prepareSplit } from '../toDetectionBatch.js';
import { SHAPES_PRETRAINED_TEACHER_DETECTOR } from './presets.js';
import { requirePreset } from './requirePreset.js';

/** The repository root, from `packages/distill/dist/presets/`. */
const repoRoot = () => fileURLToPath(new URL('../../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kd-shipped-teacher-160-'));
before(async () => {
  process.env.KD_CACHE_DIR = join(dir, 'cache');
  await initBackend();
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('models/shapes-teacher-pretrained-160: its preset, and 88.1 mAP@0.5 / 61.5 mAP at 160 px on the 200 test images (models/README.md)', async () => {
  const preset = requirePreset('shapes-teacher-pretrained-160');
  const { model, checkpoint } = await loadFasterRcnn(
    join(repoRoot(), 'models', 'shapes-teacher-pretrained-160'),
  );
  tf.dispose(checkpoint.optimizerWeights.map((w) => w.tensor));
  assert.equal(checkpoint.optimizerWeights.length, 0, 'model only: no optimiser slots');
  try {
    assert.deepEqual(model.config.backbone, {
      ...SHAPES_PRETRAINED_TEACHER_DETECTOR.backbone,
      widthMultiplier: 1,
    });
    assert.equal(model.backbone.stride, 8);
    assert.equal(checkpoint.metadata.step, preset.optim.steps);
    const transform = studentTransform(preset);
    assert.deepEqual(transform, { minSize: 160, maxSize: 267 });
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
    assert.ok(Math.abs(scores.mAP50 - 0.881) < 0.0015, `mAP@0.5 ${scores.mAP50}`);
    assert.ok(Math.abs(scores.mAP - 0.615) < 0.0015, `mAP ${scores.mAP}`);
  } finally {
    model.dispose();
  }
});
