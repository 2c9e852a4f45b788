import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { initBackend } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { distillAndEvaluate } from './distillAndEvaluate.js';
import type { RunConfig } from './runConfig.js';
import { testRunConfig, tinyDetector } from './testing.js';

const dir = mkdtempSync(join(tmpdir(), 'kd-distill-eval-'));
before(async () => {
  process.env.KD_CACHE_DIR = join(dir, 'cache');
  await initBackend({ backend: 'wasm' });
});
after(() => rmSync(dir, { recursive: true, force: true }));

const dataset = { format: 'shapes', seed: 7, trainImages: 6, testImages: 3, imageSize: 48 };
const optim = { steps: 2, batchSize: 2, lr: 0.01 };
const teacherCfg = testRunConfig({ dataset, model: { detector: tinyDetector(0.125, 1) }, optim });
const baselineCfg = testRunConfig({ dataset, model: { detector: tinyDetector(0.0625, 2) }, optim });
const studentCfg = testRunConfig({
  ...baselineCfg,
  distill: {
    teacher: 'replaced by distillAndEvaluate',
    hint: { teacherLayer: 'conv5_3', studentLayer: 'conv5_3' },
  },
});
const run = (name: string, c: RunConfig) => ({
  config: c,
  runDir: join(dir, name),
  resultsDir: join(dir, `results-${name}`),
});

test('trains the teacher, the baseline and the distilled student, then scores all three', async () => {
  const tensors = tf.memory().numTensors;
  const seen: string[] = [];
  const stages = new Set<string>();
  const r = await distillAndEvaluate({
    teacher: run('teacher', teacherCfg),
    baseline: run('baseline', baselineCfg),
    student: run('student', studentCfg),
    hooks: (role) => ({ onProgress: (e) => stages.add(`${role}:${e.stage}`) }),
    onEvaluated: (role, e) => seen.push(`${role}:${e.summary.images}`),
  });
  assert.deepEqual(seen, ['teacher:3', 'baseline:3', 'student:3']);
  for (const role of ['teacher', 'baseline', 'student'])
    for (const stage of ['train', 'evaluate'])
      assert.ok(stages.has(`${role}:${stage}`), `no ${stage} progress for the ${role}`);
  assert.equal(r.teacher.checkpoint, join(dir, 'teacher'));
  assert.equal(r.baseline?.checkpoint, join(dir, 'baseline'));
  assert.match(r.student.evaluation.text, /Mean AP/);
  // The student learnt from this teacher (its saved config names it) with the distillation terms.
  const saved = JSON.parse(readFileSync(join(dir, 'student', 'config.json'), 'utf8'));
  assert.equal(saved.distill.teacher, join(dir, 'teacher'));
  const first = JSON.parse(
    readFileSync(join(dir, 'student', 'metrics.jsonl'), 'utf8').split('\n')[0]!,
  );
  assert.ok(Number.isFinite(first.hint));
  assert.ok(existsSync(join(dir, 'results-baseline')));
  // tfjs optimisers keep two scalars after dispose() (their learning rate and momentum): 3 runs.
  assert.ok(
    tf.memory().numTensors - tensors <= 2 * 3,
    `tensors leaked: ${tf.memory().numTensors - tensors}`,
  );
});

test('a trained teacher is used as it is, not trained again', async () => {
  const r = await distillAndEvaluate({
    teacher: { checkpoint: join(dir, 'teacher'), resultsDir: join(dir, 'results-given') },
    student: run('student-2', studentCfg),
  });
  assert.equal(r.baseline, undefined);
  assert.equal(r.teacher.checkpoint, join(dir, 'teacher'));
  assert.equal(r.teacher.evaluation.summary.images, 3);
  const saved = JSON.parse(readFileSync(join(dir, 'student-2', 'config.json'), 'utf8'));
  assert.equal(saved.distill.teacher, join(dir, 'teacher'));
});

test('a student without a distill section is refused before any training', async () => {
  await assert.rejects(
    distillAndEvaluate({
      teacher: run('never', teacherCfg),
      student: run('plain', baselineCfg),
    }),
    /student's config .*plain\) has no distill section/,
  );
  assert.equal(existsSync(join(dir, 'never')), false);
});
