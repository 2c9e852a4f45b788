import { describeDecodeError } from '@kd/codecs';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import type { ReadResult } from './dataset.js';
import { datasetFormat, datasetFormatNames } from './datasetFormats.js';
import { FiniteNumber, PositiveInt } from './numberCodecs.js';

const NonEmptyString = new t.Type<string, string, unknown>(
  'non-empty string',
  (u): u is string => typeof u === 'string' && u.length > 0,
  (u, c) =>
    typeof u === 'string' && u.length > 0
      ? t.success(u)
      : t.failure(u, c, 'expected a non-empty string'),
  (s) => s,
);

const oneOf = <A extends string>(name: string, values: readonly A[]) =>
  new t.Type<A, A, unknown>(
    name,
    (u): u is A => values.includes(u as A),
    (u, c) =>
      values.includes(u as A)
        ? t.success(u as A)
        : t.failure(u, c, `expected one of ${values.join(', ')}`),
    (a) => a,
  );

/** A codec for a registered dataset format's name (see `registerDatasetFormat`) or one of `extra`. */
const formatName = (extra: readonly string[]) => {
  const ok = (u: unknown): u is string =>
    typeof u === 'string' && (extra.includes(u) || datasetFormat(u) !== undefined);
  return new t.Type<string, string, unknown>(
    'DatasetFormat',
    ok,
    (u, c) =>
      ok(u)
        ? t.success(u)
        : t.failure(u, c, `expected one of ${[...extra, ...datasetFormatNames()].join(', ')}`),
    (s) => s,
  );
};

/** A registered dataset format's name (see `registerDatasetFormat`), checked when decoded. */
export const DatasetFormatName = formatName([]);

// The fields both dataset configs share, written once.
/** Class names (VOC / KITTI). Default: the format's standard classes. */
const classes = t.array(NonEmptyString);
/** What the reader does with a bad object: fix it when it can, skip it, or stop. */
const policy = oneOf('policy', ['fix', 'skip', 'fatal'] as const);
/** COCO: the folder the images' file_names are relative to (default <root>/<split>). */
const imageDir = NonEmptyString;

/**
 * A dataset as a user names it in a config file:
 * `{ format: "voc"|"coco"|"kitti", root, split?, classes?, policy?, year?, annotationFile?, imageDir? }`.
 * Unknown keys are errors (a misspelt key would otherwise be silently ignored).
 */
export const DatasetConfig = t.exact(
  t.intersection([
    t.type({ format: DatasetFormatName, root: NonEmptyString }),
    t.partial({
      split: NonEmptyString,
      classes,
      policy,
      year: NonEmptyString,
      annotationFile: NonEmptyString,
      imageDir,
    }),
  ]),
);
export type DatasetConfig = t.TypeOf<typeof DatasetConfig>;

/** `shapes` (the embedded generated dataset, see `generateShapesDataset`) or a registered format. */
const TrainTestDatasetFormat = formatName(['shapes']);

/**
 * A dataset with a train and a test split, as a training run names it (the `dataset` section of
 * a run config): a registered format's `root` with `trainSplit` / `testSplit`, or `shapes`, the
 * embedded generated dataset, with its `seed` and sizes. `limitTrain` / `limitTest` keep only the
 * first N images of a split (a small labelled set). `root` is required for every format but
 * `shapes` (whose default is a cache folder); `splitDatasetConfig` checks it.
 */
export const TrainTestDatasetConfig = t.exact(
  t.intersection([
    t.type({ format: TrainTestDatasetFormat }),
    t.partial({
      root: NonEmptyString,
      trainSplit: NonEmptyString,
      testSplit: NonEmptyString,
      classes,
      imageDir,
      seed: FiniteNumber,
      trainImages: PositiveInt,
      testImages: PositiveInt,
      imageSize: PositiveInt,
      limitTrain: PositiveInt,
      limitTest: PositiveInt,
      policy,
    }),
  ]),
);
export type TrainTestDatasetConfig = t.TypeOf<typeof TrainTestDatasetConfig>;

/**
 * The `DatasetConfig` of one split of a registered-format `TrainTestDatasetConfig` (not `shapes`,
 * which is generated first), or why there is none.
 */
export const splitDatasetConfig = (
  c: TrainTestDatasetConfig,
  which: 'train' | 'test',
  base = 'dataset',
): E.Either<string, DatasetConfig> => {
  if (c.format === 'shapes' || datasetFormat(c.format) === undefined)
    return E.left(
      `${base}.format: expected one of ${datasetFormatNames().join(', ')}, got "${c.format}"`,
    );
  if (c.root === undefined) return E.left(`${base}.root is required for format '${c.format}'`);
  const split = which === 'train' ? c.trainSplit : c.testSplit;
  return E.right({
    format: c.format,
    root: c.root,
    ...(split ? { split } : {}),
    ...(c.classes ? { classes: c.classes } : {}),
    ...(c.policy ? { policy: c.policy } : {}),
    ...(c.imageDir ? { imageDir: c.imageDir } : {}),
  });
};

const KEYS = new Set([
  ...Object.keys(DatasetConfig.type.types[0].props),
  ...Object.keys(DatasetConfig.type.types[1].props),
]);

/**
 * Decodes a dataset config (e.g. the `dataset` section of a JSON/YAML config); errors are
 * `"<base>.<path>: expected ..., got ..."`, one per problem, unknown keys included.
 */
export const decodeDatasetConfig = (
  u: unknown,
  base = 'dataset',
): E.Either<string[], DatasetConfig> => {
  const unknownKeys =
    typeof u === 'object' && u !== null && !Array.isArray(u)
      ? Object.keys(u)
          .filter((k) => !KEYS.has(k))
          .map((k) => `${base}.${k}: unknown key; expected one of ${[...KEYS].join(', ')}`)
      : [];
  const r = DatasetConfig.decode(u);
  if (E.isLeft(r)) {
    return E.left([
      ...r.left.map((e) => {
        const d = describeDecodeError(e, { root: base });
        return `${d.where}: ${d.message}`;
      }),
      ...unknownKeys,
    ]);
  }
  return unknownKeys.length ? E.left(unknownKeys) : E.right(r.right);
};

/** Reads the dataset a config names, with its format's reader (see `registerDatasetFormat`). */
export const readDataset = (c: DatasetConfig): Promise<ReadResult> =>
  // The codec admitted only registered names.
  datasetFormat(c.format)!.read(c);
