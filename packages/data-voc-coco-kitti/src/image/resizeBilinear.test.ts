import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { BoxXyxy } from '../core/sample.js';
import { fixture } from '../test-util.js';
import { fasterRcnnSize } from './fasterRcnnSize.js';
import { flipBoxHorizontal, flipImageHorizontal } from './flipHorizontal.js';
import { normalizeImage } from './normalizeImage.js';
import { resizeBilinear } from './resizeBilinear.js';
import { scaleBox } from './scaleBox.js';

interface Golden {
  cases: {
    height: number;
    width: number;
    minSize: number;
    maxSize: number;
    mean: number[];
    std: number[];
    input: number[];
    outHeight: number;
    outWidth: number;
    output: number[];
    boxes: number[];
    outBoxes: number[];
  }[];
  sizes: {
    height: number;
    width: number;
    minSize: number;
    maxSize: number;
    outHeight: number;
    outWidth: number;
  }[];
}
const golden = JSON.parse(readFileSync(fixture('golden', 'resize.json'), 'utf8')) as Golden;

const close = (a: ArrayLike<number>, b: ArrayLike<number>, rel: number, what: string): void => {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) {
    const tol = rel * Math.max(1, Math.abs(b[i]!));
    assert.ok(Math.abs(a[i]! - b[i]!) <= tol, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
  }
};

test('fasterRcnnSize: output sizes equal torchvision 0.14 on real dataset shapes (float32 scale)', () => {
  assert.ok(golden.sizes.length >= 30);
  for (const s of golden.sizes) {
    const r = fasterRcnnSize(s.height, s.width, s.minSize, s.maxSize);
    assert.deepEqual([r.height, r.width], [s.outHeight, s.outWidth], JSON.stringify(s));
  }
  assert.throws(() => fasterRcnnSize(1, 1000, 600, 640), /empty/);
});

test('normalize then resize equals torchvision GeneralizedRCNNTransform (1e-5), boxes equal resize_boxes', () => {
  for (const c of golden.cases) {
    const img = { data: Float32Array.from(c.input), height: c.height, width: c.width, channels: 3 };
    const size = fasterRcnnSize(c.height, c.width, c.minSize, c.maxSize);
    assert.deepEqual([size.height, size.width], [c.outHeight, c.outWidth]);
    const out = resizeBilinear(
      normalizeImage(img, { mean: c.mean, std: c.std, inputScale: 1 }),
      size.height,
      size.width,
    );
    close(out.data, c.output, 1e-5, `image ${c.height}x${c.width}`);
    const boxes: number[] = [];
    for (let i = 0; i < c.boxes.length; i += 4) {
      boxes.push(...scaleBox(c.boxes.slice(i, i + 4) as unknown as BoxXyxy, img, size));
    }
    close(boxes, c.outBoxes, 1e-6, 'boxes');
  }
});

test('resizeBilinear: identity at the same size, constant image stays constant', () => {
  const data = Float32Array.from({ length: 5 * 7 * 3 }, (_, i) => (i * 37) % 11);
  const img = { data, height: 5, width: 7, channels: 3 };
  assert.deepEqual(resizeBilinear(img, 5, 7).data, data);
  const flat = { data: new Float32Array(4 * 4 * 3).fill(3.5), height: 4, width: 4, channels: 3 };
  assert.ok(resizeBilinear(flat, 9, 2).data.every((v) => v === 3.5));
});

test('flip: image mirrored, boxes mirrored in continuous coordinates, flip twice is identity', () => {
  const img = {
    data: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
    height: 2,
    width: 2,
    channels: 3,
  };
  const f = flipImageHorizontal(img);
  assert.deepEqual([...f.data], [4, 5, 6, 1, 2, 3, 10, 11, 12, 7, 8, 9]);
  assert.ok(f.data instanceof Uint8Array);
  assert.deepEqual(flipImageHorizontal(f).data, img.data);
  assert.deepEqual(flipBoxHorizontal([0, 1, 3, 4], 10), [7, 1, 10, 4]);
  assert.deepEqual(flipBoxHorizontal(flipBoxHorizontal([2.5, 1, 3, 4], 10), 10), [2.5, 1, 3, 4]);
});
