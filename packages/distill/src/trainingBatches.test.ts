import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadSplit } from './loadDataset.js';
import { stepPlanner, trainingBatches } from './trainingBatches.js';

const dir = mkdtempSync(join(tmpdir(), 'kd-batches-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a step draws the same samples whatever was planned before it (what resume relies on)', () => {
  const plan = stepPlanner(10, 4, 3, true);
  const run = Array.from({ length: 8 }, (_, s) => plan(s));
  const fresh = stepPlanner(10, 4, 3, true);
  assert.deepEqual(fresh(6), run[6]);
  // Batches run across epoch ends: steps 0–4 draw 20 samples, each of the 10 exactly twice.
  const counts = new Array(10).fill(0);
  for (const p of run.slice(0, 5)) for (const i of p.indices) counts[i] += 1;
  assert.deepEqual(counts, new Array(10).fill(2));
  assert.ok(run.some((p) => p.flips.includes(true)) && run.some((p) => p.flips.includes(false)));
  assert.ok(stepPlanner(10, 4, 3, false)(0).flips.every((f) => !f));
});

test('streamed steps come in order with the planned images, flipped as planned, on workers or not', async () => {
  const split = await loadSplit(
    {
      format: 'shapes',
      root: join(dir, 'shapes'),
      seed: 4,
      trainImages: 6,
      testImages: 1,
      imageSize: 48,
    },
    'train',
  );
  const plan = stepPlanner(split.samples.length, 2, 1, true);
  const transform = { minSize: 48, maxSize: 80 };
  for (const workers of [0, 2]) {
    const seen: number[] = [];
    for await (const s of trainingBatches({
      samples: split.samples,
      from: 3,
      to: 7,
      plan,
      transform,
      workers,
      prefetch: 2,
    })) {
      seen.push(s.step);
      const want = plan(s.step);
      assert.deepEqual(
        s.student.map((p) => p.id),
        want.indices.map((i) => split.samples[i]!.id),
      );
      assert.deepEqual(
        s.student.map((p) => p.flipped),
        want.flips,
      );
      assert.equal(s.teacher, undefined);
    }
    assert.deepEqual(seen, [3, 4, 5, 6], `workers ${workers}`);
  }
});
