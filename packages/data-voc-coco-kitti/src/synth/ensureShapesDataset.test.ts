import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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
    // An interrupted generation (the manifest says incomplete) is redone.
    const manifest = path.join(root, 'shapes-manifest.json');
    const m = JSON.parse(await readFile(manifest, 'utf8'));
    assert.equal(m.complete, true);
    await writeFile(manifest, JSON.stringify({ ...m, complete: false }));
    assert.equal((await ensureShapesDataset({ ...o, seed: 4 })).generated, true);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('ensureShapesDataset never overwrites a folder it did not write', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'kd-ensure-user-'));
  try {
    const o = {
      root,
      seed: 3,
      trainImages: 2,
      testImages: 1,
      imageSize: 32,
      formats: ['voc'] as const,
    };
    await mkdir(path.join(root, 'voc'));
    await writeFile(path.join(root, 'voc', 'mine.txt'), 'user data');
    await assert.rejects(
      ensureShapesDataset(o),
      new RegExp(
        `${root}: voc/ was not written by a kd-shapes generation \\(its shapes-manifest\\.json lists what it wrote\\); kd does not overwrite what it did not write`,
      ),
    );
    assert.equal(await readFile(path.join(root, 'voc', 'mine.txt'), 'utf8'), 'user data');
    // A manifest that is not kd's (kd writes its manifest atomically) is not replaced either.
    await rm(path.join(root, 'voc'), { recursive: true });
    await writeFile(path.join(root, 'shapes-manifest.json'), '{ not ours');
    await assert.rejects(
      ensureShapesDataset(o),
      /shapes-manifest\.json was not written by a kd-shapes/,
    );
    assert.equal(await readFile(path.join(root, 'shapes-manifest.json'), 'utf8'), '{ not ours');
    // What an earlier kd's run cache left (its `.complete` marker) is kd's: regenerated.
    await rm(path.join(root, 'shapes-manifest.json'));
    await mkdir(path.join(root, 'voc'));
    await writeFile(path.join(root, '.complete'), '2026-01-01');
    // Under that marker an earlier kd wrote the VOC layout only: a coco/ next to it is the user's.
    await mkdir(path.join(root, 'coco'));
    await writeFile(path.join(root, 'coco', 'mine.json'), '{}');
    await assert.rejects(
      ensureShapesDataset(o),
      /coco\/ was not written by a kd-shapes generation/,
    );
    assert.equal(await readFile(path.join(root, 'coco', 'mine.json'), 'utf8'), '{}');
    await rm(path.join(root, 'coco'), { recursive: true });
    assert.equal((await ensureShapesDataset(o)).generated, true);
    assert.equal((await ensureShapesDataset(o)).generated, false);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
