import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { SHAPE_CLASSES } from '@kd/data-voc-coco-kitti';
import { decodeFasterRcnnConfig, FasterRcnn, saveCheckpoint } from '@kd/faster-rcnn';
import { initBackend } from '@kd/tensor-ops';
import * as E from 'fp-ts/lib/Either.js';
import { runTraining } from './runTraining.js';
import { testRunConfig, tinyDetector } from './testing.js';

const dir = mkdtempSync(join(tmpdir(), 'kd-teacher-classes-'));
before(async () => {
  process.env.KD_CACHE_DIR = join(dir, 'cache');
  await initBackend({ backend: 'cpu' });
});
after(() => rmSync(dir, { recursive: true, force: true }));

const dataset = { format: 'shapes', seed: 7, trainImages: 4, testImages: 2, imageSize: 48 };

test('a teacher trained on the same classes in another order is refused before training (#16 case 12)', async () => {
  const cfg = decodeFasterRcnnConfig(
    { ...tinyDetector(0.125, 1), numClasses: SHAPE_CLASSES.length },
    'test',
  );
  if (E.isLeft(cfg)) assert.fail(cfg.left);
  const teacher = new FasterRcnn(cfg.right);
  const teacherDir = join(dir, 'teacher');
  const reversed = [...SHAPE_CLASSES].reverse();
  await saveCheckpoint(teacher, teacherDir, {
    step: 1,
    rngState: 1,
    extra: { config: {}, classNames: reversed, minSize: 48, maxSize: 48 },
  });
  teacher.dispose();
  const run = testRunConfig({
    dataset,
    model: { detector: tinyDetector(0.0625, 2) },
    optim: { steps: 1, batchSize: 2, lr: 0.01 },
    distill: { teacher: teacherDir },
  });
  await assert.rejects(
    runTraining({ config: run, runDir: join(dir, 'student'), onLog: () => {} }),
    (e: Error) => {
      assert.match(e.message, /was trained on classes \[/);
      assert.ok(e.message.includes(reversed.join(', ')), e.message);
      assert.match(e.message, /must match in order/);
      return true;
    },
  );
});
