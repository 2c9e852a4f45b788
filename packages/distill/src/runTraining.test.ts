import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FasterRcnn, loadPretrainedBackbone } from '@kd/faster-rcnn';
import { initBackend } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import { decodeRunConfig } from './runConfig.js';
import { runTraining } from './runTraining.js';
import { testRunConfig, tinyDetector } from './test-util.js';

const dir = mkdtempSync(join(tmpdir(), 'kd-run-'));
before(async () => {
  process.env.KD_CACHE_DIR = join(dir, 'cache');
  await initBackend({ backend: 'wasm' });
});
after(() => rmSync(dir, { recursive: true, force: true }));

const detector = tinyDetector;
const dataset = { format: 'shapes', seed: 7, trainImages: 12, testImages: 4, imageSize: 48 };

const config = testRunConfig;

function lossLines(runDir: string): number[] {
  return readFileSync(join(runDir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((l) => l.loss !== undefined)
    .map((l) => l.loss as number);
}

describe('runTraining', () => {
  const teacherDir = join(dir, 'teacher');
  test('kd train writes metrics, checkpoints and scores', async () => {
    const r = await runTraining({
      config: config({
        dataset,
        model: { detector: detector(0.125, 1) },
        optim: { steps: 4, batchSize: 2, lr: 0.01 },
      }),
      runDir: teacherDir,
    });
    assert.ok(r.completed && r.scores);
    assert.equal(lossLines(teacherDir).length, 4);
    assert.ok(r.scores.mAP50 >= 0 && r.scores.mAP50 <= 1);
    r.model.dispose();
  });

  test("the 'Hints' row (no adaptation) on layers of different widths is refused before training", async () => {
    const before = tf.memory().numTensors;
    const cfg = config({
      dataset,
      model: { detector: detector(0.0625, 2) },
      optim: { steps: 2, batchSize: 2, lr: 0.01 },
      distill: {
        teacher: teacherDir,
        ablation: 'Hints',
        hint: { teacherLayer: 'conv4_3', studentLayer: 'conv4_3' },
      },
    });
    await assert.rejects(
      runTraining({ config: cfg, runDir: join(dir, 'hints-raw') }),
      /'Hints' row \(hint without adaptation\) needs the student's conv4_3 \[6,6,32\] and the teacher's conv4_3 \[6,6,64\]/,
    );
    assert.ok(tf.memory().numTensors - before <= 2);
  });

  test('kd distill killed mid-run resumes from its checkpoint to the same result', async () => {
    const before = tf.memory().numTensors;
    const cfg = config({
      dataset,
      model: { detector: detector(0.0625, 2) },
      optim: { steps: 4, batchSize: 2, lr: 0.01, checkpointEvery: 1 },
      distill: {
        teacher: join(
          teacherDir,
          'checkpoints',
          readFileSync(join(teacherDir, 'checkpoints', 'LATEST'), 'utf8').trim(),
        ),
        hint: { teacherLayer: 'conv4_3', studentLayer: 'conv4_3' },
      },
    });
    const full = await runTraining({ config: cfg, runDir: join(dir, 'full') });
    const part = await runTraining({
      config: cfg,
      runDir: join(dir, 'crash'),
      stopAfterSteps: 2,
    });
    assert.equal(part.completed, false);
    part.model.dispose();
    // A crash after the checkpoint leaves logged steps that the resumed run redoes.
    appendFileSync(
      join(dir, 'crash', 'metrics.jsonl'),
      `${JSON.stringify({ step: 3, loss: 123 })}\n`,
    );
    const resumed = await runTraining({ config: cfg, runDir: join(dir, 'crash') });
    assert.ok(resumed.completed);
    const a = lossLines(join(dir, 'full'));
    const b = lossLines(join(dir, 'crash'));
    assert.equal(b.length, 4);
    b.forEach((v, i) =>
      assert.ok(Math.abs(v - a[i]!) <= 1e-4 * Math.abs(a[i]!), `step ${i + 1}: ${v} vs ${a[i]}`),
    );
    assert.deepEqual(resumed.scores, full.scores);
    full.model.dispose();
    resumed.model.dispose();
    // tfjs optimisers keep two scalars after dispose() (their learning rate and momentum).
    assert.ok(
      tf.memory().numTensors - before <= 2 * 3,
      `tensors leaked by the runs: ${tf.memory().numTensors - before}`,
    );
  });

  test('config errors name the path and what was expected; unknown keys are rejected', () => {
    const bad = decodeRunConfig(
      {
        dataset: { format: 'pascal' },
        model: { detector: {} },
        optim: { steps: 0, batchSize: 2, lr: 0.1 },
      },
      'run.json',
    );
    assert.ok(E.isLeft(bad));
    assert.match(bad.left, /^run\.json: invalid run config/);
    assert.match(
      bad.left,
      /at dataset\.format: expected "shapes" \| "voc" \| "coco" \| "kitti", got "pascal"/,
    );
    assert.match(bad.left, /at optim\.steps: expected PositiveInt, got 0/);
    const unknown = decodeRunConfig(
      { dataset, model: { detector: {} }, optim: { steps: 1, batchSize: 1, lr: 1, lrr: 2 } },
      'run.json',
    );
    assert.ok(E.isLeft(unknown));
    assert.match(unknown.left, /unknown key\(s\): optim\.lrr/);
  });

  test('a pretrained MobileNetV2 config starts from the ImageNet weights (nsfwjs)', async () => {
    const cfg = config({
      dataset,
      model: {
        detector: {
          ...detector(1, 3),
          backbone: { name: 'mobilenetv2', pretrained: 'nsfwjs' },
          input: { mean: [127.5, 127.5, 127.5], std: [127.5, 127.5, 127.5] },
        },
      },
      optim: { steps: 1, batchSize: 1, lr: 1e-9 },
    });
    const r = await runTraining({ config: cfg, runDir: join(dir, 'pretrained') });
    assert.ok(r.completed);
    // lr 1e-9: after the step the backbone still holds the Keras weights (random ones differ by O(0.1)).
    const fresh = new FasterRcnn(r.model.config);
    const report = await loadPretrainedBackbone(fresh);
    assert.equal(report.loaded.length, 195);
    // Running BN statistics move with any training step (momentum update), whatever the lr.
    for (const name of report.loaded.filter((n) => !n.includes('running_'))) {
      const a = Array.from(r.model.params.get(name).dataSync());
      const b = fresh.params.get(name).dataSync();
      const worst = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
      assert.ok(worst < 1e-5, `${name}: differs by ${worst}`);
    }
    fresh.dispose();
    r.model.dispose();
  });
});
