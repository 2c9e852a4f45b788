import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateProposals } from './generateProposals.js';

test('generateProposals: the top preNmsTopN by objectness, ties by lower index, NaN never ahead', () => {
  // Ten disjoint 10×10 anchors along x; zero deltas decode each to itself.
  const anchors = Float32Array.from({ length: 40 }, (_, j) => {
    const i = Math.floor(j / 4);
    return [20 * i, 0, 20 * i + 10, 10][j % 4]!;
  });
  const objectness = Float32Array.from([
    0.5,
    Number.NaN,
    0.9,
    0.5,
    -0,
    0.5,
    0,
    Number.NaN,
    0.9,
    0.1,
  ]);
  const { boxes, scores } = generateProposals(
    anchors,
    objectness,
    new Float32Array(40),
    [20, 400],
    {
      preNmsTopN: 4,
      postNmsTopN: 10,
      nmsThreshold: 0.7,
      minSize: 0,
    },
  );
  // Top 4: anchors 2, 8 (0.9, by index), then 0, 3 (the first two of the 0.5 ties).
  assert.deepEqual(Array.from(scores), [0.9, 0.9, 0.5, 0.5].map(Math.fround));
  assert.deepEqual(
    Array.from(boxes),
    [2, 8, 0, 3].flatMap((i) => [20 * i, 0, 20 * i + 10, 10]),
  );
});
