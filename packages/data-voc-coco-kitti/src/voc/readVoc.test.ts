import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import * as E from 'fp-ts/lib/Either.js';
import type { Dataset, ReadFailure } from '../core/dataset.js';
import { fixture } from '../test-util.js';
import { readVoc } from './readVoc.js';

const ROOT = fixture('voc');
const right = (r: E.Either<ReadFailure, Dataset>): Dataset => {
  if (E.isLeft(r))
    assert.fail(
      `expected success, got:\n${r.left.problems.map((p) => `${p.where}: ${p.message}`).join('\n')}`,
    );
  return r.right;
};
const left = (r: E.Either<ReadFailure, Dataset>): ReadFailure => {
  if (E.isRight(r)) assert.fail('expected a failed read');
  return r.left;
};

test('readVoc: standard VOC2007 annotation, 1-based inclusive boxes to 0-based continuous', async () => {
  const ds = right(await readVoc({ root: ROOT, split: 'train' }));
  assert.equal(ds.samples.length, 3);
  assert.equal(ds.descriptor.classNames.length, 20);
  assert.equal(ds.descriptor.split, 'train');
  const s = ds.samples[0]!;
  assert.equal(s.id, '000001');
  assert.equal(s.path, path.join(ROOT, 'VOCdevkit/VOC2007/JPEGImages/000001.jpg'));
  assert.deepEqual([s.width, s.height], [50, 40]);
  // Full-image box (1,1,W,H) covers exactly [0,0,W,H].
  assert.deepEqual(s.objects[0]!.box, [0, 0, 50, 40]);
  assert.equal(s.objects[0]!.classIndex, 11); // dog
  assert.equal(s.objects[0]!.truncated, 1);
  assert.equal(s.objects[0]!.pose, 'Left');
  // width x2-x1 equals the devkit's xmax-xmin+1
  assert.deepEqual(s.objects[1]!.box, [7, 11, 20, 35]);
  assert.equal(s.objects[1]!.box[2] - s.objects[1]!.box[0], 20 - 8 + 1);
  assert.equal(s.objects[1]!.difficult, true);
});

test('readVoc: VOC2012 floats, nested <part><bndbox>, missing fields, any element order, whitespace in <name>', async () => {
  const ds = right(await readVoc({ root: ROOT, split: 'train' }));
  const s = ds.samples[1]!;
  assert.equal(s.id, '2008_000002');
  assert.deepEqual([s.width, s.height], [64, 48]);
  assert.equal(s.objects.length, 2, 'parts are not objects');
  const person = s.objects[0]!;
  assert.equal(person.classIndex, 14);
  assert.deepEqual(person.box, [9.5, 4, 30.25, 40.7], 'the direct bndbox, not a part');
  assert.equal(person.difficult, false);
  assert.equal(person.truncated, 0);
  assert.equal(person.pose, undefined);
  const bike = s.objects[1]!;
  assert.equal(bike.classIndex, 1);
  assert.equal(bike.occluded, 1);
  assert.deepEqual(bike.box, [32, 19, 64, 48]);
});

test('readVoc: labelImg extras; size 0x0 replaced by the image file size with a warning', async () => {
  const ds = right(await readVoc({ root: ROOT, split: 'train' }));
  const s = ds.samples[2]!;
  assert.deepEqual([s.width, s.height], [30, 20]);
  assert.deepEqual(s.objects[0]!.box, [2, 3, 12, 15]);
  const w = ds.problems.filter((p) => p.file.endsWith('labelimg_0003.xml'));
  assert.equal(w.length, 1);
  assert.equal(w[0]!.where, 'annotation/size');
  assert.equal(w[0]!.fatal, false);
  assert.match(w[0]!.message, /30x20/);
});

test('readVoc: root may be VOCdevkit parent, year folder; class-specific split files work', async () => {
  const a = right(await readVoc({ root: path.join(ROOT, 'VOCdevkit', 'VOC2007'), split: 'train' }));
  const b = right(await readVoc({ root: ROOT, year: '2007', split: 'aeroplane_train' }));
  assert.deepEqual(
    a.samples.map((s) => s.id),
    b.samples.map((s) => s.id),
  );
});

