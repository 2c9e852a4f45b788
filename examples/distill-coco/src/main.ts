/**
 * The paper's MS COCO setting (Chen et al., NIPS 2017): a VGG16 Faster R-CNN teacher trained on
 * COCO train2017 guides a VGG-M student through the full objective — class-weighted soft
 * cross-entropy (background 1.5), teacher-bounded regression, and a conv5_3 → conv5 hint through a
 * 1×1 adaptation — and the student is scored on val2017 with pycocotools' AP@[.5:.95] and AP@0.5.
 *
 *   node dist/main.js --coco /data/coco [--teacher RUN_OR_CHECKPOINT]   the paper's recipe
 *   node dist/main.js                          no data: the recipe scaled down, bundled photos
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { evalDetector, presetConfig, type RunConfig, runTraining } from '@kd/cli';
import { initBackend } from '@kd/tensor-ops';

// `pnpm start -- --flag` passes the `--` through: drop it.
const argv = process.argv.slice(2);
const { values: args } = parseArgs({
  args: argv[0] === '--' ? argv.slice(1) : argv,
  options: {
    coco: { type: 'string', default: process.env.COCO_ROOT },
    teacher: { type: 'string' },
    out: { type: 'string', default: join('runs', 'example-distill-coco') },
    steps: { type: 'string', default: '30' },
  },
});

const preset = (name: string): RunConfig => {
  const r = presetConfig(name);
  if (r._tag === 'Left') throw new Error(r.left);
  return r.right;
};

/** The photos bundled with @kd/data-voc-coco-kitti's tests, with a COCO instances file. */
const FIXTURE = fileURLToPath(
  new URL('../../../packages/data-voc-coco-kitti/fixtures/photos/', import.meta.url),
);

/** The same recipe for a CPU and 4 photos: narrower networks, small heads, 128 px, a few steps. */
function scaledDown(c: RunConfig, width: number, steps: number): RunConfig {
  const d = c.model.detector as Record<string, Record<string, unknown>>;
  return {
    ...c,
    dataset: {
      format: 'coco',
      root: join(FIXTURE, 'coco'),
      trainSplit: 'photos',
      testSplit: 'photos',
      imageDir: join(FIXTURE, 'images'),
    },
    model: {
      detector: {
        ...d,
        backbone: { ...d.backbone, widthMultiplier: width },
        anchors: { baseSize: 16, ratios: [0.5, 1, 2], scales: [2, 4, 8] },
        rpn: {
          ...d.rpn,
          channels: 32,
          preNmsTopNTrain: 600,
          postNmsTopNTrain: 100,
          preNmsTopNTest: 300,
          postNmsTopNTest: 50,
        },
        roiHead: { ...d.roiHead, fcDims: [128], batchSizePerImage: 64 },
      },
      minSize: 128,
      maxSize: 192,
    },
    optim: {
      ...c.optim,
      steps,
      batchSize: 2,
      lr: 0.01,
      milestones: [Math.floor(steps * 0.75)],
      warmupSteps: 2,
      checkpointEvery: steps,
      evalEvery: steps + 1,
    },
  };
}

async function main(): Promise<void> {
  await initBackend();
  const real = args.coco !== undefined && existsSync(args.coco);
  let teacherCfg = preset('coco-vgg16-teacher');
  let studentCfg = preset('coco-vgg16-to-vggm');
  if (real) {
    const root = args.coco!;
    teacherCfg = { ...teacherCfg, dataset: { ...teacherCfg.dataset, root } };
    studentCfg = { ...studentCfg, dataset: { ...studentCfg.dataset, root } };
  } else {
    process.stderr.write(
      `${args.coco ? `${args.coco} does not exist. ` : ''}No COCO given: get it with
  mkdir coco && cd coco
  curl -LO http://images.cocodataset.org/zips/train2017.zip && unzip -q train2017.zip
  curl -LO http://images.cocodataset.org/zips/val2017.zip && unzip -q val2017.zip
  curl -LO http://images.cocodataset.org/annotations/annotations_trainval2017.zip && unzip -q annotations_trainval2017.zip
and run again with --coco coco (or COCO_ROOT=...). Now: the same recipe scaled down
on the 4 bundled photos (trained and scored on the same images: a smoke run, not a result).\n\n`,
    );
    const steps = Number(args.steps);
    teacherCfg = scaledDown(teacherCfg, 0.125, steps);
    studentCfg = scaledDown(studentCfg, 0.25, steps);
  }

  const out = args.out!;
  let teacher = args.teacher;
  if (teacher === undefined) {
    teacher = join(out, 'teacher');
    const t = await runTraining({ config: teacherCfg, runDir: teacher });
    t.model.dispose();
  }
  const studentDir = join(out, 'student');
  const s = await runTraining({
    config: { ...studentCfg, distill: { ...studentCfg.distill!, teacher } },
    runDir: studentDir,
  });
  s.model.dispose();

  for (const [name, run] of [
    ['teacher (VGG16)', teacher],
    ['distilled student (VGG-M)', studentDir],
  ] as const) {
    const r = await evalDetector({
      checkpoint: run,
      out: join(out, `results-${name.split(' ')[0]}`),
    });
    process.stdout.write(`\n== ${name} ==\n${r.text}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`distill-coco: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
