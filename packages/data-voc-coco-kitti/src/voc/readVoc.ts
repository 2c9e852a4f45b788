import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { VOC_CLASSES } from '@kd/codecs';
import * as E from 'fp-ts/lib/Either.js';
import { finishRead, type ReadResult } from '../core/dataset.js';
import { contiguousDescriptor } from '../core/datasetDescriptor.js';
import { ProblemLog, type ProblemPolicy } from '../core/problem.js';
import type { Sample } from '../core/sample.js';
import { mapLimit } from '../internal/mapLimit.js';
import { readBoundedText } from '../internal/readBoundedText.js';
import { readSplitFile } from '../internal/readSplitFile.js';
import { sortDiscovered } from '../internal/sortDiscovered.js';
import { decodeVocAnnotation } from './decodeVocAnnotation.js';

export interface ReadVocOptions {
  /** A `VOC20xx` folder, or a folder holding `VOCdevkit/VOC20xx` or `VOC20xx` (then see `year`). */
  readonly root: string;
  /** `2007`, `2012`...; needed only when `root` holds several years. */
  readonly year?: string;
  /** Split file stem in `ImageSets/Main` (default `trainval`, else `train`). */
  readonly split?: string;
  /**
   * Class names, in index order (default the 20 VOC classes), or `'discover'`: every `<name>`
   * found is a class, indexed in sorted name order.
   */
  readonly classes?: readonly string[] | 'discover';
  readonly policy?: ProblemPolicy;
  /** Check every image file exists and its header size matches `<size>` (default true). */
  readonly checkImages?: boolean;
  /** Largest annotation file accepted (default 4 MiB; real ones are ~1 kB). */
  readonly maxAnnotationBytes?: number;
}

const exists = async (p: string): Promise<boolean> =>
  stat(p).then(
    () => true,
    () => false,
  );

/** Finds the `VOC20xx` folder (the one holding `Annotations`) from a user-given root. */
export const resolveVocYearDir = async (
  root: string,
  year?: string,
): Promise<E.Either<string, string>> => {
  const abs = path.resolve(root);
  if (await exists(path.join(abs, 'Annotations'))) return E.right(abs);
  for (const base of [path.join(abs, 'VOCdevkit'), abs]) {
    if (!(await exists(base))) continue;
    const years = (await readdir(base)).filter((d) => /^VOC\d{4}$/.test(d)).sort();
    const pick = year
      ? years.find((y) => y === `VOC${year}`)
      : years.length === 1
        ? years[0]
        : undefined;
    if (pick) return E.right(path.join(base, pick));
    if (years.length > 1 && !year)
      return E.left(`${base} holds ${years.join(', ')}; say which year`);
  }
  return E.left(
    `no VOC20xx folder with Annotations/ found at ${abs}${year ? ` for year ${year}` : ''}`,
  );
};

/**
 * Reads a PASCAL VOC split: `ImageSets/Main/<split>.txt`, `Annotations/<id>.xml`,
 * `JPEGImages/<filename>`. Boxes are converted to 0-based continuous `[xmin-1, ymin-1, xmax, ymax]`.
 * Every problem is located (file + element path or line); the policy decides what is fixed,
 * skipped or fatal.
 * @example
 * const r = await readVoc({ root: '/data/VOCdevkit/VOC2007', split: 'test' });
 * if (E.isRight(r)) console.log(r.right.samples.length);
 */
export const readVoc = async (o: ReadVocOptions): Promise<ReadResult> => {
  const log = new ProblemLog(o.policy ?? 'fix');
  const discover = o.classes === 'discover';
  const classes: readonly string[] =
    o.classes === undefined || o.classes === 'discover' ? (discover ? [] : VOC_CLASSES) : o.classes;
  const yearDir = await resolveVocYearDir(o.root, o.year);
  const split =
    o.split ??
    ((await exists(
      path.join(E.isRight(yearDir) ? yearDir.right : '', 'ImageSets', 'Main', 'trainval.txt'),
    ))
      ? 'trainval'
      : 'train');
  const descriptor = contiguousDescriptor(
    'voc',
    E.isRight(yearDir) ? yearDir.right : path.resolve(o.root),
    split,
    classes,
  );
  if (E.isLeft(yearDir)) {
    log.fatal(path.resolve(o.root), 'folder', yearDir.left);
    return finishRead(descriptor, [], log);
  }
  const dir = yearDir.right;
  if (!/^[\w.-]+$/.test(split)) {
    log.fatal(dir, 'split', `split name ${JSON.stringify(split)} is not a plain file stem`);
    return finishRead(descriptor, [], log);
  }
  const splitFile = path.join(dir, 'ImageSets', 'Main', `${split}.txt`);
  if (!(await exists(splitFile))) {
    const main = path.join(dir, 'ImageSets', 'Main');
    const avail = (await exists(main))
      ? (await readdir(main)).filter((f) => f.endsWith('.txt') && !f.includes('_'))
      : [];
    log.fatal(
      splitFile,
      'file',
      `split file not found; available splits: ${avail.map((f) => f.slice(0, -4)).join(', ') || 'none'}`,
    );
    return finishRead(descriptor, [], log);
  }
  const ids = await readSplitFile(splitFile, log);
  if (ids === undefined) return finishRead(descriptor, [], log);
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  const maxBytes = o.maxAnnotationBytes ?? 4 * 1024 * 1024;
  const samples = await mapLimit(ids, 16, async (id) => {
    if (log.hasFatal) return undefined;
    const file = path.join(dir, 'Annotations', `${id}.xml`);
    const text = await readBoundedText(file, maxBytes);
    if (E.isLeft(text)) {
      log.imageProblem(file, 'file', text.left);
      return undefined;
    }
    return decodeVocAnnotation(text.right, {
      id,
      file,
      imageDir: path.join(dir, 'JPEGImages'),
      classIndex,
      discover,
      log,
      checkImages: o.checkImages ?? true,
    });
  });
  const kept = samples.filter((s): s is Sample => s !== undefined);
  if (!discover) return finishRead(descriptor, kept, log);
  const sorted = sortDiscovered(classIndex, kept);
  return finishRead(
    {
      ...descriptor,
      classNames: sorted.classNames,
      categoryIds: sorted.classNames.map((_, i) => i + 1),
    },
    sorted.samples,
    log,
  );
};
