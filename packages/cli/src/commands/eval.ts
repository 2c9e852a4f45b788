import {
  evalDetector,
  PRESET_NAMES,
  presetConfig,
  type RunConfig,
  readRunConfig,
} from '@kd/distill';
import type { CliText, KdEvalError } from '@kd/eval';
import { nativeBackendRequired } from '@kd/faster-rcnn';
import { initBackend } from '@kd/tensor-ops';
import { type Command, Option } from 'commander';
import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import { failCommand } from '../failCommand.js';
import { deprecatedAlias } from '../flags/deprecatedAlias.js';
import { numberFlag } from '../flags/numberFlag.js';
import { printedHooks } from '../pipeline/printedHooks.js';

/**
 * The VOC AP variant: one default for every command. 07 is what the paper and py-faster-rcnn
 * report on VOC2007 test (the 2007 devkit's 11-point interpolation).
 */
const VOC_METRIC_HELP =
  '07: VOC2007 11-point interpolated AP (what the paper reports); 2010: VOC2010+ area under the PR curve';

/**
 * `kd eval coco|voc|kitti`: thin wrappers over `@kd/eval`'s `run*EvalCli`, which read the
 * standard files, validate them and return the official tools' table or the JSON summary.
 * `@kd/eval` is imported when a subcommand runs, so that other commands start faster.
 */
export function registerEval(program: Command): void {
  const evalCmd = program
    .command('eval')
    .description(
      'detection metrics computed by @kd/eval, equal to pycocotools, the VOC devkit and the KITTI devkit',
    );

  evalCmd
    .command('coco')
    .description(
      'COCO bbox evaluation (@kd/eval, equal to pycocotools COCOeval): the 12 statistics and AP per category',
    )
    .requiredOption('--gt <file>', 'ground truth, COCO instances JSON (instances_val2017.json)')
    .requiredOption(
      '--dets <file>',
      'detections, COCO results JSON ([{image_id, category_id, bbox, score}])',
    )
    .option('--no-use-cats', 'match detections to GT of any category (COCOeval params.useCats = 0)')
    .option(
      '--json',
      'print {AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl, perCategory}',
    )
    .action(async (opts: { gt: string; dets: string; useCats: boolean; json?: boolean }) => {
      const { runCocoEvalCli } = await import('@kd/eval');
      await printOrFail(
        'eval coco',
        runCocoEvalCli({ gt: opts.gt, dets: opts.dets, useCats: opts.useCats, json: !!opts.json }),
      );
    });

  const voc = evalCmd
    .command('voc')
    .description("PASCAL VOC AP per class and mAP (py-faster-rcnn's voc_eval.py)")
    .option(
      '--gt <dir>',
      'ground truth: VOCdevkit/VOC2007, holding Annotations/ and ImageSets/Main/',
    )
    .requiredOption('--split <name>', 'image set: ImageSets/Main/<name>.txt (e.g. test)')
    .requiredOption(
      '--dets <dir>',
      'folder of comp4_det_<split>_<class>.txt files (image_id score x1 y1 x2 y2)',
    )
    .addOption(
      new Option('--metric <metric>', VOC_METRIC_HELP).choices(['07', '2010']).default('07'),
    )
    .option('--inclusive', "count IoU = 0.5 as a match (the MATLAB devkit's >=) instead of > 0.5")
    .option(
      '--json',
      'print {mAP, perClass: {name: AP}} (null where a class has only difficult GT)',
    )
    .action(
      async (opts: {
        gt: string;
        split: string;
        dets: string;
        metric: '07' | '2010';
        inclusive?: boolean;
        json?: boolean;
      }) => {
        const { runVocEvalCli } = await import('@kd/eval');
        await printOrFail(
          'eval voc',
          runVocEvalCli({
            devkit: opts.gt,
            split: opts.split,
            dets: opts.dets,
            metric: opts.metric,
            inclusive: !!opts.inclusive,
            json: !!opts.json,
          }),
        );
      },
    );
  deprecatedAlias(voc, '--devkit', '--gt', true);

  const kitti = evalCmd
    .command('kitti')
    .description(
      "KITTI 2D AP (R11, R40) per class and difficulty, as the devkit's evaluate_object.cpp; or the paper's VOC-style mAP@0.5",
    )
    .option('--gt <dir>', 'ground truth: training/label_2 (15-column label files)')
    .option('--dets <dir>', 'detections: 16-column result files named like the labels')
    .option('--split <file>', 'frame ids, one a line (default: every label file)')
    .addOption(
      new Option('--missing-results <what>', 'a frame without a results file')
        .choices(['error', 'empty'])
        .default('error'),
    )
    .option('--pascal', "the paper's convention: VOC AP at IoU 0.5 per class, no difficulty levels")
    .addOption(
      new Option('--metric <metric>', `with --pascal: ${VOC_METRIC_HELP}`)
        .choices(['07', '2010'])
        .default('07'),
    )
    .option(
      '--json',
      'print {Class: {easy: {ap11, ap40}, moderate: {…}, hard: {…}}}, or {mAP, perClass} with --pascal',
    )
    .action(
      async (opts: {
        gt: string;
        dets: string;
        split?: string;
        missingResults: 'error' | 'empty';
        pascal?: boolean;
        metric: '07' | '2010';
        json?: boolean;
      }) => {
        const { runKittiEvalCli } = await import('@kd/eval');
        await printOrFail(
          'eval kitti',
          runKittiEvalCli({
            labels: opts.gt,
            results: opts.dets,
            ...(opts.split !== undefined ? { split: opts.split } : {}),
            missingResults: opts.missingResults,
            pascal: !!opts.pascal,
            metric: opts.metric,
            json: !!opts.json,
          }),
        );
      },
    );
  deprecatedAlias(kitti, '--labels', '--gt', true);
  deprecatedAlias(kitti, '--results', '--dets', true);

  evalCmd
    .command('detector')
    .description(
      "run a checkpoint over a dataset split, write the dataset's results files (VOC comp4_det_*, COCO results JSON, KITTI data/*.txt) and print their metrics",
    )
    .requiredOption(
      '--checkpoint <dir>',
      'checkpoint folder, or a run folder / its checkpoints/ folder (newest checkpoint)',
    )
    .option('--config <file>', "run config naming the dataset (default: the checkpoint's own)")
    .option('--preset <name>', `a built-in config: ${PRESET_NAMES.join(', ')}`)
    .addOption(
      new Option('--split <which>', "which of the config's splits")
        .choices(['train', 'test'])
        .default('test'),
    )
    .option('--data-root <dir>', "dataset root, overriding the config's dataset.root")
    .option(
      '--limit <n>',
      'only the first n images of the split (metrics over those images)',
      numberFlag('--limit', { min: 1, integer: true }),
    )
    .option(
      '--min-size <px>',
      'input shorter side (default: the training resolution)',
      numberFlag('--min-size', { min: 1, integer: true }),
    )
    .addOption(
      new Option('--metric <metric>', `VOC and KITTI PASCAL-style: ${VOC_METRIC_HELP}`)
        .choices(['07', '2010'])
        .default('07'),
    )
    .option(
      '--out <dir>',
      'folder for the results files, metrics.txt and metrics.json',
      'eval-results',
    )
    .option(
      '--compile',
      'run the detector compiled into native TensorFlow graphs (tensorflow backend only): same detections up to float32 rounding, ~2× faster',
    )
    .option(
      '--json',
      'print {checkpoint, format, split, images, detections, seconds, compiled, results, metrics}',
    )
    .action(async (opts: EvalDetectorCliOptions) => {
      await evalDetectorAction(opts);
    });
}

