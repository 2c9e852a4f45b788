import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as E from 'fp-ts/lib/Either.js';
import type { Dataset, ReadFailure } from '../core/dataset.js';
import { fixture } from '../test-util.js';
import { readKitti } from './readKitti.js';

const ROOT = fixture('kitti');
const right = (r: E.Either<ReadFailure, Dataset>): Dataset => {
  if (E.isLeft(r))
    assert.fail(
      `expected success, got:\n${r.left.problems.map((p) => `${p.where}: ${p.message}`).join('\n')}`,
    );
  return r.right;
};

test('readKitti: 15 columns, each image size from its own header, DontCare as ignore regions', async () => {
  const ds = right(await readKitti({ root: ROOT, split: 'train' }));
  assert.deepEqual(
    ds.samples.map((s) => s.id),
    ['000000', '000001', '000002', '000006'],
  );
  assert.deepEqual(
    ds.samples.map((s) => [s.width, s.height]),
    [
      [124, 37],
      [124, 38],
      [122, 37],
      [124, 37],
    ],
  );
  const s = ds.samples[0]!;
  assert.deepEqual(
    s.objects.map((o) => ds.descriptor.classNames[o.classIndex]),
    ['Car', 'Pedestrian', 'Cyclist', 'Van'],
  );
  const car = s.objects[0]!;
  assert.deepEqual(car.box, [58.7, 16.3, 72.5, 30.8]);
  assert.deepEqual(car.kitti3d, {
    alpha: -1.58,
    dimensions: [1.67, 1.87, 3.69],
    location: [3.2, 1.73, 15.55],
    rotationY: -1.37,
  });
  assert.equal(s.objects[2]!.truncated, 0.35);
  assert.equal(s.objects[2]!.occluded, 2);
  assert.equal(s.objects[3]!.occluded, 3);
  // DontCare: never objects; a region crossing the border is clipped to the image.
  assert.deepEqual(s.ignore, [
    [50.31, 17.46, 55.02, 21.97],
    [115, 16, 124, 20],
  ]);
  assert.equal(ds.problems.length, 0);
});

test('readKitti: only-DontCare file with trailing blank lines, integer-formatted numbers, empty file', async () => {
  const ds = right(await readKitti({ root: ROOT, split: 'train' }));
  const [, onlyDc, ints, empty] = ds.samples;
  assert.equal(onlyDc!.objects.length, 0);
  assert.equal(onlyDc!.ignore.length, 2);
  assert.deepEqual(
    ints!.objects.map((o) => o.box),
    [
      [10, 5, 40, 30],
      [50, 4, 90, 33],
    ],
  );
  assert.equal(ints!.objects[1]!.classIndex, 2); // Truck
  assert.equal(empty!.objects.length, 0);
});

test('readKitti: 16-column results and 17-column tracking lines are rejected clearly, not misparsed', async () => {
  const ds = right(await readKitti({ root: ROOT, split: 'broken' }));
  const p3 = ds.problems.find((p) => p.file.endsWith('000003.txt'))!;
  assert.equal(p3.where, 'line 1');
  assert.match(p3.message, /16 columns; expected the 15 columns.*results file/);
  const p4 = ds.problems.find((p) => p.file.endsWith('000004.txt'))!;
  assert.match(p4.message, /17 columns.*tracking format/);
  assert.equal(
    ds.samples.some((s) => s.id === '000003' || s.id === '000004'),
    false,
  );
  assert.equal(ds.skippedImages, 2);
});

test('readKitti: bad values located by line and column; out-of-image box clipped under fix', async () => {
  const ds = right(await readKitti({ root: ROOT, split: 'values' }));
  const where = ds.problems.map((p) => p.where);
  assert.deepEqual(where, [
    'line 2, column 6 (top)',
    'line 3, column 1 (type)',
    'line 4, column 2 (truncated)',
    'line 5, columns 5-8 (bbox)',
    'line 6, column 3 (occluded)',
  ]);
  assert.match(ds.problems[0]!.message, /expected a number, got "abc"/);
  assert.match(ds.problems[1]!.message, /unknown type "Bus"/);
  const s = ds.samples[0]!;
  assert.deepEqual(
    s.objects.map((o) => o.box),
    [
      [58.7, 16.3, 72.5, 30.8],
      [100, 16.3, 124, 37],
    ],
  );
});

test('readKitti: a class subset leaves other KITTI types out silently; fatal policy fails', async () => {
  const ds = right(
    await readKitti({ root: ROOT, split: 'train', classes: ['Car', 'Pedestrian', 'Cyclist'] }),
  );
  assert.equal(ds.samples[0]!.objects.length, 3);
  assert.equal(ds.samples[2]!.objects.length, 1);
  assert.equal(ds.problems.length, 0);
  const f = await readKitti({ root: ROOT, split: 'values', policy: 'fatal' });
  assert.ok(E.isLeft(f));
  assert.equal(f.left.problems[0]!.where, 'line 2, column 6 (top)');
});

test('readKitti: without a split every label file is read; a missing folder is fatal', async () => {
  const ds = right(await readKitti({ root: ROOT, policy: 'skip' }));
  assert.equal(ds.samples.length, 5);
  const f = await readKitti({ root: fixture('voc') });
  assert.ok(E.isLeft(f));
  assert.match(f.left.problems[0]!.message, /no training\/label_2 folder/);
});
