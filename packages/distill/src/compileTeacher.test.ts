import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SHAPE_CLASSES } from '@kd/data-voc-coco-kitti';
import { decodeFasterRcnnConfig, FasterRcnn, saveCheckpoint } from '@kd/faster-rcnn';
import { describeEachBackend } from '@kd/tensor-ops/testing';
import * as E from 'fp-ts/lib/Either.js';
import { runTraining, type StepRecord } from './runTraining.js';
import { testRunConfig, tinyDetector } from './testing.js';

const dir = mkdtempSync(join(tmpdir(), 'kd-compile-teacher-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const dataset = { format: 'shapes', seed: 7, trainImages: 4, testImages: 2, imageSize: 48 };

async function teacherCheckpoint(name: string): Promise<string> {
  const cfg = decodeFasterRcnnConfig(
    { ...tinyDetector(0.125, 1), numClasses: SHAPE_CLASSES.length },
    'test',
  );
  if (E.isLeft(cfg)) assert.fail(cfg.left);
  const teacher = new FasterRcnn(cfg.right);
  const out = join(dir, name);
  await saveCheckpoint(teacher, out, {
    step: 1,
    rngState: 1,
    extra: { config: {}, classNames: [...SHAPE_CLASSES], minSize: 48, maxSize: 48 },
  });
  teacher.dispose();
  return out;
}

const run = (
  teacher: string,
  compileTeacher: boolean,
  steps = 3,
  teacherThread: boolean | 'auto' = 'auto',
) =>
  testRunConfig({
    dataset,
    model: { detector: tinyDetector(0.0625, 2) },
    optim: { steps, batchSize: 2, lr: 0.01, checkpointEvery: 1 },
    distill: {
      teacher,
      compileTeacher,
      teacherThread,
      hint: { teacherLayer: 'conv4_3', studentLayer: 'conv4_3' },
    },
  });

describeEachBackend(
  'distill.compileTeacher',
  (backend) => {
    test(
      backend === 'tensorflow'
        ? 'the compiled teacher gives the op-by-op teacher’s losses, step by step'
        : 'is an error before training off the native backend',
      async () => {
        const teacher = await teacherCheckpoint(`teacher-${backend}`);
        if (backend !== 'tensorflow') {
          await assert.rejects(
            runTraining({ config: run(teacher, true), runDir: join(dir, `s-${backend}`) }),
            /distill\.compileTeacher: compiling a detector needs the native tensorflow backend/,
          );
          return;
        }
        const records: Record<string, StepRecord[]> = { eager: [], compiled: [], thread: [] };
        const logs: Record<string, string[]> = { eager: [], compiled: [], thread: [] };
        for (const [key, compile, thread] of [
          ['eager', false, 'auto'],
          ['compiled', true, false],
          ['thread', true, 'auto'],
        ] as const) {
          const r = await runTraining({
            config: run(teacher, compile, 3, thread),
            runDir: join(dir, key),
            onStep: (r) => records[key]!.push(r),
            onLog: (line) => logs[key]!.push(line),
          });
          r.model.dispose();
        }
        const said = (key: string, what: RegExp) => logs[key]!.some((l) => what.test(l));
        const compiledLine =
          /^teacher: backbone and RPN head compiled into native TensorFlow graphs/;
        const threadLine = /compiled trunk runs on a worker thread, one step ahead/;
        assert.deepEqual(
          ['eager', 'compiled', 'thread'].map((k) => [said(k, compiledLine), said(k, threadLine)]),
          [
            [false, false],
            [true, false],
            [true, true],
          ],
        );
        // The thread runs the same graphs in the same process: the same numbers, to the bit.
        assert.deepEqual(
          records.thread!.map(({ ms: _, ...r }) => r),
          records.compiled!.map(({ ms: _, ...r }) => r),
        );
        assert.equal(records.compiled!.length, 3);
        records.compiled!.forEach((c, i) => {
          const e = records.eager![i]!;
          assert.deepEqual(Object.keys(c.losses).sort(), Object.keys(e.losses).sort());
          for (const [k, v] of Object.entries(e.losses))
            assert.ok(
              Math.abs(c.losses[k]! - v) <= 1e-4 * Math.max(1, Math.abs(v)),
              `step ${i + 1} ${k}: ${c.losses[k]} vs ${v}`,
            );
        });
      },
    );
  },
  ['wasm', 'tensorflow'],
);

describeEachBackend('distill.teacherThread, op by op', () => {
  test('true with data-parallel replicas is an error before training, saying why', async () => {
    const teacher = await teacherCheckpoint('teacher-thread-refused');
    await assert.rejects(
      runTraining({
        config: run(teacher, false, 3, true),
        runDir: join(dir, 'thread-refused'),
        dataParallel: 2,
      }),
      /distill\.teacherThread: true cannot run with 2 data-parallel replicas \(each replica computes its own teacher\)/,
    );
  });

  test('the op-by-op teacher on a thread: the in-step losses up to float32 rounding; stopped and resumed, the uninterrupted run', async () => {
    const teacher = await teacherCheckpoint('teacher-thread-wasm');
    const lossesOf = (records: StepRecord[]) => records.map(({ ms: _, ...r }) => r);
    const inStep: StepRecord[] = [];
    const a = await runTraining({
      config: run(teacher, false, 4, false),
      runDir: join(dir, 'wasm-in-step'),
      onStep: (r) => inStep.push(r),
    });
    a.model.dispose();
    const full: StepRecord[] = [];
    const logs: string[] = [];
    const whole = await runTraining({
      config: run(teacher, false, 4, true),
      runDir: join(dir, 'wasm-thread'),
      onStep: (r) => full.push(r),
      onLog: (l) => logs.push(l),
    });
    assert.ok(
      logs.some((l) => /teacher: its trunk runs on a worker thread/.test(l)),
      logs.join('\n'),
    );
    assert.equal(full.length, 4);
    full.forEach((r, i) => {
      const e = inStep[i]!;
      for (const [k, v] of Object.entries(e.losses))
        assert.ok(
          Math.abs(r.losses[k]! - v) <= 1e-4 * Math.max(1, Math.abs(v)),
          `step ${i + 1} ${k}: ${r.losses[k]} vs ${v}`,
        );
    });
    const split: StepRecord[] = [];
    const part = await runTraining({
      config: run(teacher, false, 4, true),
      runDir: join(dir, 'wasm-thread-split'),
      stopAfterSteps: 2,
      onStep: (r) => split.push(r),
    });
    part.model.dispose();
    const rest = await runTraining({
      config: run(teacher, false, 4, true),
      runDir: join(dir, 'wasm-thread-split'),
      onStep: (r) => split.push(r),
    });
    assert.deepEqual(lossesOf(split), lossesOf(full));
    assert.deepEqual(rest.scores, whole.scores);
    whole.model.dispose();
    rest.model.dispose();
  });
}, ['wasm']);

describeEachBackend('distill.compileTeacher, resumed', () => {
  // The demo's preset compiles its teacher (on a teacher thread): a run stopped mid-way (Ctrl-C,
  // kill) must resume to the uninterrupted run's result with the graphs rebuilt.
  test('a compiled-teacher run stopped after 2 of 4 steps resumes to the uninterrupted result', async () => {
    const teacher = await teacherCheckpoint('teacher-resume');
    const cfg = run(teacher, true, 4);
    const lossesOf = (records: StepRecord[]) => records.map((r) => r.loss);
    const full: StepRecord[] = [];
    const whole = await runTraining({
      config: cfg,
      runDir: join(dir, 'resume-full'),
      onStep: (r) => full.push(r),
    });
    const split: StepRecord[] = [];
    const part = await runTraining({
      config: cfg,
      runDir: join(dir, 'resume-split'),
      stopAfterSteps: 2,
      onStep: (r) => split.push(r),
    });
    assert.equal(part.completed, false);
    part.model.dispose();
    const rest = await runTraining({
      config: cfg,
      runDir: join(dir, 'resume-split'),
      onStep: (r) => split.push(r),
    });
    assert.ok(rest.completed);
    assert.deepEqual(
      split.map((r) => r.step),
      [1, 2, 3, 4],
    );
    assert.deepEqual(lossesOf(split), lossesOf(full));
    assert.deepEqual(rest.scores, whole.scores);
    whole.model.dispose();
    rest.model.dispose();
  });
}, ['tensorflow']);
