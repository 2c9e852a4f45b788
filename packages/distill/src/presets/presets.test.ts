import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { decodeFasterRcnnConfig, FasterRcnn, fasterRcnnConfig } from '@kd/faster-rcnn';
import { decodePaperObjectiveConfig } from '@kd/losses';
import { boxIou, initBackend } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import { runTraining, studentTransform } from '../runTraining.js';
import { PRESET_NAMES, presetConfig, presetDescription } from './presets.js';

/** The repository root, from `packages/distill/dist/presets/`. */
const repoRoot = () => fileURLToPath(new URL('../../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kd-presets-'));
before(async () => {
  process.env.KD_CACHE_DIR = join(dir, 'cache');
  await initBackend({ backend: 'wasm' });
});
after(() => rmSync(dir, { recursive: true, force: true }));

const get = (name: string) => {
  const r = presetConfig(name);
  if (E.isLeft(r)) throw new Error(r.left);
  return r.right;
};

const PAPER = [
  'voc07-vgg16-to-alexnet',
  'kitti-vgg16-to-alexnet',
  'coco-vgg16-to-vggm',
  'voc07-hires-vgg16-to-lowres-vgg16',
];

/** A preset's detector (6 classes, the shapes dataset's). */
const buildDetector = (detector: object) =>
  new FasterRcnn(fasterRcnnConfig({ ...detector, numClasses: 6 }));

/** The output stride of a backbone layer. */
const layerStride = (m: FasterRcnn, layer: string) =>
  m.backbone.layers.find((l) => l.name === layer)!.stride;

/** For each (scaled) student anchor, the teacher anchor of highest IoU and that IoU. */
function bestTeacherAnchors(student: Float32Array, teacher: Float32Array) {
  return tf.tidy(() => {
    const iou = boxIou(
      tf.tensor2d(student, [student.length / 4, 4]),
      tf.tensor2d(teacher, [teacher.length / 4, 4]),
    );
    return { best: tf.argMax(iou, 1).dataSync(), bestIou: tf.max(iou, 1).dataSync() };
  });
}

