import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shuffleSeeded } from './shuffleSeeded.js';

test('shuffleSeeded: a permutation, deterministic in the seed, input untouched', () => {
  const items = Array.from({ length: 50 }, (_, i) => i);
  const p1 = shuffleSeeded(items, 1);
  assert.deepEqual(p1, shuffleSeeded(items, 1));
  assert.notDeepEqual(p1, shuffleSeeded(items, 2));
  assert.notDeepEqual(p1, items);
  assert.deepEqual(
    [...p1].sort((a, b) => a - b),
    items,
  );
  assert.deepEqual(
    items,
    Array.from({ length: 50 }, (_, i) => i),
  );
});
