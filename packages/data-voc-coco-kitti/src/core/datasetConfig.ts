import { describeDecodeError } from '@kd/codecs';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { readCoco } from '../coco/readCoco.js';
import { readKitti } from '../kitti/readKitti.js';
import { readVoc } from '../voc/readVoc.js';
import type { ReadResult } from './dataset.js';

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

/**
 * A dataset as a user names it in a config file:
 * `{ format: "voc"|"coco"|"kitti", root, split?, classes?, policy?, year?, annotationFile?, imageDir? }`.
 * Unknown keys are errors (a misspelt key would otherwise be silently ignored).
 */
export const DatasetConfig = t.exact(
  t.intersection([
    t.type({ format: oneOf('format', ['voc', 'coco', 'kitti'] as const), root: NonEmptyString }),
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

/** Reads the dataset a config names, with the matching reader. */
export const readDataset = (c: DatasetConfig): Promise<ReadResult> => {
  const common = {
    ...(c.split ? { split: c.split } : {}),
    ...(c.policy ? { policy: c.policy } : {}),
  };
  switch (c.format) {
    case 'voc':
      return readVoc({
        root: c.root,
        ...common,
        ...(c.year ? { year: c.year } : {}),
        ...(c.classes ? { classes: c.classes } : {}),
      });
    case 'kitti':
      return readKitti({ root: c.root, ...common, ...(c.classes ? { classes: c.classes } : {}) });
    case 'coco':
      return readCoco({
        root: c.root,
        ...common,
        ...(c.annotationFile ? { annotationFile: c.annotationFile } : {}),
        ...(c.imageDir ? { imageDir: c.imageDir } : {}),
      });
  }
};
