import { initBackend } from '@kd/tensor-ops';
import type { Command } from 'commander';
import * as E from 'fp-ts/lib/Either.js';
import { writeReport } from '../report/writeReport.js';

interface ReportOptions {
  readonly out?: string;
  readonly samples: string;
  readonly score: string;
}

/** `kd report`: one self-contained HTML page about a run or a demo/experiment folder. */
async function report(runDir: string, opts: ReportOptions): Promise<void> {
  const samples = Number(opts.samples);
  const score = Number(opts.score);
  if (!Number.isInteger(samples) || samples < 0)
    throw new Error(`--samples: expected a non-negative integer, got ${opts.samples}`);
  if (!(score >= 0 && score <= 1)) throw new Error(`--score: expected 0…1, got ${opts.score}`);
  await initBackend();
  const r = await writeReport(runDir, opts.out, {
    samples,
    scoreThreshold: score,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  if (E.isLeft(r)) throw new Error(r.left);
  process.stdout.write(`${r.right}\n`);
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'write a self-contained HTML report (one file: inline SVG charts, PNG data URIs) of a kd train/distill run folder or a kd demo/experiment folder: configs, loss curves per component, mAP during training, per-class PR curves, a teacher / student / distilled table and sample detections; prints the path written',
    )
    .argument(
      '<run-dir>',
      'a run folder (holds config.json) or a folder of runs (kd demo, kd experiment)',
    )
    .option('--out <file>', 'the HTML file to write (default: <run-dir>/report.html)')
    .option('--samples <n>', 'test images shown with each model’s detections', '4')
    .option('--score <t>', 'draw detections with score ≥ t', '0.5')
    .addHelpText(
      'after',
      `
Every model (each run's latest checkpoint, and the distillation teacher of a demo folder) is
evaluated again on the test split, so the PR curves and the table come from the same pass.

Examples:
  kd report runs/demo                   # after kd demo: teacher, baseline, distilled
  kd report runs/my-distill --out r.html`,
    )
    .action((runDir: string, opts: ReportOptions) => report(runDir, opts));
}
