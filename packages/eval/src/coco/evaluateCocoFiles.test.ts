import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import * as E from 'fp-ts/lib/Either.js';
import { formatEvalError } from '../internal/EvalError.js';
import { assertClose, loadFixture } from '../test-util.js';
import { evaluateCocoFiles } from './evaluateCocoFiles.js';
import { formatCocoTable } from './formatCocoTable.js';

const golden = loadFixture<{
  cases: { gt: unknown; dets: unknown[]; expected: { stats: number[] } }[];
}>('coco-golden.json');
const dir = mkdtempSync(join(tmpdir(), 'kd-eval-coco-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const gtFile = join(dir, 'instances.json');
writeFileSync(gtFile, JSON.stringify(golden.cases[0]!.gt, null, 1));

const evalText = async (dets: string, gt = gtFile) => {
  const f = join(dir, 'dets.json');
  writeFileSync(f, dets);
  return evaluateCocoFiles({ gt, dets: f })();
};

describe('evaluateCocoFiles', () => {
  it('reads an instances file and a results file and matches pycocotools', async () => {
    const r = await evalText(JSON.stringify(golden.cases[0]!.dets));
    if (E.isLeft(r)) assert.fail(formatEvalError(r.left));
    const s = r.right.summary;
    assertClose(
      [s.AP, s.AP50, s.AP75, s.APs, s.APm, s.APl, s.AR1, s.AR10, s.AR100, s.ARs, s.ARm, s.ARl],
      golden.cases[0]!.expected.stats,
      1e-9,
      'stats',
    );
    assert.deepEqual(Object.keys(s.perCategory), ['c1', 'c3', 'c7', 'c90']);
    const table = formatCocoTable(s).split('\n');
    assert.equal(
      table[0],
      ` Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = ${s.AP.toFixed(3)}`,
    );
    assert.equal(
      table[11],
      ` Average Recall     (AR) @[ IoU=0.50:0.95 | area= large | maxDets=100 ] = ${s.ARl.toFixed(3)}`,
    );
  });

  it('rejects bad input naming the file and where', async () => {
    const img = (golden.cases[0]!.gt as { images: { id: number }[] }).images[0]!.id;
    const det = (o: object) =>
      JSON.stringify([{ image_id: img, category_id: 1, bbox: [1, 2, 3, 4], score: 0.5 }, o]);
    const cases: [string, RegExp][] = [
      ['[{"image_id": 1,\n "score": }]', /dets\.json: line 2 column \d+: malformed JSON/],
      [
        det({ image_id: 424242, category_id: 1, bbox: [1, 2, 3, 4], score: 0.5 }),
        /dets\.json: \$\[1\]\.image_id: image 424242 is not in the ground truth/,
      ],
      [
        det({ image_id: img, category_id: 1, bbox: [1, 2, 3], score: 0.5 }),
        /dets\.json: \$\[1\]\.bbox/,
      ],
      [
        det({ image_id: img, category_id: 1, bbox: [1, 2, 3, 4], score: 'nan' }),
        /dets\.json: \$\[1\]\.score: expected finite number/,
      ],
      ['[{"image_id": 1, "category_id": 1, "bbox": [1,2,3,4], "score": NaN}]', /malformed JSON/],
      ['{"annotations": []}', /dets\.json: \$: expected COCO results array/],
    ];
    for (const [text, re] of cases) {
      const r = await evalText(text);
      assert.ok(E.isLeft(r), text);
      assert.match(formatEvalError(r.left), re);
    }
  });

  it('names the GT file and JSON path, and falls back to w*h for a missing area with a warning', async () => {
    const bad = join(dir, 'bad-gt.json');
    writeFileSync(
      bad,
      JSON.stringify({
        images: [{ id: 1 }],
        annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 'x', 1] }],
        categories: [{ id: 1 }],
      }),
    );
    const r = await evalText('[]', bad);
    assert.ok(E.isLeft(r));
    assert.match(
      formatEvalError(r.left),
      /bad-gt\.json: \$\.annotations\[0\]\.bbox\[2\]: expected finite number, got "x"/,
    );
    const noArea = join(dir, 'no-area.json');
    writeFileSync(
      noArea,
      JSON.stringify({
        info: null,
        licenses: [],
        images: [{ id: 1 }, { id: 1 }],
        annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10] }],
        categories: [{ id: 1, name: 'a' }],
      }),
    );
    const ok = await evalText(
      JSON.stringify([{ image_id: 1, category_id: 1, bbox: [0, 0, 10, 10], score: 1 }]),
      noArea,
    );
    if (E.isLeft(ok)) assert.fail(formatEvalError(ok.left));
    // pycocotools divides by tp + fp + eps, so a perfect detector scores 1/(1+eps)
    assert.ok(Math.abs(ok.right.summary.AP - 1) < 1e-12);
    assert.equal(ok.right.summary.APm, -1);
    assert.match(ok.right.warnings[0]!, /without "area"/);
  });

  it('an empty results file gives zeros, not a crash', async () => {
    const r = await evalText('[]');
    if (E.isLeft(r)) assert.fail(formatEvalError(r.left));
    assert.equal(r.right.summary.AP, 0);
  });
});

describe('GT validation messages', () => {
  it('names the union a bad iscrowd should match', async () => {
    const bad = join(dir, 'bad-crowd.json');
    writeFileSync(
      bad,
      JSON.stringify({
        images: [{ id: 1 }],
        annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 1, 1], iscrowd: 2 }],
        categories: [{ id: 1 }],
      }),
    );
    const r = await evalText('[]', bad);
    assert.ok(E.isLeft(r));
    assert.equal(
      formatEvalError(r.left),
      `${bad}: $.annotations[0].iscrowd: expected 0 | 1 | boolean, got 2`,
    );
  });
});
