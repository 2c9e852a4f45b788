// Property-based tests of the readers over hostile input (#16, "readers are fuzzed"): whatever
// the bytes, a reader returns (never throws), and every problem it reports names the file and a
// place in it.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { readCoco } from '../coco/readCoco.js';
import { type Problem, ProblemLog } from '../core/problem.js';
import { decodeImage, decodeImageFile } from '../image/decodeImage.js';
import { imageSizeFromBytes } from '../image/readImageSize.js';
import { parseKittiLabel } from '../kitti/parseKittiLabel.js';
import { fixture } from '../test-util.js';
import { decodeVocAnnotation } from '../voc/decodeVocAnnotation.js';

const root = mkdtempSync(join(tmpdir(), 'kd-fuzz-'));
after(() => rmSync(root, { recursive: true, force: true }));
const RUNS = { numRuns: 150, seed: 16 };

const located = (problems: readonly Problem[], file: string): void => {
  for (const p of problems) {
    assert.equal(p.file, file, JSON.stringify(p));
    assert.ok(p.where.length > 0, `no place: ${JSON.stringify(p)}`);
    assert.ok(p.message.length > 0, `no message: ${JSON.stringify(p)}`);
  }
};

/** Numbers as annotation files write them, and what careless or hostile ones do. */
const numberText = fc.oneof(
  fc.integer({ min: -1000, max: 5000 }).map(String),
  fc.double().map(String),
  fc.constantFrom('', ' ', 'NaN', '-Infinity', '1e309', '0x10', '1,5', 'abc', '١٢'),
);
const word = fc.oneof(
  fc.constantFrom('Car', 'Pedestrian', 'DontCare', 'cat', 'dog', 'person', '..', '../x.png'),
  fc.string({ maxLength: 12 }),
);

test('VOC XML: any document decodes or is refused with file and element path', async () => {
  const tag = (name: string, inner: fc.Arbitrary<string>) =>
    inner.map((v) => `<${name}>${v}</${name}>`);
  const bndbox = fc
    .tuple(numberText, numberText, numberText, numberText)
    .map(
      ([a, b, c, d]) =>
        `<bndbox><xmin>${a}</xmin><ymin>${b}</ymin><xmax>${c}</xmax><ymax>${d}</ymax></bndbox>`,
    );
  const object = fc
    .tuple(tag('name', word), bndbox, fc.option(tag('difficult', numberText)))
    .map(([n, b, d]) => `<object>${n}${b}${d ?? ''}</object>`);
  const doc = fc
    .tuple(
      fc.option(tag('filename', word)),
      fc.option(
        fc
          .tuple(numberText, numberText)
          .map(([w, h]) => `<size><width>${w}</width><height>${h}</height><depth>3</depth></size>`),
      ),
      fc.array(object, { maxLength: 4 }),
      fc.constantFrom('', '<', '</annotation>', '&amp;', '<!-- c -->', '<![CDATA[x]]>'),
    )
    .map(
      ([f, s, objs, junk]) =>
        `<annotation>${f ?? ''}${s ?? ''}${objs.join('')}${junk}</annotation>`,
    );
  const anything = fc.oneof(
    doc,
    fc.string({ maxLength: 200 }),
    doc.map((d) => d.slice(0, d.length >> 1)),
  );
  await fc.assert(
    fc.asyncProperty(
      anything,
      fc.constantFrom('fix', 'skip', 'fatal') as fc.Arbitrary<'fix' | 'skip' | 'fatal'>,
      async (xml, policy) => {
        const log = new ProblemLog(policy);
        const file = '/voc/Annotations/x.xml';
        const s = await decodeVocAnnotation(xml, {
          id: 'x',
          file,
          imageDir: '/voc/JPEGImages',
          classIndex: new Map([['cat', 0]]),
          discover: false,
          log,
          checkImages: false,
        });
        located(log.problems, file);
        if (s) for (const o of s.objects) assert.ok(o.box.every(Number.isFinite));
      },
    ),
    RUNS,
  );
});