describe('presets', () => {
  test('every preset decodes with the run-config codec, its detector and objective with theirs', () => {
    for (const name of PRESET_NAMES) {
      const c = get(name);
      assert.ok(presetDescription(name), name);
      const det = decodeFasterRcnnConfig({ ...c.model.detector, numClasses: 3 }, name);
      assert.ok(E.isRight(det), E.isLeft(det) ? det.left : '');
      if (c.distill?.objective) {
        const o = decodePaperObjectiveConfig(c.distill.objective, name, 'distill.objective');
        assert.ok(E.isRight(o), name);
      }
    }
    for (const name of [...PAPER, 'shapes-hires'])
      assert.ok(PRESET_NAMES.includes(name), `${name} missing`);
  });

  test("shapes-teacher-pretrained-160 is the second stage: it starts from the first stage's default run folder", () => {
    const first = get('shapes-teacher-pretrained');
    const second = get('shapes-teacher-pretrained-160');
    // `kd train --preset NAME` writes to runs/NAME by default.
    assert.equal(second.model.init, `runs/${first.name}`);
    assert.deepEqual(second.model.detector, first.model.detector);
    assert.deepEqual([second.model.minSize, second.model.maxSize], [160, 267]);
    assert.equal(first.model.init, undefined);
  });

  test("shapes-teacher-pretrained-192 is the third stage: it starts from the second stage's default run folder", () => {
    const second = get('shapes-teacher-pretrained-160');
    const third = get('shapes-teacher-pretrained-192');
    assert.equal(third.model.init, `runs/${second.name}`);
    assert.deepEqual(third.model.detector, second.model.detector);
    assert.deepEqual([third.model.minSize, third.model.maxSize], [192, 320]);
  });

  test("shapes-teacher-pretrained-256 is the fourth stage: the third stage's run folder, twice the student's input, anchors doubled", () => {
    const third = get('shapes-teacher-pretrained-192');
    const fourth = get('shapes-teacher-pretrained-256');
    assert.equal(fourth.model.init, `runs/${third.name}`);
    type WithAnchors = { anchors: { baseSize: number } };
    const { anchors, ...rest } = fourth.model.detector as WithAnchors;
    const { anchors: thirdAnchors, ...thirdRest } = third.model.detector as WithAnchors;
    assert.deepEqual(rest, thirdRest);
    assert.deepEqual(anchors, { ...thirdAnchors, baseSize: 2 * thirdAnchors.baseSize });
    assert.deepEqual([fourth.model.minSize, fourth.model.maxSize], [256, 427]);
  });

  test("the paper presets carry the paper's settings", () => {
    for (const name of PAPER) {
      const c = get(name);
      const d = c.distill!;
      assert.deepEqual(d.objective, {
        mu: 0.5,
        temperature: 1,
        backgroundWeight: 1.5,
        lambda: 1,
        nu: 0.5,
        margin: 0,
        gamma: 0.5,
      });
      assert.equal(d.hint!.teacherLayer, 'conv5_3');
      assert.equal(d.hint!.adaptation, 'conv1x1');
      assert.ok(c.dataset.root, `${name}: needs the user's dataset root`);
      const det = c.model.detector as { roiHead: { batchSizePerImage: number } };
      assert.equal(det.roiHead.batchSizePerImage, 128);
    }
    assert.equal(get('voc07-vgg16-to-alexnet').distill!.hint!.studentLayer, 'conv5');
    assert.equal(get('coco-vgg16-to-vggm').distill!.hint!.studentLayer, 'conv5');
    const hires = get('voc07-hires-vgg16-to-lowres-vgg16');
    assert.equal(hires.model.minSize, 344);
    assert.equal(hires.distill!.teacherMinSize, 688);
    assert.equal(get('voc07-hires-vgg16-teacher').model.minSize, 688);
  });

  test('an unknown name is an error listing the presets', () => {
    const r = presetConfig('voc-alexnet');
    assert.ok(E.isLeft(r));
    assert.match(r.left, /unknown preset 'voc-alexnet'/);
    for (const n of PRESET_NAMES) assert.ok(r.left.includes(n));
  });

  test('shapes-hires trains: the 128 px teacher guides the 64 px student, hint upsampled', async () => {
    const base = get('shapes-hires');
    const teacher = join(repoRoot(), 'models', 'shapes-teacher');
    const before = tf.memory().numTensors;
    const r = await runTraining({
      config: {
        ...base,
        dataset: { format: 'shapes', seed: 11, trainImages: 6, testImages: 2 },
        optim: { ...base.optim, steps: 2, batchSize: 2 },
        distill: { ...base.distill!, teacher },
      },
      runDir: join(dir, 'hires'),
    });
    r.model.dispose();
    // tfjs optimisers keep up to two scalars after dispose() (learning rate, momentum).
    assert.ok(tf.memory().numTensors - before <= 2, `leaked ${tf.memory().numTensors - before}`);
    const steps = readFileSync(join(dir, 'hires', 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, number>)
      .filter((l) => l.loss !== undefined);
    assert.equal(steps.length, 2);
    for (const s of steps)
      for (const k of ['hint', 'rpn_kd_cls', 'rcn_kd_cls', 'rpn_kd_reg', 'rcn_kd_reg'])
        assert.ok(Number.isFinite(s[k]) && s[k]! >= 0, `${k} = ${s[k]}`);
  });

  test("shapes-hires-pretrained-80: the 80 px student has the 160 px teacher's hint map size and anchors", () => {
    const distilled = get('shapes-hires-pretrained-80');
    const teacherStage = get('shapes-teacher-pretrained-160');
    const student = buildDetector(distilled.model.detector);
    const teacher = buildDetector(teacherStage.model.detector);
    const hint = distilled.distill!.hint!;
    const sMin = distilled.model.minSize!;
    const tMin = teacherStage.model.minSize!;
    // Half the teacher's input at half its stride: the same 20×20 map, no resampling of the hint.
    assert.equal(distilled.distill!.teacherMinSize, 2 * sMin);
    assert.equal(distilled.distill!.teacherMinSize, tMin);
    assert.equal(sMin / layerStride(student, hint.studentLayer), 20);
    assert.equal(tMin / layerStride(teacher, hint.teacherLayer), 20);
    assert.equal(student.stride, teacher.stride / 2);
    // Each student anchor scaled to the teacher's input lies on the teacher's anchor of the same
    // cell and shape (what the RPN soft targets are read from): the middle 4×4 cells checked
    // against every teacher anchor.
    const k = 9;
    const sAnchors = student.anchors(20, 20);
    const tAnchors = teacher.anchors(20, 20);
    const rows = [8, 9, 10, 11].flatMap((y) => [8, 9, 10, 11].map((x) => y * 20 + x));
    const scaled = Float32Array.from(
      rows.flatMap((cell) => [...sAnchors.subarray(cell * k * 4, (cell + 1) * k * 4)]),
      (v) => 2 * v,
    );
    const { best, bestIou } = bestTeacherAnchors(scaled, tAnchors);
    rows.forEach((cell, r) => {
      for (let a = 0; a < k; a++) {
        assert.equal(best[r * k + a], cell * k + a, `cell ${cell} anchor ${a}`);
        assert.ok(
          bestIou[r * k + a]! >= 0.8,
          `cell ${cell} anchor ${a}: IoU ${bestIou[r * k + a]}`,
        );
      }
    });
    student.dispose();
    teacher.dispose();
  });

  test("shapes-distill-pretrained: the teacher at twice the student's input, every student anchor on a teacher anchor of its shape", () => {
    const distilled = get('shapes-distill-pretrained');
    const teacherStage = get('shapes-teacher-pretrained-256');
    const student = buildDetector(distilled.model.detector);
    const teacher = buildDetector(teacherStage.model.detector);
    const hint = distilled.distill!.hint!;
    const sMin = studentTransform(distilled).minSize;
    assert.equal(distilled.distill!.teacher, 'models/shapes-teacher-pretrained-256');
    assert.equal(distilled.distill!.teacherMinSize, teacherStage.model.minSize);
    assert.equal(distilled.distill!.teacherMinSize, 2 * sMin);
    // Hint maps 16×16 (student) and 32×32 (teacher): the student's is upsampled exactly ×2.
    assert.equal(sMin / layerStride(student, hint.studentLayer), 16);
    assert.equal((2 * sMin) / layerStride(teacher, hint.teacherLayer), 32);
    assert.equal(student.stride, teacher.stride);
    // Each student anchor scaled ×2 lies on the teacher's anchor of the same shape at cell
    // (2y, 2x), which is where forwardOnRows reads its RPN soft targets from.
    const k = 9;
    const sAnchors = student.anchors(16, 16);
    const tAnchors = teacher.anchors(32, 32);
    const cells = [6, 7, 8, 9].flatMap((y) => [6, 7, 8, 9].map((x) => [y, x] as const));
    const scaled = Float32Array.from(
      cells.flatMap(([y, x]) => {
        const cell = y * 16 + x;
        return [...sAnchors.subarray(cell * k * 4, (cell + 1) * k * 4)];
      }),
      (v) => 2 * v,
    );
    const { best, bestIou } = bestTeacherAnchors(scaled, tAnchors);
    cells.forEach(([y, x], r) => {
      for (let a = 0; a < k; a++) {
        assert.equal(best[r * k + a], (2 * y * 32 + 2 * x) * k + a, `cell ${y},${x} anchor ${a}`);
        assert.ok(
          bestIou[r * k + a]! >= 0.8,
          `cell ${y},${x} anchor ${a}: IoU ${bestIou[r * k + a]}`,
        );
      }
    });
    student.dispose();
    teacher.dispose();
  });

  test('shapes-hires-pretrained-80 trains: the 160 px teacher guides the stride-4 student at 80 px', async () => {
    const base = get('shapes-hires-pretrained-80');
    const before = tf.memory().numTensors;
    const r = await runTraining({
      config: {
        ...base,
        dataset: { format: 'shapes', seed: 11, trainImages: 4, testImages: 2 },
        optim: { ...base.optim, steps: 2, batchSize: 2 },
        distill: { ...base.distill!, teacher: join(repoRoot(), base.distill!.teacher) },
      },
      runDir: join(dir, 'hires-80'),
    });
    r.model.dispose();
    assert.ok(tf.memory().numTensors - before <= 2, `leaked ${tf.memory().numTensors - before}`);
    const steps = readFileSync(join(dir, 'hires-80', 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, number>)
      .filter((l) => l.loss !== undefined);
    assert.equal(steps.length, 2);
    for (const s of steps)
      for (const k of ['hint', 'rpn_kd_cls', 'rcn_kd_cls', 'rpn_kd_reg', 'rcn_kd_reg'])
        assert.ok(Number.isFinite(s[k]) && s[k]! >= 0, `${k} = ${s[k]}`);
  });

  test('hints on images of different sizes (the photo fixture: 160×160 and 240×160)', async () => {
    const photos = join(repoRoot(), 'packages', 'data-voc-coco-kitti', 'fixtures', 'photos', 'voc');
    const detector = {
      backbone: { name: 'vgg16', widthMultiplier: 0.0625, outputStride: 8 },
      anchors: { baseSize: 8, ratios: [1], scales: [2, 4, 8] },
      rpn: { channels: 8, batchSizePerImage: 32 },
      roiHead: { fcDims: [16], batchSizePerImage: 16 },
      seed: 1,
    };
    const dataset = {
      format: 'voc' as const,
      root: photos,
      trainSplit: 'photos',
      testSplit: 'photos',
      classes: ['person', 'cat', 'cup', 'rocket'],
    };
    const model = { detector, minSize: 96, maxSize: 144 };
    const t = await runTraining({
      config: { dataset, model, optim: { steps: 1, batchSize: 1, lr: 0.01 } },
      runDir: join(dir, 'photo-teacher'),
    });
    t.model.dispose();
    const before = tf.memory().numTensors;
    // Batch size 1 and a 4-image epoch: batches of 96×96 and 96×144 inputs meet one pairing.
    const s = await runTraining({
      config: {
        dataset,
        model: { ...model, detector: { ...detector, seed: 2 } },
        optim: { steps: 4, batchSize: 1, lr: 0.01, flip: false },
        distill: {
          teacher: join(dir, 'photo-teacher'),
          hint: { teacherLayer: 'conv5_3', studentLayer: 'conv5_3' },
        },
      },
      runDir: join(dir, 'photo-student'),
    });
    s.model.dispose();
    // tfjs optimisers keep up to two scalars after dispose() (learning rate, momentum).
    assert.ok(tf.memory().numTensors - before <= 2, `leaked ${tf.memory().numTensors - before}`);
    assert.equal(s.steps, 4);
  });
});
