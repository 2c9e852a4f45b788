import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Dataset,
  formatProblems,
  generateShapesDataset,
  type ReadFailure,
  readCoco,
  readKitti,
  readVoc,
  type Sample,
  SHAPE_CLASSES,
  SHAPES_DEFAULTS,
} from '@kd/data-voc-coco-kitti';
import * as E from 'fp-ts/lib/Either.js';
import type { RunConfig } from './runConfig.js';

export interface LoadedDataset {
  readonly classNames: readonly string[];
  readonly train: readonly Sample[];
  readonly test: readonly Sample[];
  /** Where the data came from, for logs. */
  readonly description: string;
}

/** Where generated datasets are cached (override with KD_CACHE_DIR). */
export function cacheDir(): string {
  return process.env.KD_CACHE_DIR ?? join(process.cwd(), '.kd-cache');
}

function orThrow(r: E.Either<ReadFailure, Dataset>, what: string): Dataset {
  if (E.isRight(r)) return r.right;
  throw new Error(`${what}: cannot read the dataset\n${formatProblems(r.left.problems)}`);
}

/**
 * Loads the train and test splits a run config names. The embedded `shapes` dataset is generated
 * once into the cache (deterministic from its seed and sizes) and read back through the real VOC
 * reader, like any user dataset.
 */
export async function loadDataset(config: RunConfig['dataset']): Promise<LoadedDataset> {
  const limit = (s: readonly Sample[], n: number | undefined) =>
    n === undefined ? s : s.slice(0, n);
  if (config.format === 'shapes') {
    const seed = config.seed ?? SHAPES_DEFAULTS.seed;
    const trainImages = config.trainImages ?? SHAPES_DEFAULTS.trainImages;
    const testImages = config.testImages ?? SHAPES_DEFAULTS.testImages;
    const imageSize = config.imageSize ?? SHAPES_DEFAULTS.imageSize;
    const root =
      config.root ??
      join(cacheDir(), `shapes-s${seed}-n${trainImages}-${testImages}-px${imageSize}`);
    const marker = join(root, '.complete');
    if (!existsSync(marker)) {
      mkdirSync(root, { recursive: true });
      await generateShapesDataset({
        root,
        seed,
        trainImages,
        testImages,
        imageSize,
        formats: ['voc'],
      });
      writeFileSync(marker, new Date().toISOString());
    }
    const classes = [...SHAPE_CLASSES];
    const voc = join(root, 'voc');
    const train = orThrow(await readVoc({ root: voc, split: 'train', classes }), `${voc} (train)`);
    const test = orThrow(await readVoc({ root: voc, split: 'test', classes }), `${voc} (test)`);
    return {
      classNames: classes,
      train: limit(train.samples, config.limitTrain),
      test: limit(test.samples, config.limitTest),
      description: `embedded shapes dataset (seed ${seed}, ${imageSize}px) at ${root}`,
    };
  }
  const root = config.root;
  if (root === undefined) throw new Error(`dataset.root is required for format '${config.format}'`);
  const read = async (split: string | undefined): Promise<Dataset> => {
    switch (config.format) {
      case 'voc':
        return orThrow(
          await readVoc({
            root,
            ...(split ? { split } : {}),
            ...(config.classes ? { classes: config.classes } : {}),
          }),
          root,
        );
      case 'coco':
        return orThrow(
          await readCoco({ root, ...(split ? { split } : {}) } as Parameters<typeof readCoco>[0]),
          root,
        );
      default:
        return orThrow(
          await readKitti({
            root,
            ...(split ? { split } : {}),
            ...(config.classes ? { classes: config.classes } : {}),
          } as Parameters<typeof readKitti>[0]),
          root,
        );
    }
  };
  const train = await read(config.trainSplit);
  const test = await read(config.testSplit);
  return {
    classNames: train.descriptor.classNames,
    train: limit(train.samples, config.limitTrain),
    test: limit(test.samples, config.limitTest),
    description: `${config.format} dataset at ${root}`,
  };
}
