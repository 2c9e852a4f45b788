import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { generateShapesDataset, renderShapesImage } from './generateShapesDataset.js';
import { DEFAULT_SCENE } from './sampleScene.js';

const hashDir = async (dir: string): Promise<string> => {
  const h = createHash('sha256');
  const walk = async (d: string): Promise<void> => {
    for (const e of (await readdir(d, { withFileTypes: true })).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const p = path.join(d, e.name);
      h.update(path.relative(dir, p));
      if (e.isDirectory()) await walk(p);
      else h.update(await readFile(p));
    }
  };
  await walk(dir);
  return h.digest('hex');
};

test('generateShapesDataset: deterministic in the seed, all three layouts written', async () => {
  const a = await mkdtemp(path.join(tmpdir(), 'kd-shapes-a-'));
  const b = await mkdtemp(path.join(tmpdir(), 'kd-shapes-b-'));
  try {
    const da = await generateShapesDataset({
      root: a,
      seed: 5,
      trainImages: 6,
      testImages: 3,
      imageSize: 64,
    });
    await generateShapesDataset({ root: b, seed: 5, trainImages: 6, testImages: 3, imageSize: 64 });
    assert.equal(await hashDir(a), await hashDir(b));
    assert.equal(da.splits.train.length, 6);
    assert.equal(da.splits.test.length, 3);
    assert.deepEqual((await readdir(path.join(da.vocYearDir, 'Annotations'))).length, 9);
    assert.deepEqual((await readdir(path.join(da.kittiRoot, 'training', 'label_2'))).length, 9);
    assert.deepEqual((await readdir(path.join(da.cocoRoot, 'annotations'))).sort(), [
      'instances_test.json',
      'instances_train.json',
    ]);
    const ids = [...da.splits.train, ...da.splits.test].map((s) => s.id);
    assert.equal(new Set(ids).size, 9, 'ids unique across splits');
  } finally {
    await rm(a, { recursive: true, force: true });
    await rm(b, { recursive: true, force: true });
  }
});

test('renderShapesImage: different seeds give different images; boxes inside the image', () => {
  const scene = { ...DEFAULT_SCENE, imageSize: 96 };
  const x = renderShapesImage(1, 1, 0, scene);
  const y = renderShapesImage(2, 1, 0, scene);
  assert.notDeepEqual(x.png, y.png);
  let objects = 0;
  let small = 0;
  let large = 0;
  let occluded = 0;
  let truncated = 0;
  const classes = new Set<number>();
  for (let i = 0; i < 60; i++) {
    const r = renderShapesImage(3, 1, i, scene);
    for (const o of r.objects) {
      const [x1, y1, x2, y2] = o.box;
      assert.ok(x1 >= 0 && y1 >= 0 && x2 <= 96 && y2 <= 96 && x2 > x1 && y2 > y1);
      objects += 1;
      classes.add(o.classIndex);
      const side = Math.max(x2 - x1, y2 - y1);
      if (side < 16) small += 1;
      if (side > 40) large += 1;
      if (o.occluded > 0) occluded += 1;
      if (o.truncated > 0) truncated += 1;
    }
  }
  // The distribution has what makes it hard: every class, small and large, occlusion, truncation.
  assert.equal(classes.size, 6);
  assert.ok(objects > 150, `objects ${objects}`);
  assert.ok(small > 10 && large > 10, `small ${small} large ${large}`);
  assert.ok(occluded > 10 && truncated > 10, `occluded ${occluded} truncated ${truncated}`);
});
