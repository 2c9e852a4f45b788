/**
 * The paper's second setting (Chen et al., NIPS 2017): one architecture, two resolutions. A
 * teacher that sees the images at full size guides a student that sees them at half size (2× to
 * 4× cheaper); the student's hint map is then half the teacher's, so the 1×1 adaptation is
 * followed by a ×2 bilinear upsampling, and the teacher's RPN and RCN run on the student's anchors
 * and RoIs scaled ×2. A low-resolution baseline trained without the teacher is the comparison.
 *
 *   node dist/main.js --voc /data/VOCdevkit/VOC2007 [--teacher RUN]   VGG16, 688 px → 344 px (paper)
 *   node dist/main.js                       embedded shapes dataset: shipped teacher 128 px → 64 px
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type DistillAndEvaluateOptions,
  distillAndEvaluate,
  type EvaluatedRun,
  requirePreset as preset,
  type RunConfig,
} from '@kd/distill';
import { exampleFlags, runExample } from '@kd/example-shared';
import { initBackend } from '@kd/tensor-ops';

const flags = exampleFlags({
  data: 'voc',
  env: 'VOC_ROOT',
  out: join('runs', 'example-hires-teacher-lowres-student'),
});

runExample('hires-teacher-lowres-student', async () => {
  await initBackend();
  const out = flags.out;
  const results = (name: string) => join(out, `results-${name}`);
  let teacher: DistillAndEvaluateOptions['teacher'];
  let baselineCfg: RunConfig;
  let distillCfg: RunConfig;
  if (flags.root !== undefined && existsSync(flags.root)) {
    const dataset = { ...preset('voc07-hires-vgg16-teacher').dataset, root: flags.root };
    teacher =
      flags.teacher === undefined
        ? {
            config: { ...preset('voc07-hires-vgg16-teacher'), dataset },
            runDir: join(out, 'teacher-688px'),
            resultsDir: results('teacher'),
          }
        : { checkpoint: flags.teacher, resultsDir: results('teacher') };
    distillCfg = { ...preset('voc07-hires-vgg16-to-lowres-vgg16'), dataset };
    // The baseline: the same student config without the teacher.
    const { distill: _, ...plain } = distillCfg;
    baselineCfg = { ...plain, name: 'voc07-lowres-vgg16' };
  } else {
    process.stderr.write(
      `${flags.root ? `${flags.root} does not exist. ` : ''}No VOC2007 given (see this example's README to get it and run the paper's 688 px → 344 px VGG16 pair).
Now: the CPU-sized pair on a small sample of the embedded shapes dataset: the shipped teacher at
128 px guides the same architecture at 64 px, ${flags.steps} steps (a smoke run; the presets train 600).\n\n`,
    );
    const small = { format: 'shapes' as const, seed: 7, trainImages: 64, testImages: 32 };
    const budget = (c: RunConfig): RunConfig => ({
      ...c,
      dataset: small,
      optim: { ...c.optim, steps: flags.steps, batchSize: 4 },
    });
    teacher = {
      checkpoint:
        flags.teacher ?? fileURLToPath(new URL('../../../models/shapes-teacher', import.meta.url)),
      resultsDir: results('teacher'),
      evalConfig: { ...preset('shapes-teacher'), dataset: small },
    };
    baselineCfg = budget(preset('shapes-lowres-student'));
    distillCfg = budget(preset('shapes-hires'));
  }

  const r = await distillAndEvaluate({
    teacher,
    baseline: {
      config: baselineCfg,
      runDir: join(out, 'lowres-baseline'),
      resultsDir: results('student-baseline'),
    },
    student: {
      config: distillCfg,
      runDir: join(out, 'lowres-distilled'),
      resultsDir: results('student-distilled'),
    },
    hooks: () => ({ onLog: (line) => process.stderr.write(`${line}\n`) }),
  });
  const row = (name: string, run: EvaluatedRun) => {
    const voc = run.evaluation.summary.metrics.voc as { mAP: number };
    return `${name.padEnd(34)} ${(100 * voc.mAP).toFixed(1).padStart(5)}`;
  };
  const rows = [
    row('teacher, high resolution', r.teacher),
    row('student baseline, low resolution', r.baseline!),
    row('student distilled, low resolution', r.student),
  ];
  process.stdout.write(
    `\n${'model'.padEnd(34)} mAP@0.5 (VOC07 11-point)\n${rows.join('\n')}\n\nruns and results files in ${out}\n`,
  );
});
