import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadFasterRcnn } from '@kd/faster-rcnn';
import { initBackend } from '@kd/tensor-ops';
import { evaluateDetector } from '../evaluateDetector.js';
import { loadDataset } from '../loadDataset.js';
import { prepareSplit } from '../toDetectionBatch.js';
import { SHAPES_PRETRAINED_TEACHER_DETECTOR } from './presets.js';
import { requirePreset } from './requirePreset.js';

/** The repository root, from `packages/distill/dist/presets/`. */
const repoRoot = () => fileURLToPath(new URL('../../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kd-shipped-teacher-'));
before(async () => {
  process.env.KD_CACHE_DIR = join(dir, 'cache');
  await initBackend();
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('models/shapes-teacher-pretrained: its preset, and 84.1 mAP@0.5 / 54.7 mAP on the 200 test images (models/README.md)', async () => {
  const preset = requirePreset('shapes-teacher-pretrained');
  const { model, checkpoint } = await loadFasterRcnn(
    join(repoRoot(), 'models', 'shapes-teacher-pretrained'),
  );
  try {
    assert.deepEqual(model.config.backbone, {
      ...SHAPES_PRETRAINED_TEACHER_DETECTOR.backbone,
      widthMultiplier: 1,
    });
    assert.equal(model.backbone.stride, 8);
    assert.equal(checkpoint.metadata.step, preset.optim.steps);
    const dataset = await loadDataset(preset.dataset);
    const split = await prepareSplit(dataset.test, { minSize: 128, maxSize: 213 });
    assert.equal(split.samples.length, 200);
    const { scores } = await evaluateDetector(
      model,
      split.samples,
      split.images,
      dataset.classNames,
    );
    assert.ok(Math.abs(scores.mAP50 - 0.841) < 0.0015, `mAP@0.5 ${scores.mAP50}`);
    assert.ok(Math.abs(scores.mAP - 0.547) < 0.0015, `mAP ${scores.mAP}`);
  } finally {
    model.dispose();
  }
});
