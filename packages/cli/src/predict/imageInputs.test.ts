import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { imageInputs, outputNames } from './imageInputs.js';

const dir = mkdtempSync(join(tmpdir(), 'kd-inputs-'));
after(() => rmSync(dir, { recursive: true, force: true }));
for (const f of ['b.png', 'a.jpg', 'c.JPEG', 'notes.txt', 'sub/d.png']) {
  mkdirSync(join(dir, f, '..'), { recursive: true });
  writeFileSync(join(dir, f), '');
}

describe('imageInputs', () => {
  test('a folder gives its images (not subfolders), sorted; a file is kept as given', () => {
    assert.deepEqual(imageInputs([join(dir, 'sub', 'd.png'), dir]), [
      join(dir, 'sub', 'd.png'),
      join(dir, 'a.jpg'),
      join(dir, 'b.png'),
      join(dir, 'c.JPEG'),
    ]);
  });
  test('a glob in the file name matches files, sorted', () => {
    assert.deepEqual(imageInputs([join(dir, '*.png')]), [join(dir, 'b.png')]);
    assert.deepEqual(imageInputs([join(dir, '[ab].*')]), [join(dir, 'a.jpg'), join(dir, 'b.png')]);
    assert.deepEqual(imageInputs([join(dir, '?.jpg')]), [join(dir, 'a.jpg')]);
  });
  test('what matches nothing is an error naming the argument', () => {
    assert.throws(() => imageInputs([join(dir, '*.gif')]), /\*\.gif: matches no file/);
    assert.throws(() => imageInputs([join(dir, 'nope.png')]), /nope\.png: no such file or folder/);
    assert.throws(() => imageInputs([join(dir, 'sub', 'x', '*.png')]), /no such folder/);
    mkdirSync(join(dir, 'empty'));
    assert.throws(() => imageInputs([join(dir, 'empty')]), /empty: folder holds no \.png/);
  });
});

describe('outputNames', () => {
  test('inputs with the same basename get distinct outputs, in input order', () => {
    assert.deepEqual(outputNames(['x/a.jpg', 'y/a.png', 'z/a.jpeg', 'b.png', 'w/A.png']), [
      'a.png',
      'a-2.png',
      'a-3.png',
      'b.png',
      'A-4.png',
    ]);
  });
});
