import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_STUDENT_PAIR,
  loadDataset,
  prepareSplit,
  requirePreset,
  runTraining,
  STUDENT_PAIR_NAMES,
  studentPair,
  studentTransform,
  withTeacher,
} from '@kd/distill';
import { type AblationRow, ablationRows, decodePaperObjectiveConfig } from '@kd/losses';
import type { Command } from 'commander';
import * as E from 'fp-ts/lib/Either.js';
import { usageError } from '../failCommand.js';
import { DATA_PARALLEL_OPTION, dataParallelRuns } from '../flags/dataParallelFlag.js';
import { formatTable } from '../format/formatTable.js';
import { printedHooks } from '../pipeline/printedHooks.js';
import { startTrainingBackend } from '../pipeline/startTrainingBackend.js';
import { teacherSizeLine } from '../pipeline/teacherSizeLine.js';

interface ExperimentOptions {
  readonly pair: string;
  readonly teacher?: string;
  readonly seeds: string;
  readonly steps?: string;
  readonly rows: string;
  readonly run: string;
  readonly objective?: string;
  readonly json?: boolean;
  readonly restart?: boolean;
  readonly dataParallel?: number;
}

const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const sd = (v: readonly number[]) => {
  if (v.length < 2) return 0;
  const m = mean(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
};

const positiveInt = (s: string) => /^[0-9]+$/.test(s.trim()) && Number(s) > 0;

/** Validates the command-line options; a bad value ends the command with a message naming it. */
export function parseExperimentOptions(opts: ExperimentOptions): {
  seeds: number[];
  rows: (AblationRow | 'full')[];
  steps: number | undefined;
  objective: Record<string, unknown> | undefined;
} {
  const seedList = opts.seeds.split(',');
  if (!seedList.every((s) => /^[0-9]+$/.test(s.trim())))
    usageError('experiment', `--seeds: expected comma-separated integers, got '${opts.seeds}'`);
  const known = new Set<string>(['full', ...ablationRows.filter((r) => r !== 'baseline')]);
  const rows = opts.rows.split(',').map((r) => r.trim());
  const bad = rows.filter((r) => !known.has(r));
  if (bad.length > 0)
    usageError(
      'experiment',
      `--rows: unknown row ${bad.map((b) => `'${b}'`).join(', ')}; expected some of ${[...known].join(', ')}`,
    );
  if (opts.steps !== undefined && !positiveInt(opts.steps))
    usageError('experiment', `--steps: expected a positive integer, got '${opts.steps}'`);
  let objective: Record<string, unknown> | undefined;
  if (opts.objective !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(opts.objective);
    } catch (e) {
      usageError('experiment', `--objective: not JSON (${(e as Error).message})`);
    }
    const decoded = decodePaperObjectiveConfig(json, '--objective', 'objective');
    if (E.isLeft(decoded)) usageError('experiment', decoded.left.join('\n'));
    objective = json as Record<string, unknown>;
  }
  return {
    seeds: seedList.map(Number),
    rows: rows as (AblationRow | 'full')[],
    steps: opts.steps === undefined ? undefined : Number(opts.steps),
    objective,
  };
}

/**
 * The distillation-gain experiment: for each seed, the same-budget baseline student and one
 * distilled student per objective row; prints mean ± sd of mAP@0.5 and the paired differences
 * (distilled − baseline, same seed), and writes every number to `<run>/experiment.json`.
 */
