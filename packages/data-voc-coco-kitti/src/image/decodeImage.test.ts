import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as E from 'fp-ts/lib/Either.js';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { decodeImage } from './decodeImage.js';
import { imageSizeFromBytes } from './readImageSize.js';

const rgba = (
  w: number,
  h: number,
  f: (x: number, y: number) => [number, number, number, number],
): Buffer => {
  const b = Buffer.alloc(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) b.set(f(x, y), (y * w + x) * 4);
  return b;
};

test('decodeImage: grey, 16-bit and alpha PNGs become 8-bit RGB', () => {
  const w = 5;
  const h = 3;
  const src = rgba(w, h, (x, y) => [x * 50, x * 50, x * 50, 255 - y]);
  const grey = new PNG({ width: w, height: h });
  src.copy(grey.data);
  const greyBytes = PNG.sync.write(grey, { colorType: 0 });
  const g = decodeImage(greyBytes);
  if (E.isLeft(g)) assert.fail(g.left);
  assert.deepEqual([...g.right.data.subarray(0, 6)], [0, 0, 0, 50, 50, 50]);
  assert.equal(g.right.channels, 3);
  const deep = new PNG({ width: w, height: h, bitDepth: 16 });
  // pngjs takes 16-bit samples as a Uint16Array
  (deep as unknown as { data: Uint16Array }).data = Uint16Array.from(src, (v) => v * 257);
  const d = decodeImage(PNG.sync.write(deep, { colorType: 6, bitDepth: 16 }));
  if (E.isLeft(d)) assert.fail(d.left);
  assert.equal(d.right.data.length, w * h * 3);
  assert.deepEqual([...d.right.data.subarray(3, 6)], [50, 50, 50]);
});

test('decodeImage: JPEG size from the header equals the decoded size; colours survive within JPEG error', () => {
  const w = 24;
  const h = 16;
  const bytes = jpeg.encode(
    { data: rgba(w, h, () => [200, 40, 90, 255]), width: w, height: h },
    95,
  ).data;
  const head = imageSizeFromBytes(bytes);
  assert.ok(
    E.isRight(head) &&
      head.right !== 'need-more' &&
      head.right.width === w &&
      head.right.height === h,
  );
  const img = decodeImage(bytes);
  if (E.isLeft(img)) assert.fail(img.left);
  const [r, g, b] = img.right.data;
  assert.ok(
    Math.abs(r! - 200) <= 3 && Math.abs(g! - 40) <= 3 && Math.abs(b! - 90) <= 3,
    `${r} ${g} ${b}`,
  );
});
