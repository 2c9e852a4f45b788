import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import * as E from 'fp-ts/lib/Either.js';
import { formatEvalError } from '../internal/EvalError.js';
import { assertClose, loadFixture } from '../test-util.js';
import { type KittiGolden, num } from '../test-util-golden.js';
import { evaluateKittiFiles, kittiPascalMap, readKittiFrames } from './evaluateKittiFiles.js';
import { formatKittiTable } from './formatKittiTable.js';

const golden = loadFixture<KittiGolden>('kitti-golden.json');
const root = mkdtempSync(join(tmpdir(), 'kd-eval-kitti-'));
after(() => rmSync(root, { recursive: true, force: true }));

const write = (name: string, frames: KittiGolden['cases'][number]['frames']) => {
  const labels = join(root, name, 'label_2');
  const results = join(root, name, 'results');
  mkdirSync(labels, { recursive: true });
  mkdirSync(results, { recursive: true });
  for (const f of frames) {
    writeFileSync(join(labels, `${f.id}.txt`), f.gt.map((l) => `${l}\n`).join(''));
    writeFileSync(join(results, `${f.id}.txt`), f.det.map((l) => `${l}\n`).join(''));
  }
  return { labels, results };
};

describe('evaluateKittiFiles', () => {
  const c = golden.cases[0]!;
  const { labels, results } = write('a', c.frames);

  it('reads label_2 and a results folder and matches the devkit', async () => {
    const r = await evaluateKittiFiles({ labels, results })();
    if (E.isLeft(r)) assert.fail(formatEvalError(r.left));
    assert.deepEqual(Object.keys(r.right.summary), Object.keys(c.expected.classes));
    for (const [cls, byDiff] of Object.entries(c.expected.classes)) {
      for (const d of ['easy', 'moderate', 'hard'] as const) {
        const p = byDiff[d].precision.map(num);
        let s11 = 0;
        for (let i = 0; i < 41; i += 4) s11 += p[i]!;
        assertClose([r.right.summary[cls]![d].ap11], [s11 / 11], 1e-12, `${cls} ${d}`);
      }
    }
    const table = formatKittiTable(r.right.summary);
    assert.match(table, /^class\s+metric\s+easy\s+moderate\s+hard\nCar\s+AP\|R11 /);
    assert.match(table, /Car\s+AOS\|R40/);
  });

  it('evaluates only the frames of a split file', async () => {
    const ids = c.frames.slice(0, 5).map((f) => f.id);
    const split = join(root, 'split.txt');
    writeFileSync(split, `${ids.join('\n')}\n\n`);
    const r = await readKittiFrames({ labels, results, split })();
    if (E.isLeft(r)) assert.fail(formatEvalError(r.left));
    assert.deepEqual(
      r.right.map((f) => f.id),
      ids,
    );
  });

  it('a missing results file is an error naming it (or empty on request)', async () => {
    const x = write('missing', c.frames.slice(0, 3));
    rmSync(join(x.results, `${c.frames[1]!.id}.txt`));
    const r = await evaluateKittiFiles(x)();
    assert.ok(E.isLeft(r));
    assert.match(
      formatEvalError(r.left),
      new RegExp(`${c.frames[1]!.id}\\.txt: results file not found`),
    );
    const ok = await evaluateKittiFiles({ ...x, missingResults: 'empty' })();
    assert.ok(E.isRight(ok));
  });

  it('a 15-column results line is an error naming file and line', async () => {
    const x = write('short', c.frames.slice(0, 2));
    const f = join(x.results, `${c.frames[0]!.id}.txt`);
    writeFileSync(f, 'Car -1 -1 0 10 20 30 80 -1 -1 -1 -1000 -1000 -1000 -10\n');
    const r = await evaluateKittiFiles(x)();
    assert.ok(E.isLeft(r));
    assert.equal(
      formatEvalError(r.left),
      `${f}: line 1: expected 16 columns (result lines have 16 columns (15 + score)), got 15`,
    );
  });

  it("the paper's convention: VOC AP@0.5 per class", () => {
    const frames = [
      {
        id: '0',
        gt: [
          { type: 'Car', truncation: 0, occlusion: 0, alpha: 0, bbox: [0, 0, 99, 99] as const },
          {
            type: 'DontCare',
            truncation: -1,
            occlusion: -1,
            alpha: -10,
            bbox: [200, 0, 299, 99] as const,
          },
        ],
        dets: [
          { type: 'Car', alpha: 0, bbox: [0, 0, 99, 99] as const, score: 0.9 },
          { type: 'Car', alpha: 0, bbox: [300, 300, 320, 320] as const, score: 0.5 },
        ],
      },
    ];
    const r = kittiPascalMap(frames, { classes: ['Car'] });
    assert.equal(r.perClass[0]!.ap, 1);
    assert.equal(r.perClass[0]!.npos, 1);
  });
});
