import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { generateShapesDataset } from '../synth/generateShapesDataset.js';
import { fixture } from '../test-util.js';
import { datasetStats } from './datasetStats.js';
import { formatStatsTable } from './formatStatsTable.js';

test('datasetStats: the generated dataset gives the same counts in its VOC, COCO and KITTI layouts', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'kd-stats-'));
  try {
    const g = await generateShapesDataset({
      root: dir,
      seed: 4,
      trainImages: 20,
      testImages: 5,
      imageSize: 64,
    });
    const voc = await datasetStats({ format: 'voc', root: path.join(dir, 'voc'), split: 'train' });
    const coco = await datasetStats({ format: 'coco', root: g.cocoRoot, split: 'train' });
    const kitti = await datasetStats({ format: 'kitti', root: g.kittiRoot, split: 'train' });
    const objects = g.splits.train.reduce((a, s) => a + s.objects.length, 0);
    for (const s of [voc, coco, kitti]) {
      assert.equal(s.images, 20);
      assert.equal(s.objects, objects);
      assert.equal(s.problems.length, 0);
      assert.equal(s.fatal, false);
      assert.deepEqual(s.sizeHistogram, voc.sizeHistogram);
      assert.deepEqual(Object.entries(s.perClass).sort(), Object.entries(voc.perClass).sort());
    }
    assert.equal(
      Object.values(voc.perClass).reduce((a, b) => a + b, 0),
      objects,
    );
    assert.equal(
      voc.difficult,
      g.splits.train.reduce((a, s) => a + s.objects.filter((o) => o.difficult).length, 0),
    );
    const table = formatStatsTable(voc);
    assert.match(table, /images 20 {3}objects \d+/);
    assert.match(table, /problems: none/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('datasetStats: broken inputs list every problem with file and location; unreadable datasets are fatal', async () => {
  const v = await datasetStats({ format: 'voc', root: fixture('voc'), split: 'broken' });
  assert.equal(v.fatal, false);
  assert.deepEqual(v.problems.map((p) => `${path.basename(p.file)} ${p.where}`).sort(), [
    'badnum_0011.xml annotation/object[2]/bndbox/ymin',
    'escape_0010.xml annotation/filename',
    'inv_0005.xml annotation/object[2]/bndbox',
    'laughs_0008.xml line 2',
    'out_0004.xml annotation/object[2]/bndbox',
    'trunc_0009.xml line 9, column 11',
    'xxe_0007.xml line 2',
  ]);
  const k = await datasetStats({ format: 'kitti', root: fixture('kitti'), split: 'train' });
  assert.equal(k.dontCare, 4);
  assert.deepEqual(k.perClass, { Car: 2, Cyclist: 1, Pedestrian: 1, Truck: 1, Van: 1 });
  const c = await datasetStats({ format: 'coco', root: fixture('coco'), split: 'val2017' });
  assert.equal(c.crowd, 2);
  assert.equal(c.images, 4);
  assert.ok(c.problems.some((p) => p.where === 'annotations[8].image_id'));
  const bad = await datasetStats({ format: 'coco', root: fixture('coco'), split: 'truncated' });
  assert.equal(bad.fatal, true);
  assert.equal(bad.images, 0);
  assert.match(formatStatsTable(bad), /1 fatal/);
  const strict = await datasetStats({
    format: 'voc',
    root: fixture('voc'),
    split: 'broken',
    classes: ['car'],
    policy: 'fatal',
  });
  assert.equal(strict.fatal, true);
});
