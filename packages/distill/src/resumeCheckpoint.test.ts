import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createConvAdaptation, type HintPairing } from '@kd/adaptation';
import { decodeFasterRcnnConfig, FasterRcnn, saveCheckpoint } from '@kd/faster-rcnn';
import { useCpu } from '@kd/tensor-ops/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import { checkpointToResume, resumeCheckpoint } from './resumeCheckpoint.js';
import { tinyDetector } from './testing.js';

const dir = mkdtempSync(join(tmpdir(), 'kd-resume-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a run folder without checkpoints starts fresh', () => {
  assert.equal(checkpointToResume(join(dir, 'none', 'checkpoints')), undefined);
});

test('LATEST naming a missing checkpoint is an error, not a silent restart', () => {
  const c = join(dir, 'missing', 'checkpoints');
  mkdirSync(join(c, 'ckpt-000002'), { recursive: true });
  writeFileSync(join(c, 'ckpt-000002', 'model.json'), '{}');
  writeFileSync(join(c, 'LATEST'), 'ckpt-000004\n');
  assert.throws(
    () => checkpointToResume(c),
    /LATEST names 'ckpt-000004', but .*ckpt-000004 is missing or incomplete.*--restart/,
  );
});

test('checkpoints without LATEST are an error', () => {
  const c = join(dir, 'orphans', 'checkpoints');
  mkdirSync(join(c, 'ckpt-000002'), { recursive: true });
  assert.throws(() => checkpointToResume(c), /holds ckpt-000002 but no LATEST/);
});

test('LATEST naming a complete checkpoint resumes from it', () => {
  const c = join(dir, 'ok', 'checkpoints');
  mkdirSync(join(c, 'ckpt-000002'), { recursive: true });
  writeFileSync(join(c, 'ckpt-000002', 'model.json'), '{}');
  writeFileSync(join(c, 'LATEST'), 'ckpt-000002\n');
  assert.equal(checkpointToResume(c), join(c, 'ckpt-000002'));
});

test('a checkpoint whose adaptation weights do not fit the layer is refused, the student untouched', async () => {
  await useCpu();
  const cfg = decodeFasterRcnnConfig({ ...tinyDetector(0.0625, 2), numClasses: 6 }, 'test');
  if (E.isLeft(cfg)) assert.fail(cfg.left);
  const saved = new FasterRcnn(cfg.right);
  const c = join(dir, 'adapt', 'checkpoints');
  const wrong = tf.zeros([1, 1, 4, 7]);
  await saveCheckpoint(saved, join(c, 'ckpt-000002'), {
    step: 2,
    rngState: 5,
    extraWeights: { 'kd_adaptation/conv_1/kernel': wrong },
  });
  writeFileSync(join(c, 'LATEST'), 'ckpt-000002\n');
  const layer = createConvAdaptation({ inChannels: 4, outChannels: 6, bias: false });
  const model = new FasterRcnn(cfg.right);
  const before = model.params.entries().map(([, v]) => Array.from(v.dataSync()));
  const optimizer = tf.train.momentum(0.01, 0.9);
  const tensors = tf.memory().numTensors;
  await assert.rejects(
    resumeCheckpoint(c, {
      model,
      optimizer,
      pairing: { variables: layer.variables } as unknown as HintPairing,
    }),
    /ckpt-000002\/model\.json: the adaptation layer's weights cannot be restored \(kd_adaptation\/conv_1\/kernel has shape \[1,1,4,7\], the layer's kd_adaptation\/conv\/kernel \[1,1,4,6\]\)/,
  );
  assert.equal(tf.memory().numTensors, tensors, 'the checkpoint tensors are freed');
  model.params
    .entries()
    .forEach(([, v], i) => assert.deepEqual(Array.from(v.dataSync()), before[i]));
  for (const d of [saved, model, layer, optimizer, wrong]) d.dispose();
});
