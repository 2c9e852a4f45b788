import { basename, join } from 'node:path';
import { PRESET_NAMES, presetConfig, readRunConfig, runTraining } from '@kd/distill';
import type { Command } from 'commander';
import * as E from 'fp-ts/lib/Either.js';
import { interrupted } from '../failCommand.js';
import { collectSet } from '../flags/configOverrides.js';
import { DATA_PARALLEL_OPTION } from '../flags/dataParallelFlag.js';
import { withOverrides } from '../flags/withOverrides.js';
import { printedHooks } from '../pipeline/printedHooks.js';
import { startTrainingBackend } from '../pipeline/startTrainingBackend.js';

interface TrainCliOptions {
  readonly config?: string;
  readonly preset?: string;
  readonly run?: string;
  readonly json?: boolean;
  readonly restart?: boolean;
  readonly set: readonly string[];
  readonly dataParallel?: number;
}

async function trainAction(kind: 'train' | 'distill', opts: TrainCliOptions): Promise<void> {
  if (!opts.config && !opts.preset)
    throw new Error(`kd ${kind}: pass --config FILE or --preset NAME`);
  const decoded = withOverrides(
    opts.config ? readRunConfig(opts.config) : presetConfig(opts.preset!),
    opts.set,
    opts.config ?? `preset ${opts.preset}`,
  );
  if (E.isLeft(decoded)) throw new Error(decoded.left);
  const config = decoded.right;
  if (kind === 'distill' && !config.distill)
    throw new Error(
      `kd distill: ${opts.config ?? opts.preset} has no 'distill' section (use kd train for a plain detector)`,
    );
  if (kind === 'train' && config.distill)
    throw new Error(
      `kd train: ${opts.config ?? opts.preset} has a 'distill' section: use kd distill`,
    );
  await startTrainingBackend([config], opts.dataParallel);
  const name =
    config.name ??
    (opts.config ? basename(opts.config).replace(/\.(json|ya?ml)$/i, '') : opts.preset!);
  const runDir = opts.run ?? join('runs', name);
  // Ctrl-C stops the loop after the step under way; the run then checkpoints and exits 130.
  const stop = new AbortController();
  const onSigint = () => stop.abort();
  process.once('SIGINT', onSigint);
  const printed = printedHooks(name, Boolean(opts.json));
  let result: Awaited<ReturnType<typeof runTraining>>;
  try {
    result = await runTraining({
      config: { ...config, name },
      runDir,
      signal: stop.signal,
      restart: Boolean(opts.restart),
      ...(opts.dataParallel !== undefined ? { dataParallel: opts.dataParallel } : {}),
      ...printed,
    });
  } finally {
    printed.stop();
    process.removeListener('SIGINT', onSigint);
  }
  const summary = {
    run: result.runDir,
    steps: result.steps,
    completed: result.completed,
    seconds: Math.round(result.seconds),
    ...(result.scores
      ? {
          mAP50: result.scores.mAP50,
          mAP: result.scores.mAP,
          perClassAP50: result.scores.perClassAP50,
        }
      : {}),
  };
  if (opts.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else if (result.scores) {
    process.stdout.write(
      `${name}: ${result.steps} steps in ${summary.seconds}s — COCO mAP@0.5 ${(100 * result.scores.mAP50).toFixed(1)}, mAP@[.5:.95] ${(100 * result.scores.mAP).toFixed(1)} (@kd/eval, pycocotools-equivalent) (${result.runDir})\n`,
    );
  }
  result.model.dispose();
  // An interrupted run exits 130 (128 + SIGINT), as a shell reports a Ctrl-C'd command.
  if (!result.completed) interrupted(`${kind} stopped at step ${result.steps}`);
}

export function registerTrain(program: Command): void {
  for (const kind of ['train', 'distill'] as const) {
    program
      .command(kind)
      .description(
        kind === 'train'
          ? 'train a detector (a teacher or a baseline student) from a run config'
          : 'train a student from a frozen teacher with the configured distillation loss stack',
      )
      .option('--config <file>', 'run config (JSON or YAML)')
      .option('--preset <name>', `a built-in config: ${PRESET_NAMES.join(', ')}`)
      .option('--run <dir>', 'run folder (default runs/<name>); an existing one resumes')
      .option(
        '--set <key=value>',
        'override a config value, validated like the file (repeatable): --set optim.lr=0.01',
        collectSet,
        [],
      )
      .option('--json', 'print a JSON summary on stdout')
      .option(...DATA_PARALLEL_OPTION)
      .option(
        '--restart',
        'start over in a run folder holding another run (removes only the config, metrics, scores and checkpoints kd wrote there)',
      )
      .action((opts: TrainCliOptions) => trainAction(kind, opts));
  }
}
