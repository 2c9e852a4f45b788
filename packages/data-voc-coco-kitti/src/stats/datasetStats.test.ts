import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { KITTI_CLASSES } from '@kd/codecs';
import { registerDatasetFormat } from '../core/datasetFormats.js';
import { kittiFormat } from '../kitti/kittiFormat.js';
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

test('datasetStats: missing, truncated and absurdly sized images are fatal problems naming the file (#16 case 10)', async () => {
  const { readFileSync, writeFileSync, unlinkSync } = await import('node:fs');
  const dir = await mkdtemp(path.join(tmpdir(), 'kd-stats-bad-'));
  try {
    const g = await generateShapesDataset({
      root: dir,
      seed: 5,
      trainImages: 4,
      testImages: 1,
      imageSize: 64,
    });
    const samples = g.splits.train;
    // VOC: every image file missing, then one truncated.
    const vocImages = path.join(dir, 'voc', 'VOCdevkit', 'VOC2007', 'JPEGImages');
    const saved = samples.map((s) => readFileSync(path.join(vocImages, s.fileName)));
    for (const s of samples) unlinkSync(path.join(vocImages, s.fileName));
    const missing = await datasetStats({
      format: 'voc',
      root: path.join(dir, 'voc'),
      split: 'train',
    });
    assert.equal(missing.fatal, true);
    assert.equal(missing.images, 0);
    assert.ok(
      missing.problems.some((p) => p.fatal && /no usable image \(4 skipped\)/.test(p.message)),
    );
    assert.doesNotMatch(formatStatsTable(missing), /problems: none/);
    // COCO does not read image files to build samples: the image check finds them missing.
    const cocoImages = path.join(g.cocoRoot, 'train');
    for (const s of samples) unlinkSync(path.join(cocoImages, s.fileName));
    const gone = await datasetStats({ format: 'coco', root: g.cocoRoot, split: 'train' });
    assert.equal(gone.fatal, true);
    assert.equal(gone.badImages, 4);
    for (const p of gone.problems) {
      assert.equal(p.fatal, true);
      assert.match(p.message, /image file not found/);
      assert.ok(p.file.startsWith(cocoImages));
    }
    samples.forEach((s, i) => writeFileSync(path.join(cocoImages, s.fileName), saved[i]!));
    samples.forEach((s, i) => writeFileSync(path.join(vocImages, s.fileName), saved[i]!));
    writeFileSync(
      path.join(vocImages, samples[1]!.fileName),
      saved[1]!.subarray(0, saved[1]!.length - 20),
    );
    const cut = await datasetStats({ format: 'voc', root: path.join(dir, 'voc'), split: 'train' });
    assert.equal(cut.badImages, 1);
    assert.match(cut.problems[0]!.message, /PNG truncated/);
    assert.equal(cut.problems[0]!.file, path.join(vocImages, samples[1]!.fileName));
    // COCO: an image that claims 1e9 x 1e9 pixels.
    const ann = path.join(g.cocoRoot, 'annotations', 'instances_train.json');
    const json = JSON.parse(readFileSync(ann, 'utf8')) as {
      images: { width: number; height: number }[];
    };
    json.images[0]!.width = 1e9;
    json.images[0]!.height = 1e9;
    writeFileSync(ann, JSON.stringify(json));
    const huge = await datasetStats({ format: 'coco', root: g.cocoRoot, split: 'train' });
    assert.equal(huge.fatal, true);
    assert.ok(
      huge.problems.some(
        (p) =>
          p.fatal && /declares 1000000000x1000000000 pixels; more than the limit/.test(p.message),
      ),
      JSON.stringify(huge.problems),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('datasetStats: any registered format, class discovery only where its module offers it', async () => {
  // The KITTI reader's module without its class discovery: the standard KITTI classes are counted.
  registerDatasetFormat({
    name: 'kitti-standard-classes',
    read: kittiFormat.read,
    writeResults: kittiFormat.writeResults,
  });
  const standard = await datasetStats({
    format: 'kitti-standard-classes',
    root: fixture('kitti'),
    split: 'train',
    checkImages: false,
  });
  assert.deepEqual(Object.keys(standard.perClass), [...KITTI_CLASSES]);
  const discovered = await datasetStats({
    format: 'kitti',
    root: fixture('kitti'),
    split: 'train',
    checkImages: false,
  });
  assert.equal(standard.objects, discovered.objects);
  assert.deepEqual(Object.keys(discovered.perClass).sort(), [
    'Car',
    'Cyclist',
    'Pedestrian',
    'Truck',
    'Van',
  ]);
  const unknown = await datasetStats({ format: 'yolo', root: fixture('kitti') });
  assert.equal(unknown.fatal, true);
  assert.deepEqual(unknown.problems, [
    {
      file: fixture('kitti'),
      where: 'format',
      message: 'expected one of voc, coco, kitti, kitti-standard-classes, got "yolo"',
      fatal: true,
    },
  ]);
});
