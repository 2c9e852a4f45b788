import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SegmentationElider } from './SegmentationElider.js';

const run = (text: string, chunk: number): string => {
  const e = new SegmentationElider();
  const bytes = Buffer.from(text);
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk)
    parts.push(Buffer.from(e.push(bytes.subarray(i, i + chunk))));
  return Buffer.concat(parts).toString();
};

const DOC = `{"info": {"description": "a \\"segmentation\\": [1] trap"}, "annotations": [
 {"segmentation": [[1.5, 2, 3, 4], [5, 6, 7, 8]], "id": 1, "name": "segmentation"},
 {"segmentation" : {"size": [2, 3], "counts": [1, 2, 3]}, "id": 2},
 {"segmentation": {"counts": "ab\\"]}c", "size": [2, 3]}, "id": 3},
 {"segmentation": null, "id": 4},
 {"segmentation":7,"id":5},
 {"segmentation": "x]}", "id": 6},
 {"segmentations": [1], "segmentation\\u0041": [2], "id": 7}
]}`;

test('SegmentationElider: every segmentation value summarised, everything else byte-identical (bar the blank after the colon), at any chunking', () => {
  const expected = `{"info": {"description": "a \\"segmentation\\": [1] trap"}, "annotations": [
 {"segmentation":{"kind":"polygons"}, "id": 1, "name": "segmentation"},
 {"segmentation" :{"kind":"rle","counts":"list"}, "id": 2},
 {"segmentation":{"kind":"rle","counts":"string"}, "id": 3},
 {"segmentation":{"kind":"null"}, "id": 4},
 {"segmentation":{"kind":"other"},"id":5},
 {"segmentation":{"kind":"other"}, "id": 6},
 {"segmentations": [1], "segmentation\\u0041": [2], "id": 7}
]}`;
  for (const chunk of [1, 2, 3, 7, 64, 100000]) {
    const out = run(DOC, chunk);
    assert.equal(out, expected, `chunk ${chunk}`);
    JSON.parse(out);
  }
});

test('SegmentationElider: a file cut inside a segmentation leaves an unterminated document (reported as truncated)', () => {
  const cut = run('{"annotations": [{"id": 1, "segmentation": [[1, 2, 3', 5);
  assert.equal(cut, '{"annotations": [{"id": 1, "segmentation":');
  assert.throws(() => JSON.parse(cut));
});
