import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as E from 'fp-ts/lib/Either.js';
import { readCoco } from '../coco/readCoco.js';
import { getOrThrow } from '../core/dataset.js';
import type { Sample } from '../core/sample.js';
import { decodeImage, decodeImageFile } from '../image/decodeImage.js';
import { flipImageHorizontal } from '../image/flipHorizontal.js';
import { readKitti } from '../kitti/readKitti.js';
import { fixture } from '../test-util.js';
import { readVoc } from '../voc/readVoc.js';
import { loadBatches } from './loadBatches.js';
import { prepareSample } from './prepareSample.js';

const CLASSES = ['person', 'cat', 'cup', 'rocket'];
const golden = JSON.parse(readFileSync(fixture('golden', 'photos-decode.json'), 'utf8')) as {
  images: Record<string, { height: number; width: number; sha256: string; blockMeans8: number[] }>;
};

const readAll = async () => ({
  voc: getOrThrow(
    await readVoc({ root: fixture('photos', 'voc'), split: 'photos', classes: CLASSES }),
  ),
  coco: getOrThrow(
    await readCoco({
      annotationFile: fixture('photos', 'coco', 'annotations', 'instances_photos.json'),
      imageDir: fixture('photos', 'images'),
      checkImages: true,
    }),
  ),
  kitti: getOrThrow(
    await readKitti({ root: fixture('photos', 'kitti'), split: 'photos', classes: CLASSES }),
  ),
});

test('photos: the three annotation formats give the same samples', async () => {
  const { voc, coco, kitti } = await readAll();
  const key = (s: Sample) => ({
    file: path.basename(s.path),
    w: s.width,
    h: s.height,
    o: s.objects.map((o) => [o.classIndex, ...o.box]),
  });
  assert.deepEqual(voc.samples.map(key), coco.samples.map(key));
  assert.deepEqual(voc.samples.map(key), kitti.samples.map(key));
  assert.deepEqual(coco.descriptor.categoryIds, [1, 17, 47, 91]);
  assert.equal(voc.samples[0]!.objects[1]!.difficult, true);
  assert.equal(kitti.samples[3]!.ignore.length, 2);
  assert.equal(voc.problems.length + coco.problems.length + kitti.problems.length, 0);
});

test('photos: PNG decodes byte-identical to libpng; JPEG within 1 grey level of libjpeg on 8x8 block means', async () => {
  for (const [name, g] of Object.entries(golden.images)) {
    const img = await decodeImageFile(fixture('photos', 'images', name));
    if (E.isLeft(img)) assert.fail(img.left);
    const { data, height, width } = img.right;
    assert.deepEqual([height, width], [g.height, g.width]);
    if (name.endsWith('.png')) {
      assert.equal(createHash('sha256').update(data).digest('hex'), g.sha256, name);
    }
    let worst = 0;
    for (let by = 0; by < height / 8; by++) {
      for (let bx = 0; bx < width / 8; bx++) {
        for (let c = 0; c < 3; c++) {
          let s = 0;
          for (let y = 0; y < 8; y++)
            for (let x = 0; x < 8; x++) s += data[((by * 8 + y) * width + bx * 8 + x) * 3 + c]!;
          const ref = g.blockMeans8[(by * (width / 8) + bx) * 3 + c]!;
          worst = Math.max(worst, Math.abs(s / 64 - ref));
        }
      }
    }
    assert.ok(
      worst <= (name.endsWith('.png') ? 1e-3 : 1),
      `${name}: worst block-mean difference ${worst}`,
    );
  }
});

test('decodeImage: truncated, unknown and oversized inputs fail with a reason', () => {
  const bytes = readFileSync(fixture('photos', 'images', 'coffee.jpg'));
  const cut = decodeImage(bytes.subarray(0, 300));
  assert.ok(E.isLeft(cut));
  const png = readFileSync(fixture('photos', 'images', 'chelsea.png'));
  assert.ok(E.isLeft(decodeImage(png.subarray(0, 2000))));
  const junk = decodeImage(new Uint8Array(100).fill(7));
  assert.ok(E.isLeft(junk) && /unknown signature/.test(junk.left));
  const big = decodeImage(png, { maxPixels: 1000 });
  assert.ok(E.isLeft(big) && /more than 1000 pixels refused/.test(big.left));
});

