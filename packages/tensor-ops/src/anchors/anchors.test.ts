import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { fixture, noLeak, useCpu } from '../test-util.js';
import { generateAnchors } from './generateAnchors.js';
import { gridAnchors } from './gridAnchors.js';

const fx = fixture('anchors.json');
before(useCpu);

test('the default anchors are the famous nine of py-faster-rcnn', async () => {
  await noLeak(() => {
    const a = generateAnchors();
    assert.deepEqual(Array.from(a.dataSync()).slice(0, 8), [-84, -40, 99, 55, -176, -88, 191, 103]);
    assert.deepEqual(a.shape, [9, 4]);
    a.dispose();
  });
});

for (const c of fx.cases) {
  test(`generateAnchors equals generate_anchors.py exactly: base ${c.baseSize}, ratios ${c.ratios}, scales ${c.scales}`, async () => {
    await noLeak(() => {
      const a = generateAnchors({ baseSize: c.baseSize, ratios: c.ratios, scales: c.scales });
      assert.deepEqual(Array.from(a.dataSync()), (c.anchors as number[]).map(Math.fround));
      a.dispose();
    });
  });
}

test('gridAnchors equals the py-faster-rcnn shifts, ordered (y, x, anchor)', async () => {
  await noLeak(() => {
    const g = fx.grid;
    const base = generateAnchors();
    const all = gridAnchors(base, {
      featHeight: g.featHeight,
      featWidth: g.featWidth,
      stride: g.stride,
    });
    assert.deepEqual(all.shape, [g.featHeight * g.featWidth * 9, 4]);
    assert.deepEqual(Array.from(all.dataSync()), g.anchors);
    // row (y * W + x) * A + a: cell (y=2, x=1), anchor 4
    const row = (2 * g.featWidth + 1) * 9 + 4;
    const b4 = Array.from(base.dataSync()).slice(16, 20);
    assert.deepEqual(Array.from(all.dataSync()).slice(row * 4, row * 4 + 4), [
      b4[0]! + 16,
      b4[1]! + 32,
      b4[2]! + 16,
      b4[3]! + 32,
    ]);
    tf.dispose([base, all]);
  });
});
