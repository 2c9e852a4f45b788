import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunConfig } from '@kd/distill';
import {
  DEFAULT_STUDENT_PAIR,
  evaluateDetector,
  loadDataset,
  type PreparedSplit,
  prepareSplit,
  requirePreset as preset,
  runTraining,
  STUDENT_PAIR_NAMES,
  studentPair,
  studentTransform,
  type TrainingStage,
  trainStages,
  withTeacher,
} from '@kd/distill';
import { loadFasterRcnn } from '@kd/faster-rcnn';
import type { Command } from 'commander';
import * as E from 'fp-ts/lib/Either.js';
import { usageError } from '../failCommand.js';
import { DATA_PARALLEL_OPTION, dataParallelRuns } from '../flags/dataParallelFlag.js';
import { numberFlag } from '../flags/numberFlag.js';
import { formatTable } from '../format/formatTable.js';
import { printedHooks } from '../pipeline/printedHooks.js';
import { startTrainingBackend } from '../pipeline/startTrainingBackend.js';
import { teacherSizeLine } from '../pipeline/teacherSizeLine.js';
import { writeReport } from '../report/writeReport.js';

interface DemoOptions {
  readonly pair: string;
  readonly run?: string;
  readonly teacher?: string;
  readonly steps?: number;
  readonly jsonOut?: string;
  readonly json?: boolean;
  readonly seed?: number;
  /** `--no-report` sets it false. */
  readonly report?: boolean;
  readonly restart?: boolean;
  readonly dataParallel?: number;
}

/**
 * `kd demo`: on the embedded shapes dataset, loads a student pair's shipped teacher (or trains it
 * with the pair's teacher preset when none is found), trains the student baseline and the
 * distilled student with the same budget and seed, evaluates all three and prints the table.
 */