test('KITTI labels: any text parses or is refused with file, line and column', () => {
  const line = fc.oneof(
    fc
      .tuple(word, fc.array(numberText, { minLength: 14, maxLength: 14 }))
      .map(([t, n]) => [t, ...n].join(' ')),
    fc.array(fc.oneof(word, numberText), { maxLength: 18 }).map((c) => c.join(' ')),
    fc.string({ maxLength: 80 }),
  );
  fc.assert(
    fc.property(
      fc.array(line, { maxLength: 6 }),
      fc.constantFrom('fix', 'skip', 'fatal') as fc.Arbitrary<'fix' | 'skip' | 'fatal'>,
      fc.boolean(),
      (lines, policy, discover) => {
        const log = new ProblemLog(policy);
        const file = '/kitti/training/label_2/000001.txt';
        const r = parseKittiLabel(lines.join(discover ? '\r\n' : '\n'), {
          file,
          width: 1242,
          height: 375,
          classIndex: new Map([['Car', 0]]),
          discover,
          log,
        });
        located(log.problems, file);
        if (r) for (const o of r.objects) assert.ok(o.box.every(Number.isFinite));
      },
    ),
    RUNS,
  );
});

test('COCO JSON: any document reads or is refused with file and JSON path or byte', async () => {
  const value = fc.oneof(
    numberText.map(Number),
    fc.string({ maxLength: 8 }),
    fc.constant(null),
    fc.boolean(),
  );
  const bbox = fc.oneof(fc.array(value, { maxLength: 5 }), value);
  const image = fc.record(
    { id: fc.oneof(fc.nat(5), value), file_name: word, width: value, height: value },
    { requiredKeys: [] },
  );
  const ann = fc.record(
    {
      id: fc.oneof(fc.nat(50), value),
      image_id: fc.oneof(fc.nat(5), value),
      category_id: fc.oneof(fc.nat(3), value),
      bbox,
      area: value,
      iscrowd: value,
    },
    { requiredKeys: [] },
  );
  const cat = fc.record({ id: fc.oneof(fc.nat(3), value), name: word }, { requiredKeys: [] });
  const doc = fc
    .record(
      {
        images: fc.oneof(fc.array(image, { maxLength: 3 }), value),
        annotations: fc.oneof(fc.array(ann, { maxLength: 4 }), value),
        categories: fc.oneof(fc.array(cat, { maxLength: 3 }), value),
      },
      { requiredKeys: [] },
    )
    .map((d) => JSON.stringify(d));
  const text = fc.oneof(
    doc,
    doc.map((d) => d.slice(0, Math.max(1, d.length - 7))),
    fc.json(),
    fc.string({ maxLength: 100 }),
  );
  mkdirSync(join(root, 'coco', 'annotations'), { recursive: true });
  const file = join(root, 'coco', 'annotations', 'instances_val.json');
  let n = 0;
  await fc.assert(
    fc.asyncProperty(text, async (t) => {
      writeFileSync(file, t);
      n += 1;
      const r = await readCoco({
        root: join(root, 'coco'),
        split: 'val',
        policy: n % 2 ? 'skip' : 'fatal',
      });
      const problems = E.isRight(r) ? r.right.problems : r.left.problems;
      if (E.isLeft(r)) assert.ok(problems.length > 0, 'a failed read says why');
      located(problems, file);
    }),
    { ...RUNS, numRuns: 100 },
  );
});

test('image headers and decoding: any bytes give a size, a reason, or an image — never an exception', async () => {
  const png = readFileSync(fixture('photos', 'images', 'chelsea.png')).subarray();
  const jpg = readFileSync(fixture('photos', 'images', 'coffee.jpg')).subarray();
  /** A real file cut short and with some bytes overwritten. */
  const mutated = fc
    .tuple(
      fc.constantFrom(png, jpg),
      fc.nat(),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
    )
    .map(([src, cut, edits]) => {
      const b = Uint8Array.from(src.subarray(0, 8 + (cut % Math.min(src.length, 3000))));
      for (const [at, v] of edits) b[at % b.length] = v;
      return b;
    });
  const bytes = fc.oneof(mutated, fc.uint8Array({ maxLength: 64 }));
  fc.assert(
    fc.property(bytes, (b) => {
      const size = imageSizeFromBytes(b);
      if (E.isLeft(size)) assert.ok(size.left.length > 0);
      const img = decodeImage(b, { maxPixels: 1 << 22 });
      if (E.isLeft(img)) assert.ok(img.left.length > 0);
      else assert.equal(img.right.data.length, img.right.width * img.right.height * 3);
    }),
    { ...RUNS, numRuns: 300 },
  );
  // From a file, the reason names it.
  const file = join(root, 'broken.png');
  writeFileSync(file, png.subarray(0, 100));
  const r = await decodeImageFile(file);
  assert.ok(
    E.isLeft(r) && r.left.startsWith(`${file}: PNG truncated`),
    String(E.isLeft(r) && r.left),
  );
});
