import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as E from 'fp-ts/lib/Either.js';
import { decodeRunConfig, readRunConfig } from './runConfig.js';
import { tinyDetector } from './testing.js';

const dir = mkdtempSync(join(tmpdir(), 'kd-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const base = {
  dataset: { format: 'shapes' },
  model: { detector: tinyDetector(0.0625, 1) },
  optim: { steps: 1, batchSize: 1, lr: 0.01 },
};

test('NaN and Infinity in a YAML config are refused with the field and the value', () => {
  const file = join(dir, 'nan.yaml');
  writeFileSync(
    file,
    'dataset: { format: shapes }\nmodel: { detector: {} }\noptim: { steps: 1, batchSize: 1, lr: .nan, weightDecay: .inf }\n',
  );
  const r = readRunConfig(file);
  assert.ok(E.isLeft(r));
  assert.match(r.left, /nan\.yaml: invalid run config/);
  assert.match(r.left, /at optim\.lr: expected Positive, got NaN/);
  assert.match(r.left, /at optim\.weightDecay: expected NonNegative, got Infinity/);
});

test('the detector and the objective are checked when the config is decoded', () => {
  const badDetector = decodeRunConfig(
    { ...base, model: { detector: { backbone: { name: 'resnet9000' } } } },
    'run.json',
  );
  assert.ok(E.isLeft(badDetector));
  assert.match(badDetector.left, /at model\.detector: invalid Faster R-CNN config/);
  assert.match(badDetector.left, /resnet9000/);
  const badObjective = decodeRunConfig(
    { ...base, distill: { teacher: 't', objective: { temperature: -1, tempreature: 2 } } },
    'run.json',
  );
  assert.ok(E.isLeft(badObjective));
  assert.match(badObjective.left, /distill\.objective\.tempreature/);
  const ok = decodeRunConfig(
    { ...base, distill: { teacher: 't', objective: { temperature: 2, backgroundWeight: 1.5 } } },
    'run.json',
  );
  assert.ok(E.isRight(ok), E.isLeft(ok) ? ok.left : '');
});

test("the reader's policy is accepted in a run config's dataset", () => {
  const r = decodeRunConfig(
    { ...base, dataset: { format: 'voc', root: 'data/VOCdevkit', policy: 'skip' } },
    'run.json',
  );
  assert.ok(E.isRight(r), E.isLeft(r) ? r.left : '');
  assert.equal(r.right.dataset.policy, 'skip');
  const bad = decodeRunConfig(
    { ...base, dataset: { format: 'voc', root: 'x', policy: 'ignore' } },
    'run.json',
  );
  assert.ok(E.isLeft(bad));
  assert.match(bad.left, /at dataset\.policy: expected one of fix, skip, fatal, got "ignore"/);
});
