import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { evaluateCocoFiles } from './coco/evaluateCocoFiles.js';
import { KdEvalFailure } from './internal/EvalError.js';
import { toPromise } from './toPromise.js';

const dir = mkdtempSync(join(tmpdir(), 'kd-eval-promise-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const gt = {
  images: [{ id: 1, width: 100, height: 100 }],
  categories: [{ id: 1, name: 'cat' }],
  annotations: [
    { id: 1, image_id: 1, category_id: 1, bbox: [10, 10, 30, 30], area: 900, iscrowd: 0 },
  ],
};

describe('toPromise', () => {
  test('resolves with the result of a file API', async () => {
    writeFileSync(join(dir, 'gt.json'), JSON.stringify(gt));
    writeFileSync(
      join(dir, 'dets.json'),
      JSON.stringify([{ image_id: 1, category_id: 1, bbox: [10, 10, 30, 30], score: 0.9 }]),
    );
    const r = await toPromise(
      evaluateCocoFiles({ gt: join(dir, 'gt.json'), dets: join(dir, 'dets.json') }),
    );
    assert.ok(Math.abs(r.summary.AP50 - 1) < 1e-9); // pycocotools: 1/(1+eps)
  });

  test('rejects with a KdEvalFailure: message file: where: message, detail the KdEvalError', async () => {
    writeFileSync(
      join(dir, 'bad.json'),
      JSON.stringify([{ image_id: 1, category_id: 1, bbox: [1, 1, 2, 2], score: 'x' }]),
    );
    await assert.rejects(
      toPromise(evaluateCocoFiles({ gt: join(dir, 'gt.json'), dets: join(dir, 'bad.json') })),
      (e: unknown) => {
        assert.ok(e instanceof KdEvalFailure);
        assert.match(e.message, /bad\.json: \$\[0\]\.score: expected finite number, got "x"$/);
        assert.equal(e.detail.where, '$[0].score');
        return true;
      },
    );
  });
});
