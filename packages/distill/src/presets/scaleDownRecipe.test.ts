import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as E from 'fp-ts/lib/Either.js';
import { decodeRunConfig } from '../runConfig.js';
import { requirePreset } from './requirePreset.js';
import { scaleDownRecipe } from './scaleDownRecipe.js';

const photos = {
  format: 'voc' as const,
  root: '/data/photos/voc',
  trainSplit: 'photos',
  testSplit: 'photos',
  classes: ['person', 'cat', 'cup', 'rocket'],
};

test('scaleDownRecipe keeps the recipe and shrinks the budget, as a valid run config', () => {
  const paper = requirePreset('voc07-vgg16-to-alexnet');
  const before = structuredClone(paper);
  const small = scaleDownRecipe(paper, { dataset: photos, widthMultiplier: 0.25, steps: 30 });
  assert.deepEqual(paper, before, 'the input is not changed');
  assert.ok(E.isRight(decodeRunConfig(small, 'scaled')), 'decodes like a user file');
  assert.deepEqual(small.dataset, photos);
  assert.equal(small.name, paper.name);
  // The objective and hint pairing are the paper's.
  assert.deepEqual(small.distill, paper.distill);
  const d = small.model.detector as Record<string, Record<string, unknown>>;
  const p = paper.model.detector as Record<string, Record<string, unknown>>;
  assert.deepEqual(d.backbone, { ...p.backbone, widthMultiplier: 0.25 });
  assert.equal(d.rpn!.channels, 32);
  assert.equal(d.rpn!.fgIouThreshold, p.rpn!.fgIouThreshold);
  assert.deepEqual(d.roiHead!.fcDims, [128]);
  assert.equal(d.roiHead!.outputSize, p.roiHead!.outputSize);
  assert.deepEqual([small.model.minSize, small.model.maxSize], [128, 192]);
  assert.deepEqual(
    {
      steps: small.optim.steps,
      batchSize: small.optim.batchSize,
      milestones: small.optim.milestones,
      checkpointEvery: small.optim.checkpointEvery,
      evalEvery: small.optim.evalEvery,
    },
    { steps: 30, batchSize: 2, milestones: [22], checkpointEvery: 30, evalEvery: 31 },
  );
  assert.equal(small.optim.momentum, paper.optim.momentum);
});

test('scaleDownRecipe keeps the teacher/student resolution ratio of the high-/low-res setting', () => {
  const paper = requirePreset('voc07-hires-vgg16-to-lowres-vgg16'); // 344 px student, 688 px teacher
  const small = scaleDownRecipe(paper, {
    dataset: photos,
    widthMultiplier: 0.125,
    steps: 4,
    minSize: 64,
  });
  assert.deepEqual([small.model.minSize, small.model.maxSize], [64, 96]);
  assert.equal(small.distill!.teacherMinSize, 128);
  assert.equal(small.distill!.teacherMaxSize, Math.round((1147 * 64) / 344));
  assert.equal(small.distill!.teacher, paper.distill!.teacher);
});
