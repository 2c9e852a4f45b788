import * as E from 'fp-ts/lib/Either.js';
import type { ReadResult } from '../core/dataset.js';
import { datasetFormat, datasetFormatNames } from '../core/datasetFormats.js';
import type { ProblemPolicy } from '../core/problem.js';
import type { Sample } from '../core/sample.js';
import { maxPixels as pixelLimit } from '../image/maxPixels.js';
import { mapLimit } from '../internal/mapLimit.js';
import { checkImageFile } from './checkImageFile.js';

export interface DatasetStatsOptions {
  /** A registered format's name (`datasetFormatNames()`); an unknown one is a fatal problem. */
  readonly format: string;
  readonly root: string;
  /** VOC/KITTI split file stem, COCO annotation split (`val2017`). */
  readonly split?: string;
  /** Class list; default: discovered from the annotations (VOC, KITTI), the categories (COCO). */
  readonly classes?: readonly string[];
  /** Default `fix`: report everything, fail only on what cannot be read at all. */
  readonly policy?: ProblemPolicy;
  /**
   * Check every image file as training will need it (exists, within the pixel limit, not
   * truncated; see `checkImageFile`). Default true.
   */
  readonly checkImages?: boolean;
  /** Pixel limit of the image check (default: `maxPixels()`, i.e. `KD_MAX_PIXELS` or 4096²). */
  readonly maxPixels?: number;
}

/** One bin of the box-size histogram: boxes with `min <= sqrt(w*h) < max` pixels. */
export interface SizeBin {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly count: number;
}

/** What `kd data stats` prints. */
export interface DatasetStats {
  readonly format: string;
  readonly root: string;
  readonly split: string;
  readonly images: number;
  readonly objects: number;
  readonly perClass: Record<string, number>;
  readonly difficult: number;
  readonly crowd: number;
  readonly dontCare: number;
  /** Boxes by sqrt(box area) in pixels; `cocoAreas` uses COCO's small/medium/large box-area limits 32², 96². */
  readonly sizeHistogram: {
    readonly bins: readonly SizeBin[];
    readonly cocoAreas: { small: number; medium: number; large: number };
  };
  readonly skippedImages: number;
  readonly skippedObjects: number;
  readonly fixedObjects: number;
  /** Images whose file is missing, too large or damaged (each one is also a fatal problem). */
  readonly badImages: number;
  readonly problems: readonly { file: string; where: string; message: string; fatal: boolean }[];
  /** Some problem is fatal: the dataset cannot be used as it is (the CLI exits non-zero). */
  readonly fatal: boolean;
}

const EDGES = [0, 8, 16, 32, 64, 128, 256, Number.POSITIVE_INFINITY];

/** Counts of a set of samples (exported for callers that already hold a dataset). */
export const countSamples = (samples: readonly Sample[], classNames: readonly string[]) => {
  const perClass: Record<string, number> = Object.fromEntries(classNames.map((c) => [c, 0]));
  const bins = EDGES.slice(0, -1).map((min, i) => ({
    label: EDGES[i + 1] === Number.POSITIVE_INFINITY ? `>=${min}` : `${min}-${EDGES[i + 1]}`,
    min,
    max: EDGES[i + 1]!,
    count: 0,
  }));
  const cocoAreas = { small: 0, medium: 0, large: 0 };
  let objects = 0;
  let difficult = 0;
  let crowd = 0;
  let dontCare = 0;
  for (const s of samples) {
    dontCare += s.ignore.length;
    for (const o of s.objects) {
      objects += 1;
      const name = classNames[o.classIndex] ?? `#${o.classIndex}`;
      perClass[name] = (perClass[name] ?? 0) + 1;
      if (o.difficult) difficult += 1;
      if (o.crowd) crowd += 1;
      const area = (o.box[2] - o.box[0]) * (o.box[3] - o.box[1]);
      const side = Math.sqrt(area);
      const bin = bins.find((b) => side >= b.min && side < b.max);
      if (bin) bin.count += 1;
      if (area < 32 ** 2) cocoAreas.small += 1;
      else if (area < 96 ** 2) cocoAreas.medium += 1;
      else cocoAreas.large += 1;
    }
  }
  return {
    images: samples.length,
    objects,
    perClass,
    difficult,
    crowd,
    dontCare,
    sizeHistogram: { bins, cocoAreas },
  };
};

/**
 * Reads a dataset in any registered format and summarises it (with the class list discovered from
 * the annotations when the format's module can and no `classes` are given): images, objects per class,
 * difficult / crowd / DontCare counts, a box-size histogram, and every validation problem
 * with its location, and every image file that training could not decode (missing, above the
 * pixel limit, truncated) as a fatal problem. Never throws for bad data: a dataset that cannot
 * be read gives zero counts and its fatal problems.
 * @example
 * const s = await datasetStats({ format: 'voc', root: '/data/VOCdevkit', split: 'test' });
 * console.log(formatStatsTable(s));
 */
export const datasetStats = async (o: DatasetStatsOptions): Promise<DatasetStats> => {
  const policy = o.policy ?? 'fix';
  const format = datasetFormat(o.format);
  const options = {
    root: o.root,
    ...(o.split ? { split: o.split } : {}),
    ...(o.classes ? { classes: o.classes } : {}),
    policy,
  };
  const r: ReadResult = !format
    ? E.left({
        problems: [
          {
            file: o.root,
            where: 'format',
            message: `expected one of ${datasetFormatNames().join(', ')}, got ${JSON.stringify(o.format)}`,
            fatal: true,
            action: 'fatal',
          },
        ],
      })
    : o.classes === undefined && format.readDiscoveringClasses
      ? await format.readDiscoveringClasses(options)
      : await format.read(options);
  const problems = (E.isRight(r) ? r.right.problems : r.left.problems).map(
    ({ file, where, message, fatal }) => ({ file, where, message, fatal }),
  );
  if (E.isLeft(r)) {
    return {
      format: o.format,
      root: o.root,
      split: o.split ?? '',
      ...countSamples([], []),
      skippedImages: 0,
      skippedObjects: 0,
      fixedObjects: 0,
      badImages: 0,
      problems,
      fatal: true,
    };
  }
  const ds = r.right;
  const names = o.classes ?? ds.descriptor.classNames;
  let badImages = 0;
  if (o.checkImages ?? true) {
    const limit = pixelLimit(o.maxPixels);
    const found = await mapLimit(ds.samples, 8, (s) => checkImageFile(s.path, s, limit));
    for (const [i, p] of found.entries()) {
      if (!p) continue;
      badImages += 1;
      problems.push({ file: ds.samples[i]!.path, where: p.where, message: p.message, fatal: true });
    }
  }
  if (ds.samples.length === 0)
    problems.push({
      file: ds.descriptor.root,
      where: `split ${ds.descriptor.split}`,
      message: `no usable image (${ds.skippedImages} skipped); nothing to train or evaluate on`,
      fatal: true,
    });
  return {
    format: o.format,
    root: ds.descriptor.root,
    split: ds.descriptor.split,
    ...countSamples(ds.samples, names),
    skippedImages: ds.skippedImages,
    skippedObjects: ds.skippedObjects,
    fixedObjects: ds.fixedObjects,
    badImages,
    problems,
    fatal: badImages > 0 || ds.samples.length === 0,
  };
};
