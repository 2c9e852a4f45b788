import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as E from 'fp-ts/lib/Either.js';
import { parseXmlSafe } from '../xml/parseXmlSafe.js';
import { checkBox } from './checkBox.js';
import { ProblemLog } from './problem.js';
import { resolveInside } from './resolveInside.js';

test('resolveInside: relative names and subfolders pass; absolute, climbing, NUL and backslash paths are refused', () => {
  assert.deepEqual(resolveInside('/data/imgs', 'a/b.jpg'), E.right('/data/imgs/a/b.jpg'));
  assert.deepEqual(resolveInside('/data/imgs', 'a/../b.jpg'), E.right('/data/imgs/b.jpg'));
  for (const bad of [
    '/etc/passwd',
    '../x.jpg',
    'a/../../x.jpg',
    'C:/x.jpg',
    'a\\..\\..\\x',
    'a\0b',
    '',
    '.',
  ]) {
    assert.ok(E.isLeft(resolveInside('/data/imgs', bad)), JSON.stringify(bad));
  }
});

test('parseXmlSafe: predefined entities and character references decoded, nothing user-defined', () => {
  const r = parseXmlSafe('<a><name>cat &amp; dog &#65;&#x42; &lt;x&gt;</name><k>&unknown;</k></a>');
  assert.ok(E.isRight(r));
  assert.deepEqual(r.right, { a: { name: 'cat & dog AB <x>', k: '&unknown;' } });
  const x = parseXmlSafe(
    '<?xml version="1.0"?>\n<!doctype a SYSTEM "http://example.com/a.dtd"><a/>',
  );
  assert.ok(E.isLeft(x) && x.left.where === 'line 2');
  const bad = parseXmlSafe('<a>\n<b></a>');
  assert.ok(E.isLeft(bad) && /^line \d+, column \d+$/.test(bad.left.where));
});

test('checkBox: inside kept as is; outside clipped (fix), dropped (skip) or fatal; non-finite never fixed', () => {
  const fix = new ProblemLog('fix');
  assert.deepEqual(checkBox([1, 2, 3, 4], 10, 10, fix, 'f', 'w'), [1, 2, 3, 4]);
  assert.deepEqual(checkBox([0, 0, 10, 10], 10, 10, fix, 'f', 'w'), [0, 0, 10, 10]);
  assert.deepEqual(checkBox([-2, 3, 12, 11], 10, 10, fix, 'f', 'w'), [0, 3, 10, 10]);
  assert.equal(
    checkBox([11, 3, 15, 5], 10, 10, fix, 'f', 'w'),
    undefined,
    'nothing left after clipping',
  );
  assert.equal(checkBox([Number.NaN, 3, 15, 5], 10, 10, fix, 'f', 'w'), undefined);
  assert.equal(checkBox([3, 3, 3, 5], 10, 10, fix, 'f', 'w'), undefined, 'zero width');
  assert.deepEqual([fix.fixedObjects, fix.skippedObjects, fix.hasFatal], [1, 3, false]);
  const skip = new ProblemLog('skip');
  assert.equal(checkBox([-2, 3, 12, 11], 10, 10, skip, 'f', 'w'), undefined);
  const fatal = new ProblemLog('fatal');
  assert.equal(checkBox([-2, 3, 12, 11], 10, 10, fatal, 'f', 'w'), undefined);
  assert.equal(fatal.hasFatal, true);
});

test('resolveInside: `..hidden.png` and `a/..b` are legal names inside the folder (#16 case 17)', () => {
  assert.deepEqual(resolveInside('/data/imgs', '..hidden.png'), E.right('/data/imgs/..hidden.png'));
  assert.deepEqual(resolveInside('/data/imgs', 'a/..b.jpg'), E.right('/data/imgs/a/..b.jpg'));
  assert.ok(E.isLeft(resolveInside('/data/imgs', '..')));
  assert.ok(E.isLeft(resolveInside('/data/imgs', '../..hidden.png')));
});

test('parseXmlSafe: 100 000-deep nesting is refused with a reason, not a stack overflow (#16 case 17)', () => {
  const n = 100_000;
  const r = parseXmlSafe(
    `<annotation><object><bndbox>${'<x>'.repeat(n)}1${'</x>'.repeat(n)}</bndbox></object></annotation>`,
    ['annotation.object'],
  );
  assert.ok(E.isLeft(r));
  assert.equal(r.left.where, 'document');
  assert.match(r.left.message, /nested/i);
});
