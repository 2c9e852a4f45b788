import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deflateSync } from 'node:zlib';
import * as E from 'fp-ts/lib/Either.js';
import { PNG } from 'pngjs';
import { checkPngStructure } from './checkPngStructure.js';
import { decodeImage } from './decodeImage.js';
import { DEFAULT_MAX_PIXELS, maxPixels } from './maxPixels.js';

const SIG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** A PNG chunk (the CRC is not checked before decoding, so zeros do). */
const chunk = (type: string, data: Uint8Array): Buffer => {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, data, Buffer.alloc(4)]);
};
const ihdr = (w: number, h: number, colourType = 0, interlace = 0): Buffer => {
  const d = Buffer.alloc(13);
  d.writeUInt32BE(w, 0);
  d.writeUInt32BE(h, 4);
  d[8] = 8;
  d[9] = colourType;
  d[12] = interlace;
  return chunk('IHDR', d);
};
const pngOf = (w: number, h: number, idat: Uint8Array, interlace = 0): Buffer =>
  Buffer.concat([
    SIG,
    ihdr(w, h, 0, interlace),
    chunk('IDAT', idat),
    chunk('IEND', new Uint8Array(0)),
  ]);

const small = (): Buffer => {
  const p = new PNG({ width: 8, height: 6 });
  p.data.fill(200);
  return PNG.sync.write(p);
};

test('the pixel limit defaults to 4096², reads KD_MAX_PIXELS, refuses a bad value', () => {
  assert.equal(DEFAULT_MAX_PIXELS, 4096 * 4096);
  assert.equal(maxPixels(undefined, {}), DEFAULT_MAX_PIXELS);
  assert.equal(maxPixels(undefined, { KD_MAX_PIXELS: '1000' }), 1000);
  assert.equal(maxPixels(5, { KD_MAX_PIXELS: '1000' }), 5);
  for (const bad of ['abc', '-1', '0', '1.5', 'NaN'])
    assert.throws(
      () => maxPixels(undefined, { KD_MAX_PIXELS: bad }),
      /KD_MAX_PIXELS=.*positive integer/,
    );
});

test('a PNG declaring 7000² pixels is refused from its header, before decoding (#16 case 13)', () => {
  // 143 bytes of file; decoding would allocate ~200 MB.
  const bomb = pngOf(7000, 7000, deflateSync(Buffer.alloc(1000)));
  const r = decodeImage(bomb);
  assert.ok(E.isLeft(r));
  assert.match(r.left, /7000x7000; more than 16777216 pixels refused.*KD_MAX_PIXELS/);
});

test('a JPEG declaring 7000² pixels is refused from its header (#16 case 13)', () => {
  // SOI, SOF0 (8-bit, 7000x7000, 1 component) and nothing else.
  const sof = Buffer.from([0xff, 0xc0, 0, 11, 8, 0x1b, 0x58, 0x1b, 0x58, 1, 1, 0x11, 0]);
  const r = decodeImage(Buffer.concat([Buffer.from([0xff, 0xd8]), sof, Buffer.alloc(20)]));
  assert.ok(E.isLeft(r) && /7000x7000; more than/.test(r.left), String(r._tag));
});

test('the limit can be raised per call and through KD_MAX_PIXELS', () => {
  const png = small();
  assert.ok(E.isLeft(decodeImage(png, { maxPixels: 47 })));
  assert.ok(E.isRight(decodeImage(png, { maxPixels: 48 })));
  const saved = process.env.KD_MAX_PIXELS;
  try {
    process.env.KD_MAX_PIXELS = '47';
    assert.ok(E.isLeft(decodeImage(png)));
    process.env.KD_MAX_PIXELS = 'lots';
    const bad = decodeImage(png);
    assert.ok(E.isLeft(bad) && /KD_MAX_PIXELS=lots/.test(bad.left));
  } finally {
    if (saved === undefined) delete process.env.KD_MAX_PIXELS;
    else process.env.KD_MAX_PIXELS = saved;
  }
});

test('a truncated PNG names the cut chunk instead of a decoder message (#16 case 13)', () => {
  const png = small();
  for (let cut = 34; cut < png.length; cut += 7) {
    const r = decodeImage(png.subarray(0, cut));
    assert.ok(E.isLeft(r), `cut at ${cut}`);
    assert.match(r.left, /^PNG truncated: /, `cut at ${cut}: ${r.left}`);
  }
  assert.ok(E.isRight(decodeImage(png)));
});

test('an IDAT bomb (small header, huge inflated data) is refused while inflating, bounded (#16 case 13)', () => {
  for (const interlace of [0, 1]) {
    const bomb = pngOf(10, 10, deflateSync(Buffer.alloc(16 * 1024 * 1024)), interlace);
    assert.ok(bomb.length < 100_000);
    const r = decodeImage(bomb);
    assert.ok(E.isLeft(r));
    assert.match(r.left, /inflates to more than the \d+ bytes a 10x10 image needs/);
  }
  // Exactly the size a 10x10 grey image needs passes the check.
  assert.ok(E.isRight(checkPngStructure(pngOf(10, 10, deflateSync(Buffer.alloc(110))))));
  const junk = checkPngStructure(pngOf(10, 10, Buffer.from('not zlib')));
  assert.ok(E.isLeft(junk) && /image data is corrupt or truncated/.test(junk.left));
});

test('an image path naming a FIFO is refused at once instead of blocking', async () => {
  const { execFileSync } = await import('node:child_process');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { decodeImageFile } = await import('./decodeImage.js');
  const { readImageSize } = await import('./readImageSize.js');
  const dir = mkdtempSync(join(tmpdir(), 'kd-fifo-'));
  try {
    const fifo = join(dir, 'x.png');
    execFileSync('mkfifo', [fifo]);
    const d = await decodeImageFile(fifo);
    assert.ok(E.isLeft(d) && d.left === `${fifo}: not a regular file`);
    const s = await readImageSize(fifo);
    assert.ok(E.isLeft(s) && /not a regular file/.test(s.left));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
