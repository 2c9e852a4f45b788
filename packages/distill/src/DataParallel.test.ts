import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { prepareSample } from '@kd/data-voc-coco-kitti';
import { applyGradients, type FasterRcnn } from '@kd/faster-rcnn';
import { paperObjective } from '@kd/losses';
import { createRng, initBackend } from '@kd/tensor-ops';
import { describeEachBackend } from '@kd/tensor-ops/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import { DataParallel, dataParallelProblem } from './DataParallel.js';
import { distillGradients, distillVariables } from './distillGradients.js';
import { createStudent } from './internal/createStudent.js';
import { replicaSizes } from './internal/replicaSizes.js';
import { loadDataset } from './loadDataset.js';
import { runTraining, studentTransform } from './runTraining.js';
import { maxParameterDifference, stepLines, testRunConfig, tinyDetector } from './testing.js';
import { makeBatch } from './toDetectionBatch.js';

const dir = mkdtempSync(join(tmpdir(), 'kd-dp-'));
before(() => {
  process.env.KD_CACHE_DIR = join(dir, 'cache');
});
after(() => rmSync(dir, { recursive: true, force: true }));

const dataset = { format: 'shapes', seed: 7, trainImages: 12, testImages: 4, imageSize: 48 };
/** OS threads of this process (Linux): worker threads are among them. */
const threads = () =>
  existsSync('/proc/self/task') ? readdirSync('/proc/self/task').length : undefined;

test('replicaSizes: even or nearly, larger slices first; refuses more replicas than images', () => {
  assert.deepEqual(replicaSizes(8, 2), [4, 4]);
  assert.deepEqual(replicaSizes(8, 3), [3, 3, 2]);
  assert.deepEqual(replicaSizes(2, 1), [2]);
  assert.throws(() => replicaSizes(2, 3), /replicas 3; expected an integer in \[1, 2\]/);
});

