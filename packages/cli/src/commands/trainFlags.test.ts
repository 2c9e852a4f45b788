import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { kd } from '../test-util.js';

const dir = mkdtempSync(join(tmpdir(), 'kd-train-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const config = (optim: string) => `dataset: { format: shapes }
model: { detector: { backbone: { name: vgg16 } } }
optim: { steps: 1, batchSize: 1, ${optim} }
`;

describe('kd train: config numbers and --set are checked before any work', () => {
  test('NaN in lr and weightDecay (YAML .nan) is named as NaN, not null', async () => {
    for (const [optim, re] of [
      ['lr: .nan', /at optim\.lr: expected Positive, got NaN/],
      ['lr: 0.1, weightDecay: .nan', /at optim\.weightDecay: expected NonNegative, got NaN/],
      ['lr: 0.1, weightDecay: .inf', /at optim\.weightDecay: expected NonNegative, got Infinity/],
    ] as const) {
      const file = join(dir, 'run.yaml');
      writeFileSync(file, config(optim));
      const r = await kd(['train', '--config', file, '--run', join(dir, 'run')]);
      assert.equal(r.status, 1, optim);
      assert.match(r.stderr, /^kd train: \S*run\.yaml: invalid run config/, optim);
      assert.match(r.stderr, re, optim);
    }
  });

  test('--data-parallel: a positive integer, at most the batch size', async () => {
    const file = join(dir, 'dp.yaml');
    writeFileSync(file, config('lr: 0.1'));
    const zero = await kd(['train', '--config', file, '--data-parallel', '0']);
    assert.equal(zero.status, 2);
    assert.match(zero.stderr, /--data-parallel: expected an integer ≥ 1, got '0'/);
    const many = await kd([
      'train',
      '--config',
      file,
      '--run',
      join(dir, 'dp'),
      '--data-parallel',
      '2',
    ]);
    assert.equal(many.status, 1);
    assert.match(many.stderr, /^kd train: dataParallel 2 exceeds optim\.batchSize 1/);
  });

  test('a bad --set is named with the config it applies to', async () => {
    const r = await kd(['train', '--preset', 'shapes-student', '--set', 'optim.lr=.nan']);
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /^kd train: preset shapes-student with --set optim\.lr=\.nan: invalid run config\n {2}at optim\.lr: expected Positive, got NaN/,
    );
    const malformed = await kd(['distill', '--preset', 'shapes-distill', '--set', 'optim.lr']);
    assert.equal(malformed.status, 1);
    assert.match(malformed.stderr, /^kd distill: --set optim\.lr: expected key=value/);
  });
});
