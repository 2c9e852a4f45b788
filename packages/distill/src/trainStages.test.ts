import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FasterRcnn } from '@kd/faster-rcnn';
import { initBackend } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { loadModelOnly, maxParameterDifference, testRunConfig, tinyDetector } from './testing.js';
import { trainStages } from './trainStages.js';

const dir = mkdtempSync(join(tmpdir(), 'kd-stages-'));
before(async () => {
  process.env.KD_CACHE_DIR = join(dir, 'cache');
  await initBackend({ backend: 'wasm' });
});
after(() => rmSync(dir, { recursive: true, force: true }));

const dataset = { format: 'shapes', seed: 7, trainImages: 12, testImages: 4, imageSize: 48 };

describe('trainStages', () => {
  test('each stage starts from the checkpoint the one before it ended with, whatever its model.init says', async () => {
    const before = tf.memory().numTensors;
    const first = join(dir, 'stage1');
    const second = join(dir, 'stage2');
    const last = await trainStages([
      {
        config: testRunConfig({
          dataset,
          model: { detector: tinyDetector(0.125, 1) },
          optim: { steps: 2, batchSize: 2, lr: 0.01 },
        }),
        runDir: first,
      },
      {
        // A preset names where its first stage usually runs; the stage before wins.
        config: testRunConfig({
          dataset,
          model: { detector: tinyDetector(0.125, 9), init: join(dir, 'nowhere') },
          // lr 1e-9: after its one step the weights are still the first stage's.
          optim: { steps: 1, batchSize: 2, lr: 1e-9 },
        }),
        runDir: second,
      },
    ]);
    assert.ok(last?.startsWith(join(second, 'checkpoints')), last);
    const written = JSON.parse(readFileSync(join(second, 'config.json'), 'utf8'));
    assert.match(written.model.init, /stage1[/\\]checkpoints[/\\]ckpt-000002$/);
    const a = await loadModelOnly(written.model.init);
    const b = await loadModelOnly(last!);
    assert.ok(maxParameterDifference(a, b) < 1e-6, `${maxParameterDifference(a, b)}`);
    const fresh = new FasterRcnn(b.config);
    assert.ok(maxParameterDifference(fresh, a) > 1e-2, 'the control: a fresh init differs');
    for (const m of [a, b, fresh]) m.dispose();
    // tfjs optimisers keep two scalars after dispose() (their learning rate and momentum).
    assert.ok(
      tf.memory().numTensors - before <= 2 * 2,
      `leaked ${tf.memory().numTensors - before}`,
    );
  });

  test('a stage stopped before its end stops the rest; no stages is an error', async () => {
    const r = await trainStages([
      {
        config: testRunConfig({
          dataset,
          model: { detector: tinyDetector(0.125, 1) },
          optim: { steps: 3, batchSize: 2, lr: 0.01 },
        }),
        runDir: join(dir, 'stopped'),
        stopAfterSteps: 1,
      },
      {
        config: testRunConfig({
          dataset,
          model: { detector: tinyDetector(0.125, 1) },
          optim: { steps: 1, batchSize: 2, lr: 0.01 },
        }),
        runDir: join(dir, 'never'),
      },
    ]);
    assert.equal(r, undefined);
    assert.throws(() => readFileSync(join(dir, 'never', 'config.json')));
    await assert.rejects(trainStages([]), /trainStages: no stages given/);
  });
});
