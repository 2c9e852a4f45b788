import { join } from 'node:path';
import {
  type Dataset,
  ensureShapesFolder,
  formatProblems,
  type Problem,
  type ReadFailure,
  readDataset,
  readVoc,
  type Sample,
  SHAPE_CLASSES,
  SHAPES_DEFAULTS,
  splitDatasetConfig,
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

/** Options of `loadSplit` / `loadDataset`. */
export interface LoadDatasetOptions {
  /** Receives the reader's problems (objects fixed or skipped, images skipped), one summary line first. */
  readonly onLog?: (line: string) => void;
  /** Progress of generating the embedded dataset (first use only), in images. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Reports a split's problems and refuses a split left without images. */
function checked(split: LoadedSplit, which: string, o: LoadDatasetOptions): LoadedSplit {
  const problems = split.dataset.problems;
  if (split.samples.length === 0)
    throw new Error(
      `${split.root} (${which} split '${split.split}'): no usable image${problems.length ? `; the reader's problems:\n${formatProblems(problems)}` : ''}`,
    );
  if (problems.length > 0 && o.onLog) {
    o.onLog(`${split.root} (${which} split '${split.split}'): ${problems.length} problem(s):`);
    o.onLog(formatProblems(problems));
  }
  return split;
}

/** One split of a run config's dataset, with its descriptor (class names, format category ids). */
export interface LoadedSplit {
  readonly classNames: readonly string[];
  readonly dataset: Dataset;
  /** `dataset.samples`, cut to `limitTrain` / `limitTest`. */
  readonly samples: readonly Sample[];
  /** The on-disk format and root the samples were read from (`shapes` is stored as VOC). */
  readonly format: string;
  readonly root: string;
  /** The split's name in that format (VOC/KITTI split file stem, COCO annotation stem). */
  readonly split: string;
  readonly description: string;
  /** What the reader fixed, skipped or warned about (also in `dataset.problems`). */
  readonly problems: readonly Problem[];
}

/** The embedded dataset's folder, generated once (deterministic from its seed and sizes). */
async function ensureShapes(
  config: RunConfig['dataset'],
  onProgress: LoadDatasetOptions['onProgress'],
): Promise<{ root: string; seed: number; imageSize: number }> {
  const seed = config.seed ?? SHAPES_DEFAULTS.seed;
  const trainImages = config.trainImages ?? SHAPES_DEFAULTS.trainImages;
  const testImages = config.testImages ?? SHAPES_DEFAULTS.testImages;
  const imageSize = config.imageSize ?? SHAPES_DEFAULTS.imageSize;
  const root =
    config.root ?? join(cacheDir(), `shapes-s${seed}-n${trainImages}-${testImages}-px${imageSize}`);
  await ensureShapesFolder({
    root,
    ...(onProgress ? { onProgress } : {}),
    seed,
    trainImages,
    testImages,
    imageSize,
    formats: ['voc'],
  });
  return { root, seed, imageSize };
}

/**
 * Loads the train or test split a run config names. The embedded `shapes` dataset is generated
 * once into the cache and read back through the real VOC reader, like any user dataset.
 */
export async function loadSplit(
  config: RunConfig['dataset'],
  which: 'train' | 'test',
  options: LoadDatasetOptions = {},
): Promise<LoadedSplit> {
  return checked(await readSplit(config, which, options), which, options);
}

async function readSplit(
  config: RunConfig['dataset'],
  which: 'train' | 'test',
  options: LoadDatasetOptions,
): Promise<LoadedSplit> {
  const policy = config.policy ? { policy: config.policy } : {};
  const limit = (s: readonly Sample[]) => {
    const n = which === 'train' ? config.limitTrain : config.limitTest;
    return n === undefined ? s : s.slice(0, n);
  };
  if (config.format === 'shapes') {
    const { root, seed, imageSize } = await ensureShapes(config, options.onProgress);
    const classes = [...SHAPE_CLASSES];
    const voc = join(root, 'voc');
    const dataset = orThrow(
      await readVoc({ root: voc, split: which, classes, ...policy }),
      `${voc} (${which})`,
    );
    return {
      classNames: classes,
      dataset,
      samples: limit(dataset.samples),
      format: 'voc',
      root: voc,
      split: which,
      description: `embedded shapes dataset (seed ${seed}, ${imageSize}px) at ${root}`,
      problems: dataset.problems,
    };
  }
  const one = splitDatasetConfig(config, which);
  if (E.isLeft(one)) throw new Error(one.left);
  const { root } = one.right;
  const dataset = orThrow(await readDataset(one.right), root);
  return {
    classNames: dataset.descriptor.classNames,
    dataset,
    samples: limit(dataset.samples),
    format: config.format,
    root,
    split: dataset.descriptor.split,
    description: `${config.format} dataset at ${root}`,
    problems: dataset.problems,
  };
}

/** Loads the train and test splits a run config names (see `loadSplit`). */
export async function loadDataset(
  config: RunConfig['dataset'],
  options: LoadDatasetOptions = {},
): Promise<LoadedDataset> {
  const train = await loadSplit(config, 'train', options);
  const test = await loadSplit(config, 'test', options);
  return {
    classNames: train.classNames,
    train: train.samples,
    test: test.samples,
    description: train.description,
  };
}
