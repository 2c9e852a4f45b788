import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classColour } from '../pipeline/drawDetections.js';
import { GLYPH_ADVANCE, GLYPH_HEIGHT, GLYPH_WIDTH, glyph } from './bitmapFont.js';
import { drawLabels, LABEL_HEIGHT, labelText } from './drawLabels.js';

const blank = (width: number, height: number) => ({
  data: new Uint8Array(width * height * 3),
  width,
  height,
  channels: 3 as const,
});
const pixel = (img: { data: Uint8Array; width: number }, x: number, y: number) =>
  Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));

describe('drawLabels', () => {
  test('the label text is the class name and the score with two decimals', () => {
    assert.equal(labelText('circle', 0.934), 'circle 0.93');
  });

  test('draws each glyph of "name score" on a strip of the class colour above the box', () => {
    const img = blank(120, 40);
    const out = drawLabels(
      img,
      Float32Array.of(10, 20, 60, 35),
      Int32Array.of(2),
      Float32Array.of(0.5),
      ['square', 'tri'],
    );
    assert.equal(
      img.data.every((v) => v === 0),
      true,
      'the input is not modified',
    );
    const back = [...classColour(2)];
    const y0 = 20 - LABEL_HEIGHT;
    const text = 'TRI 0.50';
    for (const [k, char] of [...text].entries()) {
      const rows = glyph(char);
      for (let r = 0; r < GLYPH_HEIGHT; r++)
        for (let c = 0; c < GLYPH_WIDTH; c++) {
          const p = pixel(out, 10 + 1 + k * GLYPH_ADVANCE + c, y0 + 1 + r);
          if (rows[r]![c]) assert.notDeepEqual(p, back, `${char} ink at ${r},${c}`);
          else assert.deepEqual(p, back, `${char} background at ${r},${c}`);
        }
    }
    // Outside the strip nothing changed.
    assert.deepEqual(pixel(out, 9, y0 + 3), [0, 0, 0]);
    assert.deepEqual(pixel(out, 10 + text.length * GLYPH_ADVANCE + 1, y0 + 3), [0, 0, 0]);
    assert.deepEqual(pixel(out, 30, 20), [0, 0, 0]);
  });

  test('a box at the top edge gets its label inside, and a label past the right edge moves left', () => {
    const out = drawLabels(
      blank(20, 20),
      Float32Array.of(15, 0, 20, 20),
      Int32Array.of(1),
      Float32Array.of(0.99),
      ['a-long-class-name'],
    );
    assert.deepEqual(pixel(out, 15, 0), [...classColour(1)]);
    assert.deepEqual(pixel(out, 0, 0), [...classColour(1)]);
    assert.deepEqual(pixel(out, 15, LABEL_HEIGHT - 1), [...classColour(1)]);
    assert.deepEqual(pixel(out, 15, LABEL_HEIGHT), [0, 0, 0]);
  });

  test('unknown characters are drawn as ?, lower case as upper case', () => {
    assert.deepEqual(glyph('é'), glyph('?'));
    assert.deepEqual(glyph('a'), glyph('A'));
  });
});