async function experiment(opts: ExperimentOptions): Promise<void> {
  const { seeds, rows, steps, objective } = parseExperimentOptions(opts);
  const chosen = studentPair(opts.pair);
  if (E.isLeft(chosen)) usageError('experiment', `--pair: ${chosen.left}`);
  const teacher = opts.teacher ?? chosen.right.teacherCheckpoint;
  const base = requirePreset(chosen.right.baselinePreset);
  let dist = requirePreset(chosen.right.distilledPreset);
  const backend = await startTrainingBackend([base, dist], opts.dataParallel);
  const parallel = dataParallelRuns('experiment', opts.dataParallel, [base, dist], backend.name);
  if (opts.teacher !== undefined) {
    // A teacher of the user's runs at the input size it was trained at, not the preset's teacher's.
    const own = withTeacher(dist, opts.teacher);
    if (E.isLeft(own)) usageError('experiment', `--teacher: ${own.left}`);
    if (own.right.changed) process.stderr.write(teacherSizeLine(own.right.config, dist));
    dist = own.right.config;
  }
  const dataset = await loadDataset(base.dataset);
  // Both students see the same input size (studentPairs' invariant): one test split serves them.
  const data = { dataset, test: await prepareSplit(dataset.test, studentTransform(base)) };
  mkdirSync(opts.run, { recursive: true });
  const results: Record<string, { mAP50: number[]; mAP: number[] }> = {};
  const record = (row: string, s: { mAP50: number; mAP: number } | undefined) => {
    results[row] ??= { mAP50: [], mAP: [] };
    results[row].mAP50.push(s?.mAP50 ?? Number.NaN);
    results[row].mAP.push(s?.mAP ?? Number.NaN);
  };
  for (const seed of seeds) {
    const optim = { ...base.optim, seed, ...(steps ? { steps } : {}) };
    const b = await runTraining({
      config: { ...base, name: `baseline-s${seed}`, optim },
      runDir: join(opts.run, `baseline-s${seed}`),
      data,
      ...(opts.restart ? { restart: true } : {}),
      ...parallel,
      ...printedHooks(`baseline-s${seed}`),
    });
    b.model.dispose();
    record('baseline', b.scores);
    for (const row of rows) {
      const distill = {
        ...dist.distill!,
        teacher,
        ...(row === 'full' ? {} : { ablation: row }),
        ...(objective ? { objective } : {}),
      };
      const d = await runTraining({
        config: { ...dist, name: `${row}-s${seed}`, optim, distill },
        runDir: join(opts.run, `${row}-s${seed}`),
        data,
        ...(opts.restart ? { restart: true } : {}),
        ...parallel,
        ...printedHooks(`${row}-s${seed}`),
      });
      d.model.dispose();
      record(row, d.scores);
    }
  }
  const pct = (v: number) => (100 * v).toFixed(1);
  const table = Object.entries(results).map(([row, r]) => {
    const diffs = r.mAP50.map((v, i) => v - results.baseline!.mAP50[i]!);
    return [
      row,
      `${pct(mean(r.mAP50))} ± ${pct(sd(r.mAP50))}`,
      `${pct(mean(r.mAP))} ± ${pct(sd(r.mAP))}`,
      row === 'baseline' ? '—' : diffs.map((d) => (d >= 0 ? '+' : '') + pct(d)).join(' '),
      row === 'baseline'
        ? '—'
        : `${mean(diffs) >= 0 ? '+' : ''}${pct(mean(diffs))} ± ${pct(sd(diffs))}`,
    ];
  });
  (opts.json ? process.stderr : process.stdout).write(
    `\n${formatTable(['student', 'mAP@0.5 (mean ± sd)', 'mAP@[.5:.95]', 'paired Δ mAP@0.5 per seed', 'mean Δ ± sd'], table)}\n\n${opts.pair} pair; seeds ${seeds.join(', ')}; ${steps ?? base.optim.steps} steps each; teacher ${teacher}\n`,
  );
  const summary = { pair: opts.pair, seeds, steps: steps ?? base.optim.steps, teacher, results };
  writeFileSync(join(opts.run, 'experiment.json'), `${JSON.stringify(summary, null, 2)}\n`);
  if (opts.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
}

export function registerExperiment(program: Command): void {
  program
    .command('experiment')
    .description(
      'the distillation-gain experiment on the embedded dataset: baseline vs distilled students over seeds, paired differences',
    )
    .option(
      '--pair <name>',
      `the baseline and distilled students' presets and their teacher: ${STUDENT_PAIR_NAMES.join(', ')} (see kd demo --help)`,
      DEFAULT_STUDENT_PAIR,
    )
    .option(
      '--teacher <dir>',
      "teacher checkpoint folder (default the pair's shipped teacher), run at the input size its checkpoint records",
    )
    .option('--seeds <list>', 'comma-separated seeds', '1,2,3')
    .option('--steps <n>', "student training steps (default: the pair's presets)")
    .option(
      '--rows <list>',
      'objectives: full and/or ablation rows CLS, CLS-W, L2, L2-B, Hints, Hints-A',
      'full',
    )
    .option('--objective <json>', 'paperObjective options as JSON, e.g. {"mu":0.7,"temperature":1}')
    .option('--run <dir>', 'folder for every run', 'runs/experiment')
    .option(
      '--restart',
      'start over the runs whose folder holds another config, removing only the files kd wrote there',
    )
    .option(
      '--json',
      'print {pair, seeds, steps, teacher, results} on stdout (the table goes to stderr)',
    )
    .option(...DATA_PARALLEL_OPTION)
    .action((opts: ExperimentOptions) => experiment(opts));
}
