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
import { parseArgs } from 'node:util';
import { evalDetector, presetConfig, type RunConfig, runTraining } from '@kd/cli';
import { initBackend } from '@kd/tensor-ops';

// `pnpm start -- --flag` passes the `--` through: drop it.
const argv = process.argv.slice(2);
const { values: args } = parseArgs({
  args: argv[0] === '--' ? argv.slice(1) : argv,
  options: {
    voc: { type: 'string', default: process.env.VOC_ROOT },
    teacher: { type: 'string' },
    out: { type: 'string', default: join('runs', 'example-hires-teacher-lowres-student') },
    steps: { type: 'string', default: '30' },
  },
});

const preset = (name: string): RunConfig => {
  const r = presetConfig(name);
  if (r._tag === 'Left') throw new Error(r.left);
  return r.right;
};

async function main(): Promise<void> {
  await initBackend();
  const out = args.out!;
  const real = args.voc !== undefined && existsSync(args.voc);
  let teacher = args.teacher;
  let baselineCfg: RunConfig;
  let distillCfg: RunConfig;
  let teacherEvalCfg: RunConfig | undefined;
  if (real) {
    const dataset = { ...preset('voc07-hires-vgg16-teacher').dataset, root: args.voc! };
    if (teacher === undefined) {
      teacher = join(out, 'teacher-688px');
      const t = await runTraining({
        config: { ...preset('voc07-hires-vgg16-teacher'), dataset },
        runDir: teacher,
      });
      t.model.dispose();
    }
    distillCfg = { ...preset('voc07-hires-vgg16-to-lowres-vgg16'), dataset };
    // The baseline: the same student config without the teacher.
    const { distill: _, ...plain } = distillCfg;
    baselineCfg = { ...plain, name: 'voc07-lowres-vgg16' };
  } else {
    process.stderr.write(
      `${args.voc ? `${args.voc} does not exist. ` : ''}No VOC2007 given (see this example's README to get it and run the paper's 688 px → 344 px VGG16 pair).
Now: the CPU-sized pair on a small sample of the embedded shapes dataset: the shipped teacher at
128 px guides the same architecture at 64 px, ${args.steps} steps (a smoke run; the presets train 600).\n\n`,
    );
    teacher ??= fileURLToPath(new URL('../../../models/shapes-teacher', import.meta.url));
    const small = { format: 'shapes' as const, seed: 7, trainImages: 64, testImages: 32 };
    const budget = (c: RunConfig): RunConfig => ({
      ...c,
      dataset: small,
      optim: { ...c.optim, steps: Number(args.steps), batchSize: 4 },
    });
    baselineCfg = budget(preset('shapes-lowres-student'));
    distillCfg = budget(preset('shapes-hires'));
    teacherEvalCfg = { ...preset('shapes-teacher'), dataset: small };
  }

  const baselineDir = join(out, 'lowres-baseline');
  const b = await runTraining({ config: baselineCfg, runDir: baselineDir });
  b.model.dispose();
  const distilledDir = join(out, 'lowres-distilled');
  const d = await runTraining({
    config: { ...distillCfg, distill: { ...distillCfg.distill!, teacher } },
    runDir: distilledDir,
  });
  d.model.dispose();

  const rows: string[] = [];
  for (const [name, run, cfg] of [
    ['teacher, high resolution', teacher, teacherEvalCfg],
    ['student baseline, low resolution', baselineDir, undefined],
    ['student distilled, low resolution', distilledDir, undefined],
  ] as const) {
    const r = await evalDetector({
      checkpoint: run,
      ...(cfg ? { config: cfg } : {}),
      out: join(out, `results-${name.split(',')[0]!.replace(/ /g, '-')}`),
      quiet: true,
    });
    const voc = r.summary.metrics.voc as { mAP: number };
    rows.push(`${name.padEnd(34)} ${(100 * voc.mAP).toFixed(1).padStart(5)}`);
  }
  process.stdout.write(
    `\n${'model'.padEnd(34)} mAP@0.5 (VOC07 11-point)\n${rows.join('\n')}\n\nruns and results files in ${out}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(
    `hires-teacher-lowres-student: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exitCode = 1;
});
