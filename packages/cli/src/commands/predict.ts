import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import {
  decodeImageFile,
  fasterRcnnSize,
  normalizeImage,
  resizeBilinear,
} from '@kd/data-voc-coco-kitti';
import { loadFasterRcnn } from '@kd/faster-rcnn';
import { initBackend } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import type { Command } from 'commander';
import * as E from 'fp-ts/lib/Either.js';
import { PNG } from 'pngjs';
import { drawDetections } from '../pipeline/drawDetections.js';

interface PredictOptions {
  readonly checkpoint: string;
  readonly out: string;
  readonly score: string;
  readonly minSize?: string;
}

interface TrainedExtra {
  readonly classNames?: readonly string[];
  readonly minSize?: number;
  readonly maxSize?: number;
}

/** `kd predict`: detections of a checkpoint on image files, drawn into PNGs and written as JSON. */
async function predict(images: readonly string[], opts: PredictOptions): Promise<void> {
  if (images.length === 0) throw new Error('kd predict: give at least one image file');
  await initBackend();
  const { model, checkpoint } = await loadFasterRcnn(opts.checkpoint);
  tf.dispose(Object.values(checkpoint.extraWeights));
  tf.dispose(checkpoint.optimizerWeights.map((w) => w.tensor));
  const extra = (checkpoint.metadata.extra ?? {}) as TrainedExtra;
  const classNames =
    extra.classNames ?? Array.from({ length: model.config.numClasses }, (_, i) => `class${i + 1}`);
  const minSize = opts.minSize ? Number(opts.minSize) : (extra.minSize ?? 600);
  const maxSize = extra.maxSize ?? Math.round(minSize * (1333 / 800));
  const threshold = Number(opts.score);
  mkdirSync(opts.out, { recursive: true });
  const results: unknown[] = [];
  for (const file of images) {
    const decoded = await decodeImageFile(file);
    if (E.isLeft(decoded)) throw new Error(decoded.left);
    const img = decoded.right;
    const size = fasterRcnnSize(img.height, img.width, minSize, maxSize);
    const input = resizeBilinear(normalizeImage(img), size.height, size.width);
    const batch = {
      images: tf.tensor4d(input.data, [1, input.height, input.width, 3]),
      metas: [
        {
          height: input.height,
          width: input.width,
          scale: input.height / img.height,
          originalHeight: img.height,
          originalWidth: img.width,
        },
      ],
    };
    const [dets] = await model.predict(batch);
    batch.images.dispose();
    const keep = Array.from(dets!.scores.keys()).filter((i) => dets!.scores[i]! >= threshold);
    const boxes = Float32Array.from(
      keep.flatMap((i) => Array.from(dets!.boxes.subarray(4 * i, 4 * i + 4))),
    );
    const labels = Int32Array.from(keep, (i) => dets!.labels[i]!);
    const drawn = drawDetections(img, boxes, labels);
    const png = new PNG({ width: drawn.width, height: drawn.height });
    for (let p = 0; p < drawn.width * drawn.height; p++) {
      png.data[4 * p] = drawn.data[3 * p]!;
      png.data[4 * p + 1] = drawn.data[3 * p + 1]!;
      png.data[4 * p + 2] = drawn.data[3 * p + 2]!;
      png.data[4 * p + 3] = 255;
    }
    const outFile = join(opts.out, `${basename(file, extname(file))}.png`);
    writeFileSync(outFile, PNG.sync.write(png));
    for (const [j, i] of keep.entries()) {
      const b = boxes.subarray(4 * j, 4 * j + 4);
      results.push({
        file,
        label: classNames[dets!.labels[i]! - 1] ?? String(dets!.labels[i]),
        categoryId: dets!.labels[i],
        score: dets!.scores[i],
        bbox: [b[0], b[1], b[2]! - b[0]!, b[3]! - b[1]!],
      });
    }
    process.stderr.write(`${file}: ${keep.length} detections ≥ ${threshold} → ${outFile}\n`);
  }
  writeFileSync(join(opts.out, 'detections.json'), `${JSON.stringify(results, null, 2)}\n`);
  model.dispose();
}

export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description('run a checkpoint on image files: detections drawn into PNGs and written as JSON')
    .argument('<images...>', 'PNG or JPEG files')
    .requiredOption('--checkpoint <dir>', 'checkpoint folder (e.g. runs/x/checkpoints/ckpt-000600)')
    .option('--out <dir>', 'output folder', 'predictions')
    .option('--score <t>', 'draw and list detections with score ≥ t', '0.5')
    .option('--min-size <px>', 'input shorter side (default: the training resolution)')
    .action((images: string[], opts: PredictOptions) => predict(images, opts));
}
