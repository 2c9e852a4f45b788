import { assertOutputFolder } from '@kd/data-voc-coco-kitti';
import { evaluateDetector, loadDataset, prepareSplit, resolveCheckpoint } from '@kd/distill';
import {
  type FasterRcnn,
  fileIOHandler,
  loadDetector,
  WEIGHT_QUANTIZATIONS,
  type WeightQuantization,
} from '@kd/faster-rcnn';
import { initBackend } from '@kd/tensor-ops';
import { type Command, Option } from 'commander';
import { exportDetector } from '../deploy/exportDetector.js';
import { failCommand } from '../failCommand.js';
import { numberFlag } from '../flags/numberFlag.js';

interface ExportOptions {
  readonly checkpoint: string;
  readonly out: string;
  readonly format: string;
  readonly quantize: WeightQuantization;
  readonly score: number;
  readonly eval: boolean;
  readonly evalImages?: number;
  readonly json?: boolean;
  readonly force?: boolean;
}

const FORMATS = ['tfjs'];
const UNSUPPORTED_FORMATS: Record<string, string> = {
  'tfjs-layers':
    'the detector is not a tf.LayersModel: its proposal filtering and NMS run on the host between two network parts, so tf.loadLayersModel cannot rebuild it',
  'tfjs-graph':
    'a graph model needs a frozen TensorFlow graph (tensorflowjs_converter); the detector’s host-side proposal and NMS steps have no graph form here',
};

async function runExport(opts: ExportOptions): Promise<void> {
  if (!FORMATS.includes(opts.format)) {
    const why = UNSUPPORTED_FORMATS[opts.format];
    failCommand(
      'export',
      `--format ${opts.format} is not supported${why ? `: ${why}` : ''}. Use --format tfjs (the TensorFlow.js weights format with the detector config as topology; load it with loadDetector from @kd/faster-rcnn, in Node or a browser)`,
    );
  }
  const score = opts.score;
  const replace = opts.force ? 'force' : 'never';
  try {
    assertOutputFolder(opts.out, replace);
  } catch (err) {
    failCommand('export', (err as Error).message);
  }
  const backend = await initBackend();
  const exported = await exportDetector(resolveCheckpoint(opts.checkpoint), opts.out, {
    quantization: opts.quantize,
    scoreThreshold: score,
    force: opts.force ?? false,
  });
  const summary: Record<string, unknown> = {
    out: opts.out,
    format: 'tfjs',
    quantization: opts.quantize,
    weightBytes: exported.weightBytes,
    parameters: exported.model.params.numParameters(),
    classes: exported.manifest.classes,
    backend: backend.name,
  };
  let models: FasterRcnn[] = [exported.model];
  try {
    if (opts.eval) {
      const detector = await loadDetector(fileIOHandler(opts.out));
      models = [exported.model, detector.model];
      const dataset = await loadDataset(exported.runConfig.dataset);
      const n = opts.evalImages ?? dataset.test.length;
      const { minSize, maxSize } = exported.manifest.input;
      const test = await prepareSplit(dataset.test.slice(0, n), { minSize, maxSize });
      const scores = [];
      for (const m of models) {
        scores.push(
          (await evaluateDetector(m, test.samples, test.images, dataset.classNames)).scores,
        );
      }
      const [before, after] = scores as [(typeof scores)[0], (typeof scores)[0]];
      summary.evaluation = {
        dataset: dataset.description,
        images: test.images.length,
        checkpointMAP50: before.mAP50,
        exportMAP50: after.mAP50,
        deltaMAP50Points: 100 * (after.mAP50 - before.mAP50),
        checkpointMAP: before.mAP,
        exportMAP: after.mAP,
      };
    }
  } finally {
    for (const m of models) m.dispose();
  }
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    `exported ${opts.checkpoint} → ${opts.out} (tfjs weights, ${opts.quantize}, ${(exported.weightBytes / 1024).toFixed(0)} KiB, ${summary.parameters} parameters)\n`,
  );
  const ev = summary.evaluation as Record<string, number> | undefined;
  if (ev) {
    process.stdout.write(
      `mAP@0.5 on ${ev.images} test images: checkpoint ${(100 * ev.checkpointMAP50!).toFixed(2)}, export ${(100 * ev.exportMAP50!).toFixed(2)} (change ${ev.deltaMAP50Points! >= 0 ? '+' : ''}${ev.deltaMAP50Points!.toFixed(2)} points)\n`,
    );
  }
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description(
      'write a checkpoint’s detector alone (no optimiser, adaptation layers or teacher) for Node and browsers, and report the mAP change of the export',
    )
    .requiredOption(
      '--checkpoint <dir>',
      'checkpoint folder, or a run folder (its latest checkpoint)',
    )
    .requiredOption(
      '--out <dir>',
      'export folder (model.json, weights.bin, detector.json), written atomically; must be new or empty unless --force',
    )
    .addOption(
      new Option(
        '--format <format>',
        'tfjs: TensorFlow.js weights format + detector config (tfjs-layers and tfjs-graph cannot hold this detector)',
      ).default('tfjs'),
    )
    .addOption(
      new Option(
        '--quantize <dtype>',
        'store weights as float16 or uint8 (tfjs manifest quantisation)',
      )
        .choices([...WEIGHT_QUANTIZATIONS])
        .default('none'),
    )
    .option(
      '--score <t>',
      'default display threshold recorded in the sidecar',
      numberFlag('--score', { min: 0, max: 1 }),
      0.5,
    )
    .option('--no-eval', 'skip the mAP@0.5 comparison on the checkpoint’s test split')
    .option(
      '--eval-images <n>',
      'evaluate on the first n test images only',
      numberFlag('--eval-images', { min: 1, integer: true }),
    )
    .option('--json', 'print a JSON summary')
    .option(
      '--force',
      'replace an existing non-empty --out folder (without it kd refuses; a file is never replaced)',
    )
    .action((opts: ExportOptions) => runExport(opts));
}
