import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rankByScore } from './rankByScore.js';

/** The comparator sort generateProposals used before (consistent when no score is NaN). */
const comparatorOrder = (s: Float32Array): number[] =>
  Array.from({ length: s.length }, (_, i) => i).sort((a, b) => s[b]! - s[a]! || a - b);

/** Scores from a small set (many ties), with ±0, ±Infinity, subnormals and negatives. */
function tiedScores(n: number, seed: number): Float32Array {
  const pool = [0, -0, 1, -1, 0.5, 1e-40, -1e-40, 0.25, 3.4e38, -3.4e38, Infinity, -Infinity];
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s % 3 === 0 ? pool[s % pool.length]! : (s % 1000) / 997 - 0.3;
  });
}

test("rankByScore: the comparator sort's order on random scores with many ties, ±0, ±Infinity", () => {
  for (const [n, seed] of [
    [0, 1],
    [1, 2],
    [2304, 3],
    [20000, 4],
  ] as const) {
    const s = tiedScores(n, seed);
    assert.deepEqual(Array.from(rankByScore(s)), comparatorOrder(s));
  }
});

test('rankByScore: NaN scores last, by index', () => {
  const s = Float32Array.from([0.5, Number.NaN, -Infinity, 0.9, Number.NaN, 0.5]);
  assert.deepEqual(Array.from(rankByScore(s)), [3, 0, 5, 2, 1, 4]);
});

test('rankByScore: the comparator fallback (more scores than index bits) gives the same order', () => {
  const s = tiedScores(5000, 5);
  s[17] = Number.NaN;
  assert.deepEqual(Array.from(rankByScore(s, 8)), Array.from(rankByScore(s)));
});

test('rankByScore: reads a subarray view in place', () => {
  const all = Float32Array.from([9, 1, 3, 2, 9]);
  assert.deepEqual(Array.from(rankByScore(all.subarray(1, 4))), [1, 2, 0]);
});
