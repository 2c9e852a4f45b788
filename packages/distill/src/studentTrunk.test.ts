import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Sample } from '@kd/data-voc-coco-kitti';
import { decodeFasterRcnnConfig, FasterRcnn } from '@kd/faster-rcnn';
import { describeEachBackend } from '@kd/tensor-ops/testing';
import * as E from 'fp-ts/lib/Either.js';
import { runTraining, type StepRecord } from './runTraining.js';
import { COMPILED_BATCH_SHAPES, studentTrunk, trainingBatchShapes } from './studentTrunk.js';
import { testRunConfig, tinyDetector } from './testing.js';

const dir = mkdtempSync(join(tmpdir(), 'kd-student-trunk-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const sample = (height: number, width: number): Sample => ({
  id: `${height}x${width}`,
  path: '/dev/null',
  fileName: 'x.jpg',
  height,
  width,
  objects: [],
  ignore: [],
});

const config = (compileTrunk: boolean | 'auto', steps = 3) =>
  testRunConfig({
    dataset: { format: 'shapes', seed: 7, trainImages: 4, testImages: 2, imageSize: 48 },
    model: { detector: tinyDetector(0.0625, 2), compileTrunk },
    optim: { steps, batchSize: 2, lr: 0.01, checkpointEvery: 1 },
  });

const COMPILED =
  /trunk: the backbone and RPN head, forward and backward, compiled into native TensorFlow graphs/;

test('trainingBatchShapes: every padded height with every padded width after the resize', () => {
  const t = { minSize: 48, maxSize: 80 };
  assert.equal(trainingBatchShapes([sample(100, 100), sample(200, 200)], t), 1);
  // 100×150 → 48×72; 150×100 → 72×48: two heights and two widths, four batch shapes.
  assert.equal(trainingBatchShapes([sample(100, 150), sample(150, 100)], t), 4);
  // 48×69 and 48×70 both pad to 48×72.
  assert.equal(trainingBatchShapes([sample(480, 690), sample(480, 700)], t), 1);
});

describeEachBackend(
  'model.compileTrunk',
  (backend) => {
    if (backend !== 'tensorflow') {
      test("'auto' trains op by op without a word; true is an error before training", async () => {
        const logs: string[] = [];
        const r = await runTraining({
          config: config('auto', 1),
          runDir: join(dir, `auto-${backend}`),
          onLog: (l) => logs.push(l),
        });
        r.model.dispose();
        assert.ok(!logs.some((l) => /^trunk:/.test(l)), logs.join('\n'));
        await assert.rejects(
          runTraining({ config: config(true, 1), runDir: join(dir, `true-${backend}`) }),
          /model\.compileTrunk: true needs the tensorflow backend \(tfjs-node\); the backend is 'wasm'/,
        );
      });
      return;
    }

    test("'auto' compiles and says so: the op-by-op losses up to float32 rounding; stopped and resumed, the uninterrupted run", async () => {
      const eager: StepRecord[] = [];
      const a = await runTraining({
        config: config(false, 4),
        runDir: join(dir, 'eager'),
        onStep: (r) => eager.push(r),
      });
      a.model.dispose();
      const full: StepRecord[] = [];
      const logs: string[] = [];
      const whole = await runTraining({
        config: config('auto', 4),
        runDir: join(dir, 'compiled'),
        onStep: (r) => full.push(r),
        onLog: (l) => logs.push(l),
      });
      assert.ok(
        logs.some((l) => COMPILED.test(l)),
        logs.join('\n'),
      );
      assert.equal(full.length, 4);
      full.forEach((r, i) => {
        for (const [k, v] of Object.entries(eager[i]!.losses))
          assert.ok(
            Math.abs(r.losses[k]! - v) <= 1e-4 * Math.max(1, Math.abs(v)),
            `step ${i + 1} ${k}: ${r.losses[k]} vs ${v}`,
          );
      });
      const split: StepRecord[] = [];
      const part = await runTraining({
        config: config('auto', 4),
        runDir: join(dir, 'compiled-split'),
        stopAfterSteps: 2,
        onStep: (r) => split.push(r),
      });
      assert.equal(part.completed, false);
      part.model.dispose();
      const rest = await runTraining({
        config: config('auto', 4),
        runDir: join(dir, 'compiled-split'),
        onStep: (r) => split.push(r),
      });
      const lossesOf = (records: StepRecord[]) => records.map(({ ms: _, ...r }) => r);
      assert.deepEqual(lossesOf(split), lossesOf(full));
      assert.deepEqual(rest.scores, whole.scores);
      whole.model.dispose();
      rest.model.dispose();
    });

    test("'auto' trains op by op, saying why, when images come in many shapes or the trunk cannot be compiled; true refuses", () => {
      const detector = (backbone: Record<string, unknown>) => {
        const c = decodeFasterRcnnConfig(
          { ...tinyDetector(0.0625, 2), backbone, numClasses: 3 },
          'test',
        );
        if (E.isLeft(c)) assert.fail(c.left);
        return new FasterRcnn(c.right);
      };
      const vgg = detector(tinyDetector(0.0625, 2).backbone as Record<string, unknown>);
      const many = Array.from({ length: 6 }, (_, i) => sample(48, 48 + 8 * i));
      const data = { samples: many, transform: { minSize: 48, maxSize: 200 }, batchSize: 2 };
      const r = studentTrunk('auto', vgg, data, []);
      assert.equal(r.compiled, undefined);
      assert.equal(
        r.note,
        `trunk: op by op (the training images come in 6 batch shapes, more than the ${COMPILED_BATCH_SHAPES} model.compileTrunk: 'auto' compiles)`,
      );
      // Asked for, it compiles whatever the shapes.
      const forced = studentTrunk(true, vgg, data, []);
      assert.ok(forced.compiled);
      assert.match(forced.note!, COMPILED);
      forced.compiled.dispose();
      assert.deepEqual(studentTrunk(false, vgg, data, []), {
        compiled: undefined,
        note: undefined,
      });
      vgg.dispose();
      // Batch norm in training mode updates its statistics: not a graph's work.
      const bn = detector({ name: 'mobilenetv2', widthMultiplier: 0.25, outputStride: 8 });
      const one = { ...data, samples: [sample(48, 48)] };
      const auto = studentTrunk('auto', bn, one, []);
      assert.equal(auto.compiled, undefined);
      assert.match(auto.note!, /^trunk: op by op \(.*assigned variable 'backbone\/.*\)$/);
      assert.throws(
        () => studentTrunk(true, bn, one, []),
        /^Error: model\.compileTrunk: .*assigned variable/,
      );
      bn.dispose();
    });
  },
  ['wasm', 'tensorflow'],
);