interface EvalDetectorCliOptions {
  readonly checkpoint: string;
  readonly config?: string;
  readonly preset?: string;
  readonly split: 'train' | 'test';
  readonly dataRoot?: string;
  readonly limit?: number;
  readonly minSize?: number;
  readonly metric: '07' | '2010';
  readonly out: string;
  readonly compile?: boolean;
  readonly json?: boolean;
}

async function evalDetectorAction(opts: EvalDetectorCliOptions): Promise<void> {
  if (opts.config && opts.preset)
    failCommand('eval detector', 'pass --config FILE or --preset NAME, not both');
  let config: RunConfig | undefined;
  if (opts.config || opts.preset) {
    const r = opts.config ? readRunConfig(opts.config) : presetConfig(opts.preset!);
    if (E.isLeft(r)) failCommand('eval detector', r.left);
    config = r.right;
  }
  const { limit, minSize } = opts;
  await initBackend();
  const uncompilable = opts.compile ? nativeBackendRequired() : undefined;
  if (uncompilable) failCommand('eval detector', `--compile: ${uncompilable}`);
  const printed = printedHooks('eval', Boolean(opts.json));
  const result = await evalDetector({
    checkpoint: opts.checkpoint,
    ...(config ? { config } : {}),
    split: opts.split,
    ...(opts.dataRoot !== undefined ? { dataRoot: opts.dataRoot } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(minSize !== undefined ? { minSize } : {}),
    vocMetric: opts.metric,
    out: opts.out,
    ...(opts.compile ? { compile: true } : {}),
    onProgress: printed.onProgress,
  });
  printed.stop();
  process.stdout.write(
    opts.json ? `${JSON.stringify(result.summary, null, 2)}\n` : `${result.text}\n`,
  );
}

/** Prints the table or JSON, or fails with `file: where: message` (exit status 1). */
async function printOrFail(command: string, run: TaskEither<KdEvalError, CliText>): Promise<void> {
  const { formatEvalError } = await import('@kd/eval');
  const r = await run();
  if (E.isLeft(r)) failCommand(command, formatEvalError(r.left));
  for (const w of r.right.warnings) process.stderr.write(`warning: ${w}\n`);
  process.stdout.write(`${r.right.text}\n`);
}
