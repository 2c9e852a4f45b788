import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as E from 'fp-ts/lib/Either.js';
import { studentTransform } from '../runTraining.js';
import { requirePreset } from './requirePreset.js';
import { DEFAULT_STUDENT_PAIR, STUDENT_PAIR_NAMES, studentPair } from './studentPairs.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

describe('studentPairs', () => {
  for (const name of STUDENT_PAIR_NAMES) {
    it(`${name}: a fair comparison against a shipped teacher`, () => {
      const pair = studentPair(name);
      assert.ok(E.isRight(pair));
      const { teacherPresets, teacherCheckpoint, baselinePreset, distilledPreset } = pair.right;
      const baseline = requirePreset(baselinePreset);
      const distilled = requirePreset(distilledPreset);
      const stages = teacherPresets.map(requirePreset);
      assert.ok(stages.length > 0);
      // The first stage starts from ImageNet (or random) weights, every later one from a checkpoint.
      stages.forEach((s, i) => assert.equal(s.model.init !== undefined, i > 0, teacherPresets[i]));
      // The distilled student sees the teacher at the teacher's own input size.
      const last = stages[stages.length - 1]!;
      assert.equal(
        distilled.distill?.teacherMinSize ?? studentTransform(distilled).minSize,
        studentTransform(last).minSize,
      );
      assert.equal(baseline.distill, undefined, 'the baseline trains without a teacher');
      assert.equal(distilled.distill?.teacher, teacherCheckpoint);
      // Same detector, input size, data and budget: the teacher is the only difference.
      assert.deepEqual(distilled.model, baseline.model);
      assert.deepEqual(distilled.optim, baseline.optim);
      assert.deepEqual(distilled.dataset, baseline.dataset);
      assert.ok(existsSync(join(repoRoot, teacherCheckpoint, 'model.json')), teacherCheckpoint);
    });
  }

  it('the default pair exists, an unknown one is refused with the list', () => {
    assert.ok(E.isRight(studentPair(DEFAULT_STUDENT_PAIR)));
    const bad = studentPair('vgg');
    assert.ok(E.isLeft(bad));
    assert.match(bad.left, /unknown student pair 'vgg'; the pairs are: pretrained, /);
  });
});
