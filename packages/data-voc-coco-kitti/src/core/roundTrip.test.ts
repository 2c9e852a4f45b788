import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { boxRle } from '../coco/boxRle.js';
import { cocoResultsJson } from '../coco/cocoResultsJson.js';
import { readCoco } from '../coco/readCoco.js';
import { writeCoco } from '../coco/writeCoco.js';
import { kittiResultsText } from '../kitti/kittiResultsText.js';
import { readKitti } from '../kitti/readKitti.js';
import { writeKitti } from '../kitti/writeKitti.js';
import { generateShapesDataset } from '../synth/generateShapesDataset.js';
import { SHAPE_CLASSES } from '../synth/shapeSdf.js';
import { fixture } from '../test-util.js';
import { readVoc } from '../voc/readVoc.js';
import { writeVoc } from '../voc/writeVoc.js';
import { getOrThrow } from './dataset.js';
import type { Sample } from './sample.js';

const strip = (samples: readonly Sample[]) =>
  samples.map((s) => ({
    w: s.width,
    h: s.height,
    o: s.objects.map((o) => [o.classIndex, ...o.box, o.difficult, o.crowd]),
  }));

test('VOC write -> read is the identity on the fixtures (boxes, flags, floats)', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'kd-voc-'));
  try {
    const ds = getOrThrow(await readVoc({ root: fixture('voc'), split: 'train' }));
    const yearDir = path.join(dir, 'VOCdevkit', 'VOC2007');
    await writeVoc({ yearDir, split: 'train', samples: ds.samples, descriptor: ds.descriptor });
    const back = getOrThrow(await readVoc({ root: dir, split: 'train' }));
    assert.deepEqual(strip(back.samples), strip(ds.samples));
    const xml = await readFile(path.join(yearDir, 'Annotations', '000001.xml'), 'utf8');
    assert.match(xml, /<xmin>1<\/xmin>\s*<ymin>1<\/ymin>\s*<xmax>50<\/xmax>\s*<ymax>40<\/ymax>/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('COCO write -> read keeps ids (even above 2^53), category ids, crowd flags and areas', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'kd-coco-'));
  try {
    const ds = getOrThrow(await readCoco({ root: fixture('coco'), split: 'val2017' }));
    await writeCoco({
      annotationFile: path.join(dir, 'annotations', 'instances_val2017.json'),
      imageDir: path.join(dir, 'val2017'),
      samples: ds.samples,
      descriptor: ds.descriptor,
    });
    const back = getOrThrow(await readCoco({ root: dir, split: 'val2017', checkImages: true }));
    assert.deepEqual(
      back.samples.map((s) => s.id),
      ds.samples.map((s) => s.id),
    );
    assert.deepEqual(back.descriptor.categoryIds, [1, 3, 18, 90]);
    assert.deepEqual(strip(back.samples), strip(ds.samples));
    assert.deepEqual(
      back.samples.flatMap((s) => s.objects.map((o) => o.area)),
      ds.samples.flatMap((s) => s.objects.map((o) => o.area)),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('KITTI write -> read keeps boxes, 3D fields, DontCare regions', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'kd-kitti-'));
  try {
    const ds = getOrThrow(await readKitti({ root: fixture('kitti'), split: 'train' }));
    await writeKitti({ root: dir, split: 'train', samples: ds.samples, descriptor: ds.descriptor });
    const back = getOrThrow(await readKitti({ root: dir, split: 'train' }));
    assert.deepEqual(strip(back.samples), strip(ds.samples));
    assert.deepEqual(
      back.samples.map((s) => s.ignore),
      ds.samples.map((s) => s.ignore),
    );
    assert.deepEqual(back.samples[0]!.objects[0]!.kitti3d, ds.samples[0]!.objects[0]!.kitti3d);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the generated dataset reads the same from its VOC, COCO and KITTI layouts', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'kd-gen-'));
  try {
    const g = await generateShapesDataset({
      root: dir,
      seed: 11,
      trainImages: 12,
      testImages: 4,
      imageSize: 64,
    });
    const classes = [...SHAPE_CLASSES];
    for (const split of ['train', 'test'] as const) {
      const voc = getOrThrow(await readVoc({ root: g.vocYearDir, split, classes }));
      const coco = getOrThrow(await readCoco({ root: g.cocoRoot, split, checkImages: true }));
      const kitti = getOrThrow(await readKitti({ root: g.kittiRoot, split, classes }));
      const boxes = (d: typeof voc) =>
        d.samples.map((s) => s.objects.map((o) => [o.classIndex, ...o.box]));
      assert.deepEqual(boxes(voc), boxes(kitti));
      assert.deepEqual(boxes(voc), boxes(coco));
      assert.deepEqual(
        boxes(voc),
        g.splits[split].map((s) => s.objects.map((o) => [o.classIndex, ...o.box])),
      );
      assert.deepEqual(coco.descriptor.classNames, classes);
      assert.equal(voc.problems.length + coco.problems.length + kitti.problems.length, 0);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('COCO results: [x,y,w,h], original category ids, image ids written verbatim', () => {
  const d = {
    format: 'coco' as const,
    root: '/',
    split: 'val',
    classNames: ['a', 'b'],
    categoryIds: [1, 90],
  };
  const txt = cocoResultsJson(
    [{ imageId: '9007199254740993', box: [1, 2, 11, 22], classIndex: 1, score: 0.5 }],
    d,
  );
  assert.equal(
    txt,
    '[{"image_id":9007199254740993,"category_id":90,"bbox":[1,2,10,20],"score":0.5}]\n',
  );
  assert.throws(
    () => cocoResultsJson([{ imageId: 'abc', box: [0, 0, 1, 1], classIndex: 0, score: 1 }], d),
    /not a COCO integer id/,
  );
});

test('KITTI results: 16 columns with the score last', () => {
  const d = {
    format: 'kitti' as const,
    root: '/',
    split: 'val',
    classNames: ['Car'],
    categoryIds: [1],
  };
  const txt = kittiResultsText(
    [{ imageId: '000001', box: [1, 2.5, 30, 40], classIndex: 0, score: 0.75 }],
    d,
  );
  assert.equal(txt, 'Car -1 -1 -10 1 2.5 30 40 -1 -1 -1 -1000 -1000 -1000 -10 0.75\n');
  assert.equal(txt.trim().split(' ').length, 16);
});

test('boxRle: column-major runs covering exactly the box pixels', () => {
  const r = boxRle([1, 2, 3, 5], 4, 6);
  assert.equal(
    r.counts.reduce((a, b) => a + b, 0),
    24,
  );
  // decode and compare with the box mask
  const mask: number[] = [];
  r.counts.forEach((c, i) => {
    for (let k = 0; k < c; k++) mask.push(i % 2);
  });
  for (let x = 0; x < 4; x++) {
    for (let y = 0; y < 6; y++)
      assert.equal(mask[x * 6 + y], x >= 1 && x < 3 && y >= 2 && y < 5 ? 1 : 0);
  }
});

test('VOC results: devkit per-class lines with 1-based boxes; writers refuse file names escaping the target', async () => {
  const { vocResultsText } = await import('../voc/vocResultsText.js');
  const dets = [
    { imageId: '000001', box: [0, 0, 50, 40] as const, classIndex: 1, score: 0.9 },
    { imageId: '000002', box: [7.5, 11, 20, 35] as const, classIndex: 0, score: 0.25 },
  ];
  assert.equal(vocResultsText(dets, 1), '000001 0.9 1 1 50 40\n');
  assert.equal(vocResultsText(dets, 0), '000002 0.25 8.5 12 20 35\n');
  assert.throws(() => vocResultsText([{ ...dets[0]!, imageId: 'a b' }], 1), /"a b".*white space/);
  const dir = await mkdtemp(path.join(tmpdir(), 'kd-esc-'));
  try {
    const ds = getOrThrow(await readVoc({ root: fixture('voc'), split: 'train' }));
    const evil = { ...ds.samples[0]!, fileName: '../../escaped.jpg' };
    await assert.rejects(
      writeVoc({
        yearDir: path.join(dir, 'VOC2007'),
        split: 'x',
        samples: [evil],
        descriptor: ds.descriptor,
      }),
      /escapes the dataset folder/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
