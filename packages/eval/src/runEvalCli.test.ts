import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import * as E from 'fp-ts/lib/Either.js';
import { formatEvalError } from './internal/EvalError.js';
import { runCocoEvalCli, runKittiEvalCli, runVocEvalCli } from './runEvalCli.js';

const dir = mkdtempSync(join(tmpdir(), 'kd-eval-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

it('COCO --json has the 12 keys and perCategory', async () => {
  const gt = join(dir, 'gt.json');
  const dets = join(dir, 'dets.json');
  writeFileSync(
    gt,
    JSON.stringify({
      images: [{ id: 7 }],
      annotations: [
        { id: 1, image_id: 7, category_id: 3, bbox: [10, 10, 50, 50], area: 2500, iscrowd: 0 },
      ],
      categories: [{ id: 3, name: 'car' }],
    }),
  );
  writeFileSync(
    dets,
    JSON.stringify([{ image_id: 7, category_id: 3, bbox: [10, 10, 50, 50], score: 0.9 }]),
  );
  const r = await runCocoEvalCli({ gt, dets, json: true })();
  if (E.isLeft(r)) assert.fail(formatEvalError(r.left));
  const j = JSON.parse(r.right.text) as Record<string, unknown>;
  assert.deepEqual(Object.keys(j), [
    'AP',
    'AP50',
    'AP75',
    'APs',
    'APm',
    'APl',
    'AR1',
    'AR10',
    'AR100',
    'ARs',
    'ARm',
    'ARl',
    'perCategory',
  ]);
  assert.equal(j.APs, -1);
  assert.deepEqual(Object.keys(j.perCategory as object), ['car']);
});

it('VOC --json is {mAP, perClass}; a class with only difficult GT gives null (NaN) as voc_eval.py', async () => {
  const devkit = join(dir, 'VOC2007');
  mkdirSync(join(devkit, 'Annotations'), { recursive: true });
  mkdirSync(join(devkit, 'ImageSets', 'Main'), { recursive: true });
  writeFileSync(join(devkit, 'ImageSets', 'Main', 'test.txt'), '000001\n');
  writeFileSync(
    join(devkit, 'Annotations', '000001.xml'),
    '<annotation><object><name>cat</name><difficult>0</difficult><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>50</xmax><ymax>50</ymax></bndbox></object><object><name>sofa</name><difficult>1</difficult><bndbox><xmin>60</xmin><ymin>1</ymin><xmax>90</xmax><ymax>50</ymax></bndbox></object></annotation>',
  );
  writeFileSync(join(dir, 'comp4_det_test_cat.txt'), '000001 0.9 1 1 50 50\n');
  writeFileSync(join(dir, 'comp4_det_test_sofa.txt'), '000001 0.9 100 100 150 150\n');
  const r = await runVocEvalCli({ devkit, split: 'test', dets: dir, json: true })();
  if (E.isLeft(r)) assert.fail(formatEvalError(r.left));
  assert.deepEqual(JSON.parse(r.right.text), { mAP: null, perClass: { cat: 1, sofa: null } });
  const t = await runVocEvalCli({ devkit, split: 'test', dets: dir, metric: '07' })();
  if (E.isLeft(t)) assert.fail(formatEvalError(t.left));
  assert.match(t.right.text, /AP for cat = 1\.0000\nAP for sofa = 0\.0000\nMean AP = 0\.5000/);
});

it('KITTI --json is {Class: {easy: {ap11, ap40}, …}}', async () => {
  const labels = join(dir, 'label_2');
  const results = join(dir, 'results');
  mkdirSync(labels);
  mkdirSync(results);
  writeFileSync(
    join(labels, '000000.txt'),
    'Car 0.00 0 -1.58 587.01 173.33 614.12 200.12 1.65 1.67 3.64 -0.65 1.71 46.70 -1.59\n',
  );
  writeFileSync(
    join(results, '000000.txt'),
    'Car -1 -1 -1.5 587.01 173.33 614.12 200.12 -1 -1 -1 -1000 -1000 -1000 -10 0.95\n',
  );
  const r = await runKittiEvalCli({ labels, results, json: true })();
  if (E.isLeft(r)) assert.fail(formatEvalError(r.left));
  const j = JSON.parse(r.right.text) as Record<
    string,
    Record<string, { ap11: number; ap40: number }>
  >;
  assert.deepEqual(Object.keys(j), ['Car']);
  // the box is 26.79 px high: below 40 (easy ignores it), above 25 (moderate/hard count it)
  assert.equal(j.Car!.easy!.ap11, 0);
  // the devkit indexes precision by threshold number: one GT fills only precision[0]
  assert.equal(j.Car!.moderate!.ap11, 1 / 11);
  assert.equal(j.Car!.moderate!.ap40, 0);
  assert.equal(j.Car!.hard!.ap11, 1 / 11);
  const paper = await runKittiEvalCli({ labels, results, json: true, pascal: true })();
  if (E.isLeft(paper)) assert.fail(formatEvalError(paper.left));
  // the paper's convention: no difficulty filter, VOC AP at IoU 0.5 (no GT and no detections: AP 0)
  assert.deepEqual(JSON.parse(paper.right.text), {
    mAP: 1 / 3,
    perClass: { Car: 1, Pedestrian: 0, Cyclist: 0 },
  });
});

/** A one-image VOC devkit with a cat, under `root`. */
function catDevkit(root: string): string {
  const devkit = join(root, 'VOC2007');
  mkdirSync(join(devkit, 'Annotations'), { recursive: true });
  mkdirSync(join(devkit, 'ImageSets', 'Main'), { recursive: true });
  writeFileSync(join(devkit, 'ImageSets', 'Main', 'test.txt'), '000001\n');
  writeFileSync(
    join(devkit, 'Annotations', '000001.xml'),
    '<annotation><object><name>cat</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>50</xmax><ymax>50</ymax></bndbox></object></annotation>',
  );
  return devkit;
}

it('VOC: a missing --dets folder is an error naming it, not mAP 0 (#16 case 15)', async () => {
  const root = join(dir, 'voc-missing');
  const devkit = catDevkit(root);
  const missing = join(root, 'no-such-results');
  for (const json of [false, true]) {
    const r = await runVocEvalCli({ devkit, split: 'test', dets: missing, json })();
    assert.ok(E.isLeft(r));
    assert.equal(r.left.file, missing);
    assert.match(formatEvalError(r.left), /results \(--dets\) folder not found/);
  }
});

it('VOC: a results file for a class absent from the split is refused, naming the file (#16 case 15)', async () => {
  const root = join(dir, 'voc-ring');
  const devkit = catDevkit(root);
  const dets = join(root, 'dets');
  mkdirSync(dets);
  writeFileSync(join(dets, 'comp4_det_test_cat.txt'), '000001 0.9 1 1 50 50\n');
  writeFileSync(join(dets, 'comp4_det_test_Ring.txt'), '000001 0.9 1 1 50 50\n');
  const r = await runVocEvalCli({ devkit, split: 'test', dets, json: true })();
  assert.ok(E.isLeft(r));
  assert.equal(r.left.file, join(dets, 'comp4_det_test_Ring.txt'));
  assert.match(
    r.left.message,
    /class "Ring", which has no object in split test \(classes there: cat\)/,
  );
});

it('VOC: warnings are returned apart from the JSON, so --json keeps them (#16 case 15)', async () => {
  const root = join(dir, 'voc-warn');
  const devkit = catDevkit(root);
  const dets = join(root, 'dets');
  mkdirSync(dets);
  const r = await runVocEvalCli({ devkit, split: 'test', dets, json: true })();
  if (E.isLeft(r)) assert.fail(formatEvalError(r.left));
  assert.deepEqual(JSON.parse(r.right.text), { mAP: 0, perClass: { cat: 0 } });
  assert.equal(r.right.warnings.length, 1);
  assert.match(
    r.right.warnings[0]!,
    /comp4_det_test_cat\.txt: not found, no detections for class cat/,
  );
});

it('KITTI: a missing results folder is an error even with missingResults empty (#16 case 15)', async () => {
  const root = join(dir, 'kitti-missing');
  const labels = join(root, 'label_2');
  mkdirSync(labels, { recursive: true });
  writeFileSync(
    join(labels, '000000.txt'),
    'Car 0.00 0 -1.58 587.01 173.33 614.12 200.12 1.65 1.67 3.64 -0.65 1.71 46.70 -1.59\n',
  );
  const results = join(root, 'nope');
  for (const pascal of [false, true]) {
    const r = await runKittiEvalCli({
      labels,
      results,
      missingResults: 'empty',
      json: true,
      pascal,
    })();
    assert.ok(E.isLeft(r));
    assert.equal(r.left.file, results);
    assert.match(r.left.message, /results folder not found/);
  }
  const empty = join(root, 'empty-labels');
  mkdirSync(empty);
  mkdirSync(join(root, 'res'));
  const none = await runKittiEvalCli({ labels: empty, results: join(root, 'res'), json: true })();
  assert.ok(E.isLeft(none) && /no frames to evaluate/.test(none.left.message));
});

it('deep nesting in VOC XML and COCO JSON is an error naming the file, never a crash (#16 case 17)', async () => {
  const root = join(dir, 'deep');
  const devkit = catDevkit(root);
  const xml = join(devkit, 'Annotations', '000001.xml');
  writeFileSync(
    xml,
    `<annotation><object><name>cat</name><bndbox>${'<x>'.repeat(100_000)}1${'</x>'.repeat(100_000)}</bndbox></object></annotation>`,
  );
  mkdirSync(join(root, 'dets'));
  const v = await runVocEvalCli({ devkit, split: 'test', dets: join(root, 'dets') })();
  assert.ok(E.isLeft(v));
  assert.equal(v.left.file, xml);
  const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
  const gt = join(root, 'gt.json');
  const dets = join(root, 'dets.json');
  writeFileSync(
    gt,
    JSON.stringify({
      images: [{ id: 7 }],
      annotations: [{ id: 1, image_id: 7, category_id: 3, bbox: [1, 1, 5, 5], area: 25 }],
      categories: [{ id: 3, name: 'car' }],
    }),
  );
  writeFileSync(dets, `[{"image_id":7,"category_id":3,"score":1,"bbox":${deep}}]`);
  const c = await runCocoEvalCli({ gt, dets, json: true })();
  assert.ok(E.isLeft(c));
  assert.equal(c.left.file, dets);
  assert.match(c.left.where, /^\$\[0\]\.bbox\[0\]/);
  assert.match(c.left.message, /nested deeper than 64 levels/);
});

it('a 1 GiB sparse file as COCO ground truth is refused from its size, before reading (#16 case 17)', async () => {
  const { truncateSync } = await import('node:fs');
  const gt = join(dir, 'sparse.json');
  writeFileSync(gt, '');
  truncateSync(gt, 1 << 30);
  const r = await runCocoEvalCli({ gt, dets: join(dir, 'whatever.json'), json: true })();
  assert.ok(E.isLeft(r));
  assert.equal(r.left.file, gt);
  assert.match(r.left.message, /file is 1073741824 bytes; at most 536870912 are read/);
  rmSync(gt);
});

it('VOC: an image id such as `..hidden` is a name inside the devkit; `..` is refused (#16 case 17)', async () => {
  const root = join(dir, 'voc-hidden');
  const devkit = catDevkit(root);
  writeFileSync(join(devkit, 'ImageSets', 'Main', 'test.txt'), '..hidden\n');
  writeFileSync(
    join(devkit, 'Annotations', '..hidden.xml'),
    '<annotation><object><name>cat</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>50</xmax><ymax>50</ymax></bndbox></object></annotation>',
  );
  const dets = join(root, 'dets');
  mkdirSync(dets);
  writeFileSync(join(dets, 'comp4_det_test_cat.txt'), '..hidden 0.9 1 1 50 50\n');
  const r = await runVocEvalCli({ devkit, split: 'test', dets, json: true })();
  if (E.isLeft(r)) assert.fail(formatEvalError(r.left));
  assert.deepEqual(JSON.parse(r.right.text), { mAP: 1, perClass: { cat: 1 } });
  writeFileSync(join(devkit, 'ImageSets', 'Main', 'test.txt'), '..\n');
  const bad = await runVocEvalCli({ devkit, split: 'test', dets, json: true })();
  assert.ok(E.isLeft(bad) && /bad image id "\.\."/.test(bad.left.message));
});