async function demo(opts: DemoOptions): Promise<void> {
  const started = Date.now();
  const chosen = studentPair(opts.pair);
  if (E.isLeft(chosen)) usageError('demo', `--pair: ${chosen.left}`);
  const pair = chosen.right;
  const teacherStages = pair.teacherPresets.map((name) => ({ name, config: preset(name) }));
  const backend = await startTrainingBackend(
    [preset(pair.baselinePreset), preset(pair.distilledPreset)],
    opts.dataParallel,
  );
  // Every run of the demo shares the flag: checked before any data is made or model trained.
  const parallel = dataParallelRuns(
    'demo',
    opts.dataParallel,
    [
      ...teacherStages.map((s) => s.config),
      preset(pair.baselinePreset),
      preset(pair.distilledPreset),
    ],
    backend.name,
  );
  const runDir = opts.run ?? `runs/demo-${opts.pair}`;
  mkdirSync(runDir, { recursive: true });
  const teacherPreset = teacherStages[teacherStages.length - 1]!.config;
  const dataset = await loadDataset(teacherPreset.dataset);
  // Each model is scored at its own input size (the low-resolution students at 64 px).
  const tests = new Map<string, PreparedSplit>();
  const testSplit = async (config: RunConfig): Promise<PreparedSplit> => {
    const transform = studentTransform(config);
    const key = `${transform.minSize}x${transform.maxSize}`;
    const cached = tests.get(key) ?? (await prepareSplit(dataset.test, transform));
    tests.set(key, cached);
    return cached;
  };
  let teacherCheckpoint = opts.teacher ?? pair.teacherCheckpoint;
  if (!existsSync(join(teacherCheckpoint, 'model.json'))) {
    process.stderr.write(
      `no teacher checkpoint at ${teacherCheckpoint}: training one with the ${pair.teacherPresets.join(' then ')} preset${teacherStages.length > 1 ? 's' : ''} (${teacherStages.map((s) => s.config.optim.steps).join(' + ')} steps; long on a CPU)\n`,
    );
    const stages: TrainingStage[] = [];
    for (const stage of teacherStages)
      stages.push({
        config: stage.config,
        runDir: join(runDir, teacherStages.length > 1 ? `teacher-${stage.name}` : 'teacher'),
        data: { dataset, test: await testSplit(stage.config) },
        ...(opts.restart ? { restart: true } : {}),
        ...parallel,
        ...printedHooks(stage.name),
      });
    // Each later stage fine-tunes the checkpoint of the one before it.
    const trained = await trainStages(stages);
    if (!trained) throw new Error('teacher training stopped before its last step');
    teacherCheckpoint = trained;
  }
  const { steps, seed } = opts;
  // Three evaluations during training (and the final one) give the report its mAP curves; they
  // do not touch the training RNG, so the students are the same as without them.
  const withBudget = (c: RunConfig): RunConfig => {
    const total = steps ?? c.optim.steps;
    return {
      ...c,
      optim: {
        ...c.optim,
        ...(steps ? { steps } : {}),
        ...(seed !== undefined ? { seed } : {}),
        evalEvery: Math.max(1, Math.floor(total / 4)),
      },
    };
  };
  const baselineCfg = withBudget(preset(pair.baselinePreset));
  const distillPreset = preset(pair.distilledPreset);
  let distillCfg = withBudget({
    ...distillPreset,
    distill: { ...distillPreset.distill!, teacher: teacherCheckpoint },
  });
  let teacherTest = await testSplit(teacherPreset);
  if (opts.teacher !== undefined && teacherCheckpoint === opts.teacher) {
    // A teacher of the user's is scored and distils at the input size it was trained at.
    const own = withTeacher(distillCfg, opts.teacher);
    if (E.isLeft(own)) usageError('demo', `--teacher: ${own.left}`);
    if (own.right.changed) {
      process.stderr.write(teacherSizeLine(own.right.config, distillCfg));
      const d = own.right.config.distill!;
      teacherTest = await testSplit({
        ...teacherPreset,
        model: { ...teacherPreset.model, minSize: d.teacherMinSize!, maxSize: d.teacherMaxSize! },
      });
    }
    distillCfg = own.right.config;
  }

  // The teacher is scored through the same evaluation path as the students.
  const { model: teacher, checkpoint } = await loadFasterRcnn(teacherCheckpoint);
  checkpoint.optimizerWeights.forEach((w) => w.tensor.dispose());
  Object.values(checkpoint.extraWeights).forEach((t) => t.dispose());
  const teacherScores = (
    await evaluateDetector(teacher, teacherTest.samples, teacherTest.images, dataset.classNames)
  ).scores;
  teacher.dispose();

  const data = { dataset, test: await testSplit(baselineCfg) };
  const baseline = await runTraining({
    config: baselineCfg,
    runDir: join(runDir, 'baseline'),
    data,
    ...(opts.restart ? { restart: true } : {}),
    ...parallel,
    ...printedHooks('baseline'),
  });
  baseline.model.dispose();
  const distilled = await runTraining({
    config: distillCfg,
    runDir: join(runDir, 'distilled'),
    data,
    ...(opts.restart ? { restart: true } : {}),
    ...parallel,
    ...printedHooks('distilled'),
  });
  distilled.model.dispose();
  const seconds = Math.round((Date.now() - started) / 1000);
  const pct = (v: number | undefined) => (v === undefined ? '—' : (100 * v).toFixed(1));
  const rows = [
    ['teacher', teacherScores.mAP50, teacherScores.mAP],
    ['student baseline', baseline.scores?.mAP50, baseline.scores?.mAP],
    ['student distilled', distilled.scores?.mAP50, distilled.scores?.mAP],
  ] as const;
  // With --json, stdout holds the JSON alone; the table goes to stderr.
  const say = (text: string) => (opts.json ? process.stderr : process.stdout).write(text);
  say(
    `\n${formatTable(
      ['model', 'mAP@0.5', 'mAP@[.5:.95]'],
      rows.map(([n, a, b]) => [n, pct(a), pct(b)]),
      { alignRight: [1, 2] },
    )}\n\n${opts.pair} pair: ${baselineCfg.optim.steps} student steps each, seed ${baselineCfg.optim.seed ?? 0}; ${seconds}s in all; runs in ${runDir}\n`,
  );
  const summary = {
    pair: opts.pair,
    teacher: { mAP50: teacherScores.mAP50, mAP: teacherScores.mAP },
    baseline: { mAP50: baseline.scores?.mAP50 ?? null, mAP: baseline.scores?.mAP ?? null },
    distilled: { mAP50: distilled.scores?.mAP50 ?? null, mAP: distilled.scores?.mAP ?? null },
    seconds,
  };
  writeFileSync(join(runDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  if (opts.jsonOut) writeFileSync(opts.jsonOut, `${JSON.stringify(summary, null, 2)}\n`);
  if (opts.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  if (opts.report !== false) {
    // The same-budget students score few boxes above 0.5 (the pretrained distilled student: 6 on
    // six test images holding 17 objects; the scratch pair's: none): draw from 0.2 so their panels
    // show what they find (the teacher then shows some duplicates too).
    const report = await writeReport(runDir, undefined, { scoreThreshold: 0.2, samples: 3 });
    if (E.isLeft(report)) throw new Error(report.left);
    say(`report: ${report.right}\n`);
  }
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'the distillation demo on the embedded dataset: teacher, student baseline and distilled student, evaluated side by side; writes the HTML report <run>/report.html',
    )
    .option(
      '--pair <name>',
      `teacher and students: ${STUDENT_PAIR_NAMES.map((n) => {
        const p = studentPair(n);
        return E.isRight(p) ? `${n} (${p.right.description})` : n;
      }).join('; ')}`,
      DEFAULT_STUDENT_PAIR,
    )
    .option('--run <dir>', 'folder for the three runs (default runs/demo-<pair>)')
    .option(
      '--teacher <dir>',
      "teacher checkpoint folder (default the pair's shipped teacher, e.g. models/shapes-teacher-pretrained-256; trained with the pair's teacher presets when missing); scored and distilled at the input size its checkpoint records",
    )
    .option(
      '--steps <n>',
      'student training steps (same for baseline and distilled)',
      numberFlag('--steps', { min: 1, integer: true }),
    )
    .option('--seed <n>', 'seed of both student runs', numberFlag('--seed', { integer: true }))
    .option('--json', 'print {pair, teacher, baseline, distilled: {mAP50, mAP}, seconds} on stdout')
    .option('--json-out <file>', 'also write that JSON to this file')
    .option('--no-report', 'skip the HTML report (<run>/report.html, see kd report)')
    .option(
      '--restart',
      'start over the runs whose folder holds another config (e.g. from an older kd), removing only the files kd wrote there',
    )
    .option(...DATA_PARALLEL_OPTION)
    .action((opts: DemoOptions) => demo(opts));
}
