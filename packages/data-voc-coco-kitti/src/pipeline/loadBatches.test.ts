import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Sample } from '../core/sample.js';
import { fixture } from '../test-util.js';
import { loadBatches } from './loadBatches.js';
import { PreparePool } from './preparePool.js';

const sample = (id: string, file: string, w: number, h: number): Sample => ({
  id,
  path: fixture('photos', 'images', file),
  fileName: file,
  width: w,
  height: h,
  objects: [
    {
      box: [10, 20, 30, 40],
      classIndex: 0,
      difficult: false,
      crowd: false,
      truncated: 0,
      occluded: 0,
    },
  ],
  ignore: [],
});
const good = [
  sample('a', 'coffee.jpg', 240, 160),
  sample('b', 'chelsea.png', 240, 160),
  sample('c', 'rocket.jpg', 240, 160),
];
const broken = sample('x', 'missing.png', 10, 10);
const opts = { batchSize: 2, minSize: 32, maxSize: 64 };

test('loadBatches: an undecodable image throws naming the file, or is skipped with onError skip', async () => {
  await assert.rejects(async () => {
    for await (const _ of loadBatches([...good, broken], opts)) void _;
  }, /missing\.png/);
  const ids: string[] = [];
  for await (const b of loadBatches([broken, ...good], { ...opts, onError: 'skip' }))
    ids.push(...b.items.map((i) => i.id));
  assert.deepEqual(ids, ['a', 'b', 'c']);
});

test('loadBatches: dropLast, every sample exactly once per epoch under shuffling', async () => {
  const many = Array.from({ length: 7 }, (_, i) => ({ ...good[i % 3]!, id: `s${i}` }));
  const seen: string[] = [];
  let batches = 0;
  for await (const b of loadBatches(many, {
    ...opts,
    batchSize: 3,
    shuffle: true,
    seed: 9,
    dropLast: true,
  })) {
    batches += 1;
    seen.push(...b.items.map((i) => i.id));
  }
  assert.equal(batches, 2);
  assert.equal(new Set(seen).size, 6);
  const all: string[] = [];
  for await (const b of loadBatches(many, { ...opts, batchSize: 3, shuffle: true, seed: 9 }))
    all.push(...b.items.map((i) => i.id));
  assert.deepEqual([...all].sort(), many.map((s) => s.id).sort());
  assert.deepEqual(all.slice(0, 6), seen);
});

test('loadBatches: a shared pool survives epochs and an early break', async () => {
  const pool = new PreparePool(1);
  try {
    for (let epoch = 0; epoch < 2; epoch++) {
      for await (const b of loadBatches(good, { ...opts, pool, epoch, shuffle: true })) {
        assert.equal(b.images.batchSize, 2);
        break;
      }
    }
    let n = 0;
    for await (const b of loadBatches(good, { ...opts, pool })) n += b.items.length;
    assert.equal(n, 3);
  } finally {
    await pool.close();
  }
});
