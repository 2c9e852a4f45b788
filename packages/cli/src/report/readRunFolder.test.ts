import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import * as E from 'fp-ts/lib/Either.js';
import { readRunFolder } from './readRunFolder.js';

const root = mkdtempSync(join(tmpdir(), 'kd-readrun-'));
after(() => rmSync(root, { recursive: true, force: true }));

const config = {
  name: 'tiny',
  dataset: { format: 'shapes', trainImages: 4, testImages: 2, imageSize: 48 },
  model: { detector: { backbone: { name: 'vgg16', widthMultiplier: 0.0625 } } },
  optim: { steps: 2, batchSize: 1, lr: 0.01, evalEvery: 1 },
};
const scores = { mAP50: 0.25, mAP: 0.1, perClassAP50: { circle: 0.5, square: 0 }, images: 2 };

/** A run folder holding the given files (objects as JSON, arrays as JSON lines). */
function runFolder(name: string, files: Record<string, unknown>): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) {
    const text = Array.isArray(content)
      ? content.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')
      : JSON.stringify(content);
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

const step = (s: number, loss: number | null) => ({
  step: s,
  lr: 0.01,
  loss,
  rpn_cls: 0.5,
  rcn_reg: 0.25,
  gradNorm: 3,
  ms: 120,
});

describe('readRunFolder', () => {
  test('reads the per-step loss components and the evaluations of metrics.jsonl', () => {
    const dir = runFolder('good', {
      'config.json': config,
      'metrics.jsonl': [step(1, 0.75), { step: 1, eval: scores }, step(2, null), ''],
      'scores.json': scores,
    });
    const r = readRunFolder(dir);
    assert.ok(E.isRight(r), E.isLeft(r) ? r.left : '');
    assert.deepEqual(r.right.losses, [
      { step: 1, component: 'total', value: 0.75 },
      { step: 1, component: 'rpn_cls', value: 0.5 },
      { step: 1, component: 'rcn_reg', value: 0.25 },
      // A non-finite total (written as null) is left out; the components stay.
      { step: 2, component: 'rpn_cls', value: 0.5 },
      { step: 2, component: 'rcn_reg', value: 0.25 },
    ]);
    assert.deepEqual(r.right.evals, [{ step: 1, mAP50: 0.25, mAP: 0.1 }]);
    assert.deepEqual(r.right.scores, scores);
    assert.equal(r.right.config.name, 'tiny');
  });

  test('a run without metrics or scores yet is still a run', () => {
    const r = readRunFolder(runFolder('fresh', { 'config.json': config }));
    assert.ok(E.isRight(r));
    assert.deepEqual([r.right.losses, r.right.evals, r.right.scores], [[], [], undefined]);
  });

  test('errors name the file, the line and what was expected', () => {
    const bad = (name: string, files: Record<string, unknown>) => {
      const r = readRunFolder(runFolder(name, { 'config.json': config, ...files }));
      assert.ok(E.isLeft(r), `${name} should fail`);
      return r.left;
    };
    const metrics = join(root, 'm1', 'metrics.jsonl');
    assert.equal(
      bad('m1', { 'metrics.jsonl': [step(1, 1), step(2, 1), { step: 3, loss: 'high' }] }),
      `${metrics}: line 3: invalid step line: at loss: expected number | null, got "high"`,
    );
    assert.equal(
      bad('m2', { 'metrics.jsonl': [step(1, 1), '{"step": 2,'] }).split(' (')[0],
      `${join(root, 'm2', 'metrics.jsonl')}: line 2: not valid JSON`,
    );
    assert.match(
      bad('m3', { 'metrics.jsonl': [{ step: 2, eval: { ...scores, mAP50: 1.5 } }] }),
      /metrics\.jsonl: line 1: invalid evaluation line: at eval\.mAP50: expected UnitInterval, got 1\.5$/,
    );
    assert.match(
      bad('m4', { 'metrics.jsonl': [{ step: -1, loss: 1 }] }),
      /line 1: invalid step line: at step: expected NonNegativeInt, got -1/,
    );
    assert.equal(
      bad('s1', { 'scores.json': { ...scores, images: undefined } }),
      `${join(root, 's1', 'scores.json')}: invalid scores: at images: expected NonNegativeInt, got nothing (missing)`,
    );
    assert.match(
      bad('c1', { 'config.json': { ...config, optim: { ...config.optim, steps: 0 } } }),
      /c1\/config\.json: invalid run config\n {2}at optim\.steps: expected PositiveInt, got 0/,
    );
    const missing = readRunFolder(join(root, 'nowhere'));
    assert.ok(E.isLeft(missing));
    assert.match(missing.left, /nowhere\/config\.json: cannot read/);
  });
});
