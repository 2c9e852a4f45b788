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
