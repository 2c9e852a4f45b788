import { initBackend } from '@kd/tensor-ops';
import type { Command } from 'commander';
import * as E from 'fp-ts/lib/Either.js';
import { usageError } from '../failCommand.js';
import { numberFlag } from '../flags/numberFlag.js';
import { writeReport } from '../report/writeReport.js';

interface ReportOptions {
  readonly run?: string;
  readonly out?: string;
  readonly samples: number;
  readonly score: number;
  readonly json?: boolean;
}

/** `kd report`: one self-contained HTML page about a run or a demo/experiment folder. */
async function report(positional: string | undefined, opts: ReportOptions): Promise<void> {
  if (positional !== undefined && opts.run !== undefined)
    usageError('report', 'give the run folder once: --run DIR (or the older positional RUN_DIR)');
  const runDir = opts.run ?? positional;
  if (runDir === undefined) usageError('report', "required option '--run <dir>' not specified");
  await initBackend();
  const r = await writeReport(runDir, opts.out, {
    samples: opts.samples,
    scoreThreshold: opts.score,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  if (E.isLeft(r)) throw new Error(r.left);
  process.stdout.write(opts.json ? `${JSON.stringify({ report: r.right })}\n` : `${r.right}\n`);
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'write a self-contained HTML report (one file: inline SVG charts, PNG data URIs) of a kd train/distill run folder or a kd demo/experiment folder: configs, loss curves per component, mAP during training, per-class PR curves, a teacher / student / distilled table and sample detections; prints the path written',
    )
    .argument('[run-dir]', 'the same as --run (kept for older scripts)')
    .option(
      '--run <dir>',
      'a run folder (holds config.json) or a folder of runs (kd demo, kd experiment)',
    )
    .option('--out <file>', 'the HTML file to write (default: <run>/report.html)')
    .option(
      '--samples <n>',
      'test images shown with each model’s detections',
      numberFlag('--samples', { min: 0, integer: true }),
      4,
    )
    .option(
      '--score <t>',
      'draw detections with score ≥ t',
      numberFlag('--score', { min: 0, max: 1 }),
      0.5,
    )
    .option('--json', 'print {report: path} instead of the path')
    .addHelpText(
      'after',
      `
Every model (each run's latest checkpoint, and the distillation teacher of a demo folder) is
evaluated again on the test split, so the PR curves and the table come from the same pass.

Examples:
  kd report --run runs/demo             # after kd demo: teacher, baseline, distilled
  kd report --run runs/my-distill --out r.html`,
    )
    .action((runDir: string | undefined, opts: ReportOptions) => report(runDir, opts));
}
