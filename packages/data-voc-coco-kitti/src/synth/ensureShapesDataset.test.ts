import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { ensureShapesDataset } from './ensureShapesDataset.js';

test('ensureShapesDataset: generates once, then reads the same samples back; other options regenerate', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'kd-ensure-'));
  try {
    const o = { root, seed: 3, trainImages: 5, testImages: 2, imageSize: 48 };
    const a = await ensureShapesDataset(o);
    assert.equal(a.generated, true);
    const b = await ensureShapesDataset(o);
    assert.equal(b.generated, false);
    const key = (s: (typeof a.splits.train)[number]) => [
      s.id,
      s.width,
      s.objects.map((x) => [x.classIndex, ...x.box, x.difficult]),
    ];
    assert.deepEqual(b.splits.train.map(key), a.splits.train.map(key));
    assert.deepEqual(b.splits.test.map(key), a.splits.test.map(key));
    const c = await ensureShapesDataset({ ...o, seed: 4 });
    assert.equal(c.generated, true);
    await writeFile(path.join(root, 'shapes-manifest.json'), '{ truncated');
    assert.equal((await ensureShapesDataset({ ...o, seed: 4 })).generated, true);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
