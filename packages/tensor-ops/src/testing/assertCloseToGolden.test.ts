import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertCloseToGolden } from './assertCloseToGolden.js';

test('assertCloseToGolden: atol scales with the largest expected magnitude; NaN and length fail', () => {
  // scale 1000: |1000.01 − 1000| = 0.01 ≤ 1e-5·1000 + 2e-4·1000.
  assertCloseToGolden([1000.01, 0.005], [1000, 0], 'big');
  assert.throws(() => assertCloseToGolden([0.1], [0], 'small'), /small\[0\]: got 0\.1, expected 0/);
  assert.throws(() => assertCloseToGolden([Number.NaN], [0], 'nan'), /nan\[0\] is not finite/);
  assert.throws(() => assertCloseToGolden([1, 2], [1], 'len'), /len: length/);
});
