import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assertOutputFolder,
  decodeImageFile,
  fasterRcnnSize,
  normalizeImage,
  resizeBilinear,
  writeFolderAtomically,
} from '@kd/data-voc-coco-kitti';
import { resolveCheckpoint } from '@kd/distill';
import { type CompiledFasterRcnn, compileFasterRcnn, loadFasterRcnn } from '@kd/faster-rcnn';
import { initBackend } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import type { Command } from 'commander';
import * as E from 'fp-ts/lib/Either.js';
import { PNG } from 'pngjs';
import { failCommand, usageError } from '../failCommand.js';
import { numberFlag } from '../flags/numberFlag.js';
import { drawDetections } from '../pipeline/drawDetections.js';
import { drawLabels } from '../predict/drawLabels.js';
import { imageInputs, outputNames } from '../predict/imageInputs.js';

interface PredictOptions {
  readonly checkpoint: string;
  readonly out: string;
  readonly score: number;
  readonly minSize?: number;
  readonly force?: boolean;
  readonly compile?: boolean;
  readonly json?: boolean;
}

interface TrainedExtra {
  readonly classNames?: readonly string[];
  readonly minSize?: number;
  readonly maxSize?: number;
}

/** One detection as `detections.json` and `--json` list it; `bbox` is COCO's [x, y, w, h]. */
export interface PredictedDetection {
  readonly file: string;
  readonly output: string;
  readonly label: string;
  readonly categoryId: number;
  readonly score: number;
  readonly bbox: readonly [number, number, number, number];
}

/** `kd predict`: detections of a checkpoint on images, drawn (boxes, class, score) into PNGs and listed as JSON. */
async function predict(args: readonly string[], opts: PredictOptions): Promise<void> {
  let files: string[];
  try {
    files = imageInputs(args);
  } catch (e) {
    return usageError('predict', (e as Error).message);
  }
  const names = outputNames(files);
  // --force adds to an existing folder (files of the same names replaced), never over an input.
  const replace = opts.force ? 'merge' : 'never';
  try {
    assertOutputFolder(opts.out, replace);
  } catch (e) {
    return failCommand('predict', (e as Error).message);
  }
  const fill = async (staging: string): Promise<PredictedDetection[]> => {
    await initBackend();
    const { model, checkpoint } = await loadFasterRcnn(resolveCheckpoint(opts.checkpoint));
    tf.dispose(Object.values(checkpoint.extraWeights));
    tf.dispose(checkpoint.optimizerWeights.map((w) => w.tensor));
    const extra = (checkpoint.metadata.extra ?? {}) as TrainedExtra;
    const classNames =
      extra.classNames ??
      Array.from({ length: model.config.numClasses }, (_, i) => `class${i + 1}`);
    const minSize = opts.minSize ?? extra.minSize ?? 600;
    const maxSize = extra.maxSize ?? Math.round(minSize * (1333 / 800));
    const results: PredictedDetection[] = [];
    let compiled: CompiledFasterRcnn | undefined;
    try {
      if (opts.compile) {
        const c = compileFasterRcnn(model);
        if (E.isLeft(c)) throw new Error(`--compile: ${c.left}`);
        compiled = c.right;
      }
      for (const [n, file] of files.entries()) {
        const decoded = await decodeImageFile(file);
        if (E.isLeft(decoded)) throw new Error(decoded.left);
        const img = decoded.right;
        const size = fasterRcnnSize(img.height, img.width, minSize, maxSize);
        const input = resizeBilinear(normalizeImage(img), size.height, size.width);
        const images = tf.tensor4d(input.data, [1, input.height, input.width, 3]);
        const meta = {
          height: input.height,
          width: input.width,
          scale: input.height / img.height,
          originalHeight: img.height,
          originalWidth: img.width,
        };
        const [dets] = await (compiled ?? model)
          .predict({ images, metas: [meta] })
          .finally(() => images.dispose());
        const keep = Array.from(dets!.scores.keys()).filter((i) => dets!.scores[i]! >= opts.score);
        const boxes = Float32Array.from(
          keep.flatMap((i) => Array.from(dets!.boxes.subarray(4 * i, 4 * i + 4))),
        );
        const labels = Int32Array.from(keep, (i) => dets!.labels[i]!);
        const scores = Float32Array.from(keep, (i) => dets!.scores[i]!);
        const drawn = drawLabels(
          drawDetections(img, boxes, labels),
          boxes,
          labels,
          scores,
          classNames,
        );
        const png = new PNG({ width: drawn.width, height: drawn.height });
        for (let p = 0; p < drawn.width * drawn.height; p++) {
          png.data[4 * p] = drawn.data[3 * p]!;
          png.data[4 * p + 1] = drawn.data[3 * p + 1]!;
          png.data[4 * p + 2] = drawn.data[3 * p + 2]!;
          png.data[4 * p + 3] = 255;
        }
        writeFileSync(join(staging, names[n]!), PNG.sync.write(png));
        for (const [j, label] of labels.entries()) {
          const b = boxes.subarray(4 * j, 4 * j + 4);
          results.push({
            file,
            output: names[n]!,
            label: classNames[label - 1] ?? String(label),
            categoryId: label,
            score: scores[j]!,
            bbox: [b[0]!, b[1]!, b[2]! - b[0]!, b[3]! - b[1]!],
          });
        }
        process.stderr.write(
          `${file}: ${keep.length} detections ≥ ${opts.score} → ${opts.out}/${names[n]}\n`,
        );
      }
    } finally {
      compiled?.dispose();
      model.dispose();
    }
    writeFileSync(join(staging, 'detections.json'), `${JSON.stringify(results, null, 2)}\n`);
    return results;
  };
  const results = await writeFolderAtomically(opts.out, fill, replace, { protect: files });
  if (opts.json) process.stdout.write(`${JSON.stringify(results)}\n`);
}

export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description(
      'run a checkpoint on images: boxes with class and score drawn into PNGs, listed in detections.json',
    )
    .argument('<images...>', "PNG or JPEG files, folders of them, or globs such as 'imgs/*.jpg'")
    .requiredOption(
      '--checkpoint <dir>',
      'checkpoint folder, or a run folder (its latest checkpoint)',
    )
    .option(
      '--out <dir>',
      'output folder (refused if it exists and is not empty, unless --force)',
      'predictions',
    )
    .option('--force', 'write into an existing non-empty --out (never over the input images)')
    .option(
      '--score <t>',
      'draw and list detections with score ≥ t',
      numberFlag('--score', { min: 0, max: 1 }),
      0.5,
    )
    .option(
      '--min-size <px>',
      'input shorter side (default: the training resolution)',
      numberFlag('--min-size', { min: 1, integer: true }),
    )
    .option(
      '--compile',
      'run the detector compiled into native TensorFlow graphs (tensorflow backend only): same detections up to float32 rounding, ~2× faster; each new input size compiles its graphs first (~0.3–1 s)',
    )
    .option('--json', 'also print the detections as a JSON array on stdout')
    .action((images: string[], opts: PredictOptions) => predict(images, opts));
}