test('dataParallelProblem refuses what cannot run, and says why', () => {
  const ok = { replicas: 2, batchSize: 4, backend: 'wasm', customLossStack: false };
  assert.equal(dataParallelProblem(ok), undefined);
  assert.equal(dataParallelProblem({ ...ok, replicas: 1, backend: 'tensorflow' }), undefined);
  assert.match(dataParallelProblem({ ...ok, replicas: 5 })!, /exceeds optim.batchSize 4/);
  assert.match(dataParallelProblem({ ...ok, replicas: 1.5 })!, /expected a positive integer/);
  assert.match(
    dataParallelProblem({ ...ok, customLossStack: true })!,
    /custom lossStack cannot be used \(functions cannot be sent to worker threads\)/,
  );
  assert.match(
    dataParallelProblem({ ...ok, backend: 'tensorflow' })!,
    /'tensorflow' backend is not supported \(native TensorFlow already computes each op on every core; two replicas measured 0\.61–0\.87× there/,
  );
  // The options that need the one replica: refused with replicas, fine without.
  assert.match(
    dataParallelProblem({ ...ok, teacherThread: true })!,
    /distill\.teacherThread: true cannot run with 2 data-parallel replicas \(each replica computes its own teacher\)/,
  );
  assert.match(
    dataParallelProblem({ ...ok, proposalThread: true })!,
    /model\.proposalThread: true cannot run with 2 data-parallel replicas \(each replica computes its own proposals\)/,
  );
  assert.equal(
    dataParallelProblem({ ...ok, teacherThread: 'auto', proposalThread: false }),
    undefined,
  );
  assert.equal(
    dataParallelProblem({ ...ok, replicas: 1, teacherThread: true, proposalThread: true }),
    undefined,
  );
});

describeEachBackend('DataParallel', () => {
  test('a 2-replica step equals the average of the two slices’ gradients computed in-process, applied by the same optimiser; workers end on close', async () => {
    const config = testRunConfig({
      dataset,
      model: { detector: tinyDetector(0.125, 4) },
      optim: { steps: 2, batchSize: 4, lr: 0.02 },
    });
    const data = await loadDataset(config.dataset);
    const transform = studentTransform(config);
    const images = await Promise.all(
      data.train.slice(0, 4).map(async (s, i) => {
        const r = await prepareSample(s, transform, i === 1);
        if (E.isLeft(r)) throw new Error(r.left);
        return r.right;
      }),
    );
    const make = () => createStudent(config, data.classNames.length, 'test');
    const threadsBefore = threads();
    const a = make();
    const optA = tf.train.momentum(0.02, 0.9);
    const rngA = createRng(9);
    const dp = await DataParallel.start({
      replicas: 2,
      config,
      classNames: data.classNames,
      sample: data.train[0]!,
      transform,
      student: a,
      distillation: undefined,
    });
    if (threadsBefore !== undefined) assert.ok(threads()! > threadsBefore, 'a worker thread runs');

    // A failed assertion must not leave the worker running (the test process would never end).
    after(() => dp.close());
    const b = make();
    const optB = tf.train.momentum(0.02, 0.9);
    const rngB = createRng(9);
    const reference = (step: number) => {
      // The seeds a step draws: one per replica, in replica order, from the run's generator.
      const seeds = [0, 1].map(() => Math.floor(rngB.next() * 2 ** 32));
      const parts = [images.slice(0, 2), images.slice(2, 4)].map((slice, r) => {
        const batch = makeBatch(slice);
        const g = distillGradients(b, batch, undefined, { rng: createRng(seeds[r]!), step });
        batch.images.dispose();
        return g;
      });
      const mean = tf.tidy(() => {
        const out: tf.NamedTensorMap = {};
        for (const name of Object.keys(parts[0]!.grads))
          out[name] = tf.div(tf.add(parts[0]!.grads[name]!, parts[1]!.grads[name]!), 2);
        return out;
      });
      const gradNorm = applyGradients(distillVariables(b, undefined), mean, { optimizer: optB });
      tf.dispose([...parts.flatMap((p) => Object.values(p.grads)), ...Object.values(mean)]);
      return { total: (parts[0]!.total + parts[1]!.total) / 2, gradNorm };
    };
    const initial = make();
    let tensors = 0;
    // Two steps: the second runs the worker at weights the first step changed.
    for (let step = 0; step < 2; step++) {
      const got = await dp.step(
        { student: images, teacher: undefined },
        { optimizer: optA, rng: rngA, step },
      );
      const want = reference(step);
      assert.ok(
        Math.abs(got.total - want.total) <= 1e-5 * want.total,
        `${got.total} vs ${want.total}`,
      );
      assert.ok(Math.abs(got.gradNorm - want.gradNorm) <= 1e-4 * want.gradNorm);
      if (step === 0) tensors = tf.memory().numTensors;
    }
    assert.equal(tf.memory().numTensors, tensors, 'tensors leaked by the second step');
    const moved = maxParameterDifference(a, initial);
    const off = maxParameterDifference(a, b);
    assert.ok(moved > 1e-3, `the steps changed the weights (${moved})`);
    assert.ok(off < 1e-5, `2 replicas vs the in-process average: weights differ by ${off}`);
    await dp.close();
    if (threadsBefore !== undefined) assert.equal(threads(), threadsBefore, 'workers ended');
    for (const m of [a, b, initial] as FasterRcnn[]) m.dispose();
    optA.dispose();
    optB.dispose();
  });
}, ['cpu', 'wasm']);

describe('DataParallel in runTraining [wasm]', () => {
  before(async () => {
    await initBackend({ backend: 'wasm' });
  });

  test('a 2-replica run stopped after 2 steps and resumed ends with the uninterrupted run’s weights', async () => {
    const before = tf.memory().numTensors;
    const threadsBefore = threads();
    const cfg = testRunConfig({
      dataset,
      model: { detector: tinyDetector(0.0625, 2) },
      optim: { steps: 4, batchSize: 3, lr: 0.01, checkpointEvery: 1 },
    });
    const full = await runTraining({ config: cfg, runDir: join(dir, 'full'), dataParallel: 2 });
    const part = await runTraining({
      config: cfg,
      runDir: join(dir, 'crash'),
      dataParallel: 2,
      stopAfterSteps: 2,
    });
    assert.equal(part.completed, false);
    part.model.dispose();
    const logs: string[] = [];
    const resumed = await runTraining({
      config: cfg,
      runDir: join(dir, 'crash'),
      dataParallel: 2,
      onLog: (l) => logs.push(l),
    });
    assert.ok(resumed.completed);
    assert.ok(
      logs.some((l) => /data parallel: 2 replicas .* batch 3 split 2 \+ 1/.test(l)),
      logs.join('\n'),
    );
    assert.equal(maxParameterDifference(resumed.model, full.model), 0);
    assert.deepEqual(
      stepLines(join(dir, 'crash')).map((l) => l.loss),
      stepLines(join(dir, 'full')).map((l) => l.loss),
    );
    assert.ok(!logs.some((l) => /data-parallel replica\(s\)/.test(l)), logs.join('\n'));
    // Resumed with another number of replicas: said, since the rest differs from an uninterrupted run.
    const other = await runTraining({
      config: cfg,
      runDir: join(dir, 'other'),
      dataParallel: 2,
      stopAfterSteps: 2,
    });
    other.model.dispose();
    const otherLogs: string[] = [];
    const switched = await runTraining({
      config: cfg,
      runDir: join(dir, 'other'),
      onLog: (l) => otherLogs.push(l),
    });
    switched.model.dispose();
    assert.ok(
      otherLogs.some((l) =>
        /its steps so far ran with 2 data-parallel replica\(s\), these run with 1: from step 3 on the numbers differ/.test(
          l,
        ),
      ),
      otherLogs.join('\n'),
    );
    // The control: one replica draws other sampling streams and normalises over the whole batch.
    const single = await runTraining({ config: cfg, runDir: join(dir, 'single') });
    assert.ok(maxParameterDifference(single.model, full.model) > 1e-6);
    for (const r of [full, resumed, single]) r.model.dispose();
    // tfjs optimisers keep two scalars after dispose() (their learning rate and momentum).
    assert.ok(
      tf.memory().numTensors - before <= 2 * 4,
      `tensors leaked by the runs: ${tf.memory().numTensors - before}`,
    );
    if (threadsBefore !== undefined) assert.equal(threads(), threadsBefore, 'workers ended');
  });

  test('distillation with 2 replicas trains (teacher at another resolution); an abort checkpoints and ends the workers', async () => {
    const teacherDir = join(dir, 'teacher');
    (
      await runTraining({
        config: testRunConfig({
          dataset,
          model: { detector: tinyDetector(0.125, 1), minSize: 64 },
          optim: { steps: 2, batchSize: 2, lr: 0.01 },
        }),
        runDir: teacherDir,
      })
    ).model.dispose();
    const threadsBefore = threads();
    const cfg = testRunConfig({
      dataset,
      model: { detector: tinyDetector(0.0625, 2) },
      optim: { steps: 20, batchSize: 2, lr: 0.01 },
      distill: {
        teacher: teacherDir,
        teacherMinSize: 64,
        hint: { teacherLayer: 'conv4_3', studentLayer: 'conv4_3' },
      },
    });
    const stop = new AbortController();
    const run = join(dir, 'distilled');
    const r = await runTraining({
      config: cfg,
      runDir: run,
      dataParallel: 2,
      signal: stop.signal,
      onStep: (s) => {
        if (s.step === 2) stop.abort();
      },
    });
    r.model.dispose();
    assert.equal(r.completed, false);
    assert.equal(readFileSync(join(run, 'checkpoints', 'LATEST'), 'utf8').trim(), 'ckpt-000002');
    const lines = stepLines(run);
    assert.equal(lines.length, 2);
    for (const l of lines) {
      assert.ok(
        Object.values(l).every((v) => Number.isFinite(v)),
        JSON.stringify(l),
      );
      for (const term of ['rpn_kd_cls', 'rcn_kd_cls', 'rpn_kd_reg', 'rcn_kd_reg', 'hint'])
        assert.ok(term in l, `${term} in ${Object.keys(l)}`);
      assert.ok(l.hint! > 0 && l.rcn_kd_cls! > 0, JSON.stringify(l));
    }
    if (threadsBefore !== undefined) assert.equal(threads(), threadsBefore, 'workers ended');
  });

  test('a pretrained MobileNetV2 (batch norm; the worker’s weights count as loaded) trains with 2 replicas', async () => {
    const cfg = testRunConfig({
      dataset,
      model: {
        detector: {
          ...tinyDetector(1, 3),
          backbone: { name: 'mobilenetv2', pretrained: 'nsfwjs' },
          input: { mean: [127.5, 127.5, 127.5], std: [127.5, 127.5, 127.5] },
        },
      },
      optim: { steps: 2, batchSize: 2, lr: 1e-3 },
    });
    const r = await runTraining({ config: cfg, runDir: join(dir, 'bn'), dataParallel: 2 });
    assert.ok(r.completed);
    const lines = stepLines(join(dir, 'bn'));
    assert.equal(lines.length, 2);
    assert.ok(lines.every((l) => Number.isFinite(l.loss) && l.loss! > 0));
    r.model.dispose();
  });

  test('a custom loss stack and more replicas than images are refused before the run folder is touched', async () => {
    const cfg = testRunConfig({
      dataset,
      model: { detector: tinyDetector(0.0625, 2) },
      optim: { steps: 2, batchSize: 2, lr: 0.01 },
    });
    const run = join(dir, 'refused');
    await assert.rejects(
      runTraining({ config: cfg, runDir: run, dataParallel: 3 }),
      /dataParallel 3 exceeds optim.batchSize 2/,
    );
    await assert.rejects(
      runTraining({ config: cfg, runDir: run, dataParallel: 2, lossStack: paperObjective() }),
      /custom lossStack cannot be used/,
    );
    assert.equal(existsSync(run), false);
  });

  test('a worker that cannot build its replica fails the start with its message, and ends', async () => {
    const threadsBefore = threads();
    const config = testRunConfig({
      dataset,
      model: { detector: tinyDetector(0.0625, 2) },
      optim: { steps: 1, batchSize: 2, lr: 0.01 },
      distill: { teacher: join(dir, 'no-such-teacher') },
    });
    const data = await loadDataset(config.dataset);
    const student = createStudent(config, data.classNames.length, 'test');
    // The main thread's distillation is left out, so that only the worker meets the missing teacher.
    await assert.rejects(
      DataParallel.start({
        replicas: 2,
        config,
        classNames: data.classNames,
        sample: data.train[0]!,
        transform: studentTransform(config),
        student,
        distillation: undefined,
      }),
      /^Error: data-parallel replica 1: .*no-such-teacher/,
    );
    student.dispose();
    if (threadsBefore !== undefined) assert.equal(threads(), threadsBefore, 'worker ended');
  });
});
