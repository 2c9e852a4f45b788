import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requirePreset } from './presets/requirePreset.js';
import { runsTeacherThread, trainingIntraOpThreads } from './trainingIntraOpThreads.js';

test('trainingIntraOpThreads: half the cores when a run has a teacher thread, else TensorFlow’s default', () => {
  const distilled = requirePreset('shapes-distill-pretrained'); // compileTeacher: 'auto'
  const baseline = requirePreset('shapes-student-pretrained');
  const opByOp = requirePreset('shapes-distill'); // a teacher that is not compiled
  assert.equal(runsTeacherThread(distilled), true);
  assert.equal(runsTeacherThread(baseline), false);
  assert.equal(runsTeacherThread(opByOp), false);
  assert.equal(runsTeacherThread(distilled, 2), false, 'data-parallel runs have no teacher thread');
  const off = { ...distilled, distill: { ...distilled.distill!, teacherThread: false } };
  assert.equal(runsTeacherThread(off), false);

  assert.equal(trainingIntraOpThreads([baseline, opByOp], { cores: 2 }), undefined);
  assert.equal(
    trainingIntraOpThreads([baseline, distilled], { cores: 2, dataParallel: 2 }),
    undefined,
  );
  const two = trainingIntraOpThreads([baseline, distilled], { cores: 2 });
  assert.equal(two?.count, 1);
  assert.match(
    two!.why,
    /half of the 2 cores.*teacher thread.*TF_NUM_INTRAOP_THREADS overrides it/,
  );
  assert.equal(trainingIntraOpThreads([distilled], { cores: 16 })?.count, 8);
  assert.equal(trainingIntraOpThreads([distilled], { cores: 1 })?.count, 1);
});
