import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  KITTI_CLASSES,
  KITTI_RESULT_COLUMNS,
  KITTI_TYPES,
  kittiLines,
  kittiNumbers,
} from './kittiLines.js';
import { VOC_CLASSES } from './vocClasses.js';

test('kittiLines keeps 1-based numbers of the non-blank lines, CRLF or LF', () => {
  const text =
    'Car 0 0 1 2 3 4 5 6 7 8 9 10 11 12\r\n\n  DontCare -1 -1 -10 1 1 2 2 -1 -1 -1 -1000 -1000 -1000 -10  \n\n';
  const lines = kittiLines(text);
  assert.deepEqual(
    lines.map((l) => [l.line, l.columns[0], l.columns.length]),
    [
      [1, 'Car', 15],
      [3, 'DontCare', 15],
    ],
  );
});

test('kittiNumbers reads every column after the type, or names the first bad one', () => {
  assert.deepEqual(kittiNumbers(['Car', '0.5', '1', '-1e-3', '.5', '2.']), {
    values: [0.5, 1, -0.001, 0.5, 2],
  });
  for (const bad of ['0x10', '', 'nan', 'inf', '1e999', '1,5'])
    assert.deepEqual(kittiNumbers(['Car', '0', '0', bad]), {
      column: 4,
      name: 'alpha',
      got: bad,
    });
  assert.deepEqual(kittiNumbers([...Array(15).fill('0'), 'x']), {
    column: 16,
    name: 'score',
    got: 'x',
  });
});

test('the format vocabularies: 16 result columns, 8 KITTI classes + DontCare, 20 VOC classes', () => {
  assert.equal(KITTI_RESULT_COLUMNS.length, 16);
  assert.deepEqual(KITTI_TYPES.slice(0, -1), [...KITTI_CLASSES]);
  assert.equal(KITTI_TYPES.at(-1), 'DontCare');
  assert.equal(VOC_CLASSES.length, 20);
  assert.equal(VOC_CLASSES[14], 'person');
});