test('readVoc policy fix: out-of-image box clipped with a warning, unfixable objects and files skipped, each located', async () => {
  const ds = right(await readVoc({ root: ROOT, split: 'broken', classes: ['car'] }));
  const byFile = (stem: string) =>
    ds.problems.filter((p) => path.basename(p.file) === `${stem}.xml`);
  const out = ds.samples.find((s) => s.id === 'out_0004')!;
  assert.deepEqual(
    out.objects.map((o) => o.box),
    [
      [0, 0, 10, 10],
      [0, 2, 20, 30],
    ],
  );
  assert.equal(byFile('out_0004')[0]!.where, 'annotation/object[2]/bndbox');
  assert.equal(byFile('out_0004')[0]!.action, 'fixed');
  const inv = ds.samples.find((s) => s.id === 'inv_0005')!;
  assert.equal(inv.objects.length, 1);
  assert.match(byFile('inv_0005')[0]!.message, /inverted or empty; expected x1 < x2/);
  assert.equal(byFile('unk_0006')[0]!.where, 'annotation/object[2]/name');
  assert.match(byFile('unk_0006')[0]!.message, /unknown class "unicorn"/);
  const xxe = byFile('xxe_0007')[0]!;
  assert.equal(xxe.where, 'line 2');
  assert.match(xxe.message, /DOCTYPE declarations are refused/);
  assert.match(byFile('laughs_0008')[0]!.message, /DOCTYPE declarations are refused/);
  const trunc = byFile('trunc_0009')[0]!;
  assert.match(trunc.where, /^line \d+, column \d+$/);
  assert.match(trunc.message, /malformed or truncated XML/);
  assert.equal(byFile('escape_0010')[0]!.where, 'annotation/filename');
  assert.match(byFile('escape_0010')[0]!.message, /escapes the dataset folder/);
  const bad = byFile('badnum_0011')[0]!;
  assert.equal(bad.where, 'annotation/object[2]/bndbox/ymin');
  assert.match(bad.message, /expected a finite number, got "abc"/);
  // Samples kept: out, inv, unk, badnum (4); images skipped: xxe, laughs, trunc, escape (4).
  assert.deepEqual(
    ds.samples.map((s) => s.id),
    ['out_0004', 'inv_0005', 'unk_0006', 'badnum_0011'],
  );
  assert.equal(ds.skippedImages, 4);
  assert.equal(ds.skippedObjects, 3);
  assert.equal(ds.fixedObjects, 1);
});

test('readVoc policy skip: the out-of-image object is dropped instead of clipped', async () => {
  const ds = right(
    await readVoc({ root: ROOT, split: 'broken', classes: ['car'], policy: 'skip' }),
  );
  assert.equal(ds.samples.find((s) => s.id === 'out_0004')!.objects.length, 1);
  assert.equal(ds.fixedObjects, 0);
  assert.equal(ds.skippedObjects, 4);
});

test('readVoc policy fatal: the read fails, problems say file and element', async () => {
  const f = left(await readVoc({ root: ROOT, split: 'broken', classes: ['car'], policy: 'fatal' }));
  assert.ok(
    f.problems.some(
      (p) =>
        p.fatal && p.file.endsWith('out_0004.xml') && p.where === 'annotation/object[2]/bndbox',
    ),
  );
});

test('readVoc: missing split names the available ones; unsafe ids in a split file are fatal', async () => {
  const f = left(await readVoc({ root: ROOT, split: 'val' }));
  assert.match(f.problems[0]!.message, /split file not found; available splits: .*train/);
  const g = left(await readVoc({ root: ROOT, split: 'badsplit' }));
  assert.equal(g.problems[0]!.where, 'line 2');
  assert.match(g.problems[0]!.message, /not a plain file stem/);
});

test('readVoc: an annotation file above the size limit fails cleanly without being read', async () => {
  const ds = right(await readVoc({ root: ROOT, split: 'train', maxAnnotationBytes: 500 }));
  assert.ok(
    ds.problems.some(
      (p) => p.file.endsWith('000001.xml') && /expected at most 500/.test(p.message),
    ),
  );
});
