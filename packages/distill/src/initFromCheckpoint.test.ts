import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FasterRcnn } from '@kd/faster-rcnn';
import { initBackend } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import { initFromCheckpoint } from './initFromCheckpoint.js';
import { resolveCheckpoint } from './resolveCheckpoint.js';
import { decodeRunConfig } from './runConfig.js';
import { runTraining } from './runTraining.js';
import { loadModelOnly, maxParameterDifference, testRunConfig, tinyDetector } from './testing.js';

const dir = mkdtempSync(join(tmpdir(), 'kd-init-'));
before(async () => {
  process.env.KD_CACHE_DIR = join(dir, 'cache');
  await initBackend({ backend: 'wasm' });
});
after(() => rmSync(dir, { recursive: true, force: true }));

const dataset = { format: 'shapes', seed: 7, trainImages: 12, testImages: 4, imageSize: 48 };
const baseRun = join(dir, 'base');

const losses = (runDir: string): number[] =>
  readFileSync(join(runDir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((l) => l.loss !== undefined)
    .map((l) => l.loss as number);

/** The base run's model alone (its optimiser slots freed). */
const loadBase = (): Promise<FasterRcnn> => loadModelOnly(resolveCheckpoint(baseRun));

describe('model.init (fine-tuning from a kd checkpoint)', () => {
  before(async () => {
    const r = await runTraining({
      config: testRunConfig({
        dataset,
        model: { detector: tinyDetector(0.125, 1) },
        optim: { steps: 3, batchSize: 2, lr: 0.01, checkpointEvery: 1 },
      }),
      runDir: baseRun,
    });
    r.model.dispose();
  });

  test('starts from every weight of the checkpoint, at step 0 with a fresh optimiser', async () => {
    const logs: string[] = [];
    // lr 1e-9: after one step the weights are still the checkpoint's (another seed's init differs by O(0.1)).
    const r = await runTraining({
      config: testRunConfig({
        dataset,
        model: { detector: tinyDetector(0.125, 9), init: baseRun },
        optim: { steps: 1, batchSize: 2, lr: 1e-9 },
      }),
      runDir: join(dir, 'loaded'),
      onLog: (l) => logs.push(l),
    });
    assert.ok(r.completed);
    assert.equal(losses(join(dir, 'loaded')).length, 1);
    assert.ok(
      logs.some((l) => /initialised from .*ckpt-000003 \(its step 3\).*step 0/.test(l)),
      logs.join('\n'),
    );
    const base = await loadBase();
    assert.ok(
      maxParameterDifference(r.model, base) < 1e-6,
      `${maxParameterDifference(r.model, base)}`,
    );
    const random = new FasterRcnn(r.model.config);
    assert.ok(maxParameterDifference(random, base) > 1e-2, 'the control: a fresh init differs');
    random.dispose();
    base.dispose();
    r.model.dispose();
  });

  test('a fine-tune killed mid-run resumes from its own checkpoint, not from model.init', async () => {
    const before = tf.memory().numTensors;
    const cfg = testRunConfig({
      dataset,
      model: { detector: tinyDetector(0.125, 1), init: baseRun },
      optim: { steps: 4, batchSize: 2, lr: 0.01, checkpointEvery: 1 },
    });
    const full = await runTraining({ config: cfg, runDir: join(dir, 'ft-full') });
    const part = await runTraining({
      config: cfg,
      runDir: join(dir, 'ft-crash'),
      stopAfterSteps: 2,
    });
    assert.equal(part.completed, false);
    part.model.dispose();
    const logs: string[] = [];
    const resumed = await runTraining({
      config: cfg,
      runDir: join(dir, 'ft-crash'),
      onLog: (l) => logs.push(l),
    });
    assert.ok(resumed.completed);
    assert.ok(
      logs.some((l) => /resuming from .* at step 2/.test(l)),
      logs.join('\n'),
    );
    assert.ok(!logs.some((l) => /initialised from/.test(l)), logs.join('\n'));
    const a = losses(join(dir, 'ft-full'));
    const b = losses(join(dir, 'ft-crash'));
    assert.equal(b.length, 4);
    assert.deepEqual(b, a);
    assert.deepEqual(resumed.scores, full.scores);
    // It trained: the weights moved away from the checkpoint it started from.
    const base = await loadBase();
    assert.ok(maxParameterDifference(full.model, base) > 1e-4);
    base.dispose();
    full.model.dispose();
    resumed.model.dispose();
    // tfjs optimisers keep two scalars after dispose() (their learning rate and momentum).
    assert.ok(
      tf.memory().numTensors - before <= 2 * 3,
      `tensors leaked by the runs: ${tf.memory().numTensors - before}`,
    );
  });

  test('a checkpoint of another architecture is refused, naming it and each parameter, leak-free', async () => {
    const model = new FasterRcnn(
      await loadBase().then((m) => {
        const c = { ...m.config, rpn: { ...m.config.rpn, channels: 16 } };
        m.dispose();
        return c as FasterRcnn['config'];
      }),
    );
    const before = tf.memory().numTensors;
    const snapshot = model.params.get('rpn/conv/w').dataSync().slice();
    await assert.rejects(initFromCheckpoint(model, baseRun), (e: Error) => {
      assert.match(e.message, /^model\.init: .*base\/checkpoints\/ckpt-000003 does not fit/);
      assert.match(e.message, /'rpn\/conv\/w': checkpoint \[3,3,\d+,8\], model \[3,3,\d+,16\]/);
      assert.match(e.message, /'rpn\/conv\/b': checkpoint \[8\], model \[16\]/);
      return true;
    });
    assert.equal(tf.memory().numTensors, before);
    // All or nothing: no parameter was overwritten.
    assert.deepEqual(model.params.get('rpn/conv/w').dataSync(), snapshot);
    model.dispose();
  });

  test('missing parameters are listed; a run with a bad model.init fails before training', async () => {
    const before = tf.memory().numTensors;
    const other = testRunConfig({
      dataset,
      model: {
        detector: { ...tinyDetector(0.125, 1), roiHead: { fcDims: [16, 16], outputSize: 3 } },
        init: baseRun,
      },
      optim: { steps: 2, batchSize: 2, lr: 0.01 },
    });
    await assert.rejects(
      runTraining({ config: other, runDir: join(dir, 'deeper') }),
      /does not fit the configured detector[\s\S]*missing 'roi_head\/fc7\/w'/,
    );
    const missing = testRunConfig({
      dataset,
      model: { detector: tinyDetector(0.125, 1), init: join(dir, 'nowhere') },
      optim: { steps: 2, batchSize: 2, lr: 0.01 },
    });
    await assert.rejects(
      runTraining({ config: missing, runDir: join(dir, 'no-init') }),
      /model\.init: .*nowhere: no checkpoint \(expected a folder with model\.json/,
    );
    assert.ok(!existsSync(join(dir, 'no-init', 'checkpoints')), 'no step was taken');
    // tfjs optimisers keep two scalars after dispose() (their learning rate and momentum).
    assert.ok(tf.memory().numTensors - before <= 2 * 2, `${tf.memory().numTensors - before}`);
  });

  test('model.init is decoded with the run config: a non-string is refused with its path', () => {
    const bad = decodeRunConfig(
      { dataset, model: { detector: {}, init: 3 }, optim: { steps: 1, batchSize: 1, lr: 1 } },
      'run.yaml',
    );
    assert.ok(E.isLeft(bad));
    assert.match(bad.left, /at model\.init: expected string, got 3/);
  });
});
