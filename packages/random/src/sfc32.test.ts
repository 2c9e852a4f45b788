import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sfc32 } from './sfc32.js';

test('sfc32: same seed gives the same sequence, different seeds differ', () => {
  const a = sfc32(42);
  const b = sfc32(42);
  const c = sfc32(43);
  const sa = Array.from({ length: 100 }, () => a.next());
  const sb = Array.from({ length: 100 }, () => b.next());
  const sc = Array.from({ length: 100 }, () => c.next());
  assert.deepEqual(sa, sb);
  assert.notDeepEqual(sa, sc);
  assert.ok(sa.every((x) => x >= 0 && x < 1));
});

test('sfc32: uniform moments and int bounds', () => {
  const r = sfc32(7);
  let sum = 0;
  let sq = 0;
  const n = 20000;
  for (let i = 0; i < n; i++) {
    const x = r.next();
    sum += x;
    sq += x * x;
  }
  assert.ok(Math.abs(sum / n - 0.5) < 0.01);
  assert.ok(Math.abs(sq / n - (sum * sum) / n / n - 1 / 12) < 0.005);
  const seen = new Set<number>();
  for (let i = 0; i < 1000; i++) seen.add(r.int(2, 5));
  assert.deepEqual([...seen].sort(), [2, 3, 4, 5]);
});
