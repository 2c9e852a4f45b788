import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  type Detection,
  writeCocoResults,
  writeKittiResults,
  writeVocResults,
} from '@kd/data-voc-coco-kitti';
import { CocoResultsFileC, parseKittiResults, parseVocResults } from '@kd/eval';
import { createRng } from '@kd/tensor-ops';
import * as E from 'fp-ts/lib/Either.js';

// The one results writer of each format (@kd/data-voc-coco-kitti) against the readers of the
// evaluators (@kd/eval): what is written is read back exactly, so scoring the files equals scoring
// the detections in memory. Values are float32 (what `predict` returns) and arbitrary doubles.

const dir = mkdtempSync(join(tmpdir(), 'kd-results-round-trip-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const classNames = ['Car', 'Pedestrian', 'Cyclist'];
// Plain integers: valid VOC and KITTI file stems and COCO image ids alike.
const ids = ['7', '42', '1000'];
const rng = createRng(3);
const value = (i: number) => (i % 2 === 0 ? Math.fround(rng.next() * 500) : rng.next() * 500);
const detections: Detection[] = Array.from({ length: 60 }, (_, i) => {
  const x1 = value(i);
  const y1 = value(i);
  return {
    imageId: ids[i % 2]!, // the last image has none: its (empty) file must exist all the same
    box: [x1, y1, x1 + 1 + value(i), y1 + 1 + value(i)],
    classIndex: i % 3,
    score: i % 2 === 0 ? Math.fround(rng.next()) : rng.next(),
  };
});
const descriptor = (format: 'voc' | 'coco' | 'kitti') => ({
  format,
  root: dir,
  split: 'test',
  classNames,
  categoryIds: [3, 17, 90],
});

test('VOC comp4_det files: every class, boxes back to 1-based pixels, exact values', async () => {
  const out = join(dir, 'voc');
  await writeVocResults(out, 'test', detections, descriptor('voc'));
  for (const [c, className] of classNames.entries()) {
    const file = join(out, `comp4_det_test_${className}.txt`);
    const read = parseVocResults(file, readFileSync(file, 'utf8'), className, new Set(ids));
    assert.ok(E.isRight(read), E.isLeft(read) ? JSON.stringify(read.left) : '');
    const mine = detections.filter((d) => d.classIndex === c);
    assert.equal(read.right.length, mine.length);
    read.right.forEach((r, i) => {
      const d = mine[i]!;
      assert.equal(r.imageId, d.imageId);
      assert.equal(r.score, d.score);
      assert.deepEqual(r.bbox, [d.box[0] + 1, d.box[1] + 1, d.box[2], d.box[3]]);
    });
  }
});

test('COCO results JSON: original category ids, xywh, exact values', async () => {
  const file = join(dir, 'results.json');
  await writeCocoResults(file, detections, descriptor('coco'));
  const read = CocoResultsFileC.decode(JSON.parse(readFileSync(file, 'utf8')));
  assert.ok(E.isRight(read));
  assert.equal(read.right.length, detections.length);
  read.right.forEach((r, i) => {
    const d = detections[i]!;
    const [x1, y1, x2, y2] = d.box;
    assert.equal(r.image_id, Number(d.imageId));
    assert.equal(r.category_id, [3, 17, 90][d.classIndex]);
    assert.deepEqual(r.bbox, [x1, y1, x2 - x1, y2 - y1]);
    assert.equal(r.score, d.score);
  });
});

test('KITTI results: one file per image (empty ones too), 16 columns, exact values', async () => {
  const out = join(dir, 'kitti');
  await writeKittiResults(out, ids, detections, descriptor('kitti'));
  for (const id of ids) {
    const file = join(out, `${id}.txt`);
    const read = parseKittiResults(file, readFileSync(file, 'utf8'));
    assert.ok(E.isRight(read), E.isLeft(read) ? JSON.stringify(read.left) : '');
    const mine = detections.filter((d) => d.imageId === id);
    assert.equal(read.right.length, mine.length);
    read.right.forEach((r, i) => {
      const d = mine[i]!;
      assert.equal(r.type, classNames[d.classIndex]);
      assert.equal(r.score, d.score);
      assert.deepEqual(r.bbox, d.box);
    });
  }
});

test('a non-finite value is refused, not written as NaN', async () => {
  const bad = [{ ...detections[0]!, score: Number.NaN }];
  await assert.rejects(
    writeVocResults(join(dir, 'bad'), 'test', bad, descriptor('voc')),
    /finite, got NaN/,
  );
});
