import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import * as E from 'fp-ts/lib/Either.js';
import { formatEvalError } from '../internal/EvalError.js';
import { assertClose, loadFixture } from '../test-util.js';
import { num, type VocGolden, type VocGoldenCase } from '../test-util-golden.js';
import { evaluateVocFiles } from './evaluateVocFiles.js';
import { parseVocXml } from './vocXml.js';

const golden = loadFixture<VocGolden>('voc-golden.json');
const root = mkdtempSync(join(tmpdir(), 'kd-eval-voc-'));
after(() => rmSync(root, { recursive: true, force: true }));

const xml = (objs: VocGoldenCase['images'][number]['objects']): string =>
  `<annotation><folder>VOC2007</folder><size><width>500</width><height>375</height></size>${objs
    .map(
      ([n, a, b, c, d, diff]) =>
        `<object><name>${n}</name><difficult>${diff}</difficult><bndbox><xmin>${a}</xmin><ymin>${b}</ymin><xmax>${c}</xmax><ymax>${d}</ymax></bndbox></object>`,
    )
    .join('')}</annotation>`;

const writeDevkit = (c: VocGoldenCase, dir: string): void => {
  mkdirSync(join(dir, 'Annotations'), { recursive: true });
  mkdirSync(join(dir, 'ImageSets', 'Main'), { recursive: true });
  mkdirSync(join(dir, 'results'), { recursive: true });
  for (const im of c.images)
    writeFileSync(join(dir, 'Annotations', `${im.id}.xml`), xml(im.objects));
  writeFileSync(
    join(dir, 'ImageSets', 'Main', 'test.txt'),
    c.images.map((i) => `${i.id}\n`).join(''),
  );
  for (const cls of c.classes) {
    writeFileSync(
      join(dir, 'results', `comp4_det_test_${cls}.txt`),
      (c.dets[cls] ?? []).map((r) => `${r.join(' ')}\n`).join(''),
    );
  }
};

describe('evaluateVocFiles', () => {
  for (const c of golden.cases.slice(0, 3)) {
    it(`reads a devkit layout and matches voc_eval.py: ${c.name}`, async () => {
      const dir = join(root, c.name);
      writeDevkit(c, dir);
      for (const metric of ['07', '2010'] as const) {
        const r = await evaluateVocFiles({
          devkit: dir,
          split: 'test',
          dets: join(dir, 'results'),
          metric,
        })();
        if (E.isLeft(r)) assert.fail(formatEvalError(r.left));
        const exp = c.expected[metric];
        assert.deepEqual(Object.keys(r.right.summary.perClass), [...c.classes].sort());
        assertClose(
          c.classes.map((k) => r.right.summary.perClass[k]!),
          c.classes.map((k) => num(exp.perClass[k]!)),
          1e-9,
          metric,
        );
      }
    });
  }

  it('names file and line for bad results lines', async () => {
    const c = golden.cases[0]!;
    const dir = join(root, 'bad');
    writeDevkit(c, dir);
    const f = join(dir, 'results', `comp4_det_test_${c.classes[0]}.txt`);
    const id = c.images[0]!.id;
    const cases: [string, RegExp][] = [
      [`${id} 0.5 1 2 3\n`, /line 1: expected 6 columns/],
      [`${id} 0.5 1 2 3 4\n${id} NaN 1 2 3 4\n`, /line 2: score must be a finite number/],
      [`999999 0.5 1 2 3 4\n`, /line 1: image "999999" is not in the split/],
    ];
    for (const [text, re] of cases) {
      writeFileSync(f, text);
      const r = await evaluateVocFiles({
        devkit: dir,
        split: 'test',
        dets: join(dir, 'results'),
      })();
      assert.ok(E.isLeft(r));
      assert.match(formatEvalError(r.left), re);
      assert.ok(r.left.file.endsWith(`comp4_det_test_${c.classes[0]}.txt`));
    }
  });
});

describe('parseVocXml', () => {
  it('takes the direct bndbox, floats, missing difficult, trimmed names, any element order', () => {
    const r = parseVocXml(
      'a.xml',
      `<annotation><object><bndbox><ymin>2.5</ymin><xmin>1</xmin><xmax>10</xmax><ymax>20</ymax></bndbox>
        <name> person </name><part><name>head</name><bndbox><xmin>3</xmin><ymin>3</ymin><xmax>4</xmax><ymax>4</ymax></bndbox></part>
       </object><object><name>dog</name><difficult>1</difficult><bndbox><xmin>5</xmin><ymin>6</ymin><xmax>7</xmax><ymax>8</ymax></bndbox></object></annotation>`,
    );
    assert.deepEqual(
      r,
      E.right([
        { name: 'person', bbox: [1, 2.5, 10, 20], difficult: false },
        { name: 'dog', bbox: [5, 6, 7, 8], difficult: true },
      ]),
    );
  });
  it('an annotation without objects has none', () => {
    assert.deepEqual(
      parseVocXml('a.xml', '<annotation><filename>x</filename></annotation>'),
      E.right([]),
    );
  });
  it('names the element that is wrong', () => {
    const r = parseVocXml(
      'a.xml',
      '<annotation><object><name>x</name><bndbox><xmin>1</xmin><ymin>a</ymin><xmax>3</xmax><ymax>4</ymax></bndbox></object></annotation>',
    );
    assert.ok(E.isLeft(r));
    assert.match(formatEvalError(r.left), /^a\.xml: annotation\.object\[0\]\.bndbox\.ymin: .*"a"/);
  });
  it('reports malformed XML with its line', () => {
    const r = parseVocXml('a.xml', '<annotation>\n<object><name>x</name>\n</annotation>');
    assert.ok(E.isLeft(r));
    assert.match(formatEvalError(r.left), /a\.xml: line \d+ column \d+: malformed XML/);
  });
  it('refuses entity declarations (no XXE, no billion laughs)', () => {
    const r = parseVocXml(
      'a.xml',
      '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><annotation><object><name>&x;</name></object></annotation>',
    );
    assert.ok(E.isLeft(r));
    assert.match(formatEvalError(r.left), /DOCTYPE/);
  });
});