test('photos: read -> decode -> resize -> flip; boxes follow the image', async () => {
  const { kitti } = await readAll();
  const s = kitti.samples[3]!; // rocket.jpg 240x160, rocket box [113,46,129,154], DontCare [0,0,34,160]
  const o = { minSize: 80, maxSize: 200 };
  const plain = await prepareSample(s, o, false);
  const flipped = await prepareSample(s, o, true);
  if (E.isLeft(plain) || E.isLeft(flipped)) assert.fail('prepare failed');
  const a = plain.right;
  const b = flipped.right;
  assert.deepEqual([a.image.height, a.image.width], [80, 120]);
  assert.deepEqual([...a.boxes], [56.5, 23, 64.5, 77]);
  assert.deepEqual([...b.boxes], [120 - 64.5, 23, 120 - 56.5, 77]);
  assert.deepEqual([...b.ignore.subarray(0, 4)], [120 - 17, 0, 120, 80]);
  // Flip and resize commute up to float rounding (resize at an exact 1/2 scale is symmetric).
  const back = flipImageHorizontal(b.image).data;
  let maxDiff = 0;
  for (let i = 0; i < back.length; i++)
    maxDiff = Math.max(maxDiff, Math.abs(back[i]! - a.image.data[i]!));
  assert.ok(maxDiff < 1e-5, `flip/resize mismatch ${maxDiff}`);
  // The box region is brighter (the lit rocket) than the sky around it: the box is where the object is.
  const mean = (x0: number, x1: number, y0: number, y1: number) => {
    let t = 0;
    for (let y = y0; y < y1; y++)
      for (let x = x0; x < x1; x++) t += a.image.data[(y * 120 + x) * 3]!;
    return t / ((x1 - x0) * (y1 - y0));
  };
  assert.ok(mean(57, 64, 30, 70) > mean(40, 50, 30, 70) + 0.5);
});

test('loadBatches on the photos: padded batches, seeded shuffle and flips, same with worker threads', async () => {
  const { coco } = await readAll();
  const o = {
    batchSize: 3,
    minSize: 64,
    maxSize: 100,
    shuffle: true,
    seed: 3,
    flipProbability: 0.5,
  };
  const collect = async (workers: number) => {
    const out = [];
    for await (const b of loadBatches(coco.samples, { ...o, workers })) out.push(b);
    return out;
  };
  const single = await collect(0);
  const pooled = await collect(2);
  assert.equal(single.length, 2);
  assert.deepEqual(
    single.map((b) => b.items.length),
    [3, 1],
  );
  for (const bs of [single, pooled]) {
    for (const b of bs) {
      assert.equal(b.images.height % 32, 0);
      assert.equal(b.images.data.length, b.images.batchSize * b.images.height * b.images.width * 3);
    }
  }
  assert.deepEqual(
    single.map((b) => b.items.map((i) => [i.id, i.flipped])),
    pooled.map((b) => b.items.map((i) => [i.id, i.flipped])),
  );
  assert.deepEqual(single[0]!.images.data, pooled[0]!.images.data);
  assert.deepEqual([...single[0]!.items[0]!.boxes], [...pooled[0]!.items[0]!.boxes]);
  const again = await collect(0);
  assert.deepEqual(
    again.map((b) => b.items.map((i) => i.id)),
    single.map((b) => b.items.map((i) => i.id)),
  );
  const other = [];
  for await (const b of loadBatches(coco.samples, { ...o, epoch: 1 }))
    other.push(b.items.map((i) => [i.id, i.flipped]));
  assert.notDeepEqual(
    other,
    single.map((b) => b.items.map((i) => [i.id, i.flipped])),
  );
});
