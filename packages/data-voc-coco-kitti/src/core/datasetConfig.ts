import { describeDecodeError } from '@kd/codecs';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import type { ReadResult } from './dataset.js';
import { datasetFormat, datasetFormatNames } from './datasetFormats.js';

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

/** A registered dataset format's name (see `registerDatasetFormat`), checked when decoded. */
export const DatasetFormatName = new t.Type<string, string, unknown>(
  'DatasetFormat',
  (u): u is string => typeof u === 'string' && datasetFormat(u) !== undefined,
  (u, c) =>
    typeof u === 'string' && datasetFormat(u) !== undefined
      ? t.success(u)
      : t.failure(u, c, `expected one of ${datasetFormatNames().join(', ')}`),
  (s) => s,
);

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
      classes: t.array(NonEmptyString),
      policy: oneOf('policy', ['fix', 'skip', 'fatal'] as const),
      year: NonEmptyString,
      annotationFile: NonEmptyString,
      imageDir: NonEmptyString,
    }),
  ]),
);
export type DatasetConfig = t.TypeOf<typeof DatasetConfig>;

const KEYS = new Set([
  'format',
  'root',
  'split',
  'classes',
  'policy',
  'year',
  'annotationFile',
  'imageDir',
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
