import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { KITTI_CLASSES } from '@kd/codecs';
import * as E from 'fp-ts/lib/Either.js';
import { finishRead, type ReadResult } from '../core/dataset.js';
import { contiguousDescriptor } from '../core/datasetDescriptor.js';
import { ProblemLog, type ProblemPolicy } from '../core/problem.js';
import type { Sample } from '../core/sample.js';
import { readImageSize } from '../image/readImageSize.js';
import { mapLimit } from '../internal/mapLimit.js';
import { readBoundedText } from '../internal/readBoundedText.js';
import { readSplitFile } from '../internal/readSplitFile.js';
import { sortDiscovered } from '../internal/sortDiscovered.js';
import { parseKittiLabel } from './parseKittiLabel.js';

export interface ReadKittiOptions {
  /** KITTI object root, the folder holding `training/`. */
  readonly root: string;
  /** Split name: ids read from `<root>/ImageSets/<split>.txt`. Without split or splitFile, every label file. */
  readonly split?: string;
  /** An explicit split file (one id per line), instead of `split`. */
  readonly splitFile?: string;
  /**
   * Types that are classes, in index order (default Car Van Truck Pedestrian Person_sitting
   * Cyclist Tram Misc), or `'discover'`: every type but DontCare, in sorted order.
   */
  readonly classes?: readonly string[] | 'discover';
  readonly policy?: ProblemPolicy;
  /** Largest label file accepted (default 1 MiB; real ones are < 2 kB). */
  readonly maxLabelBytes?: number;
}

const exists = async (p: string): Promise<boolean> =>
  stat(p).then(
    () => true,
    () => false,
  );

/**
 * Reads a KITTI object split: `training/label_2/<id>.txt` and `training/image_2/<id>.png`
 * (each image's size read from its header; KITTI sizes vary). Boxes are taken as 0-based
 * continuous pixels; `DontCare` lines become `Sample.ignore`.
 */
export const readKitti = async (o: ReadKittiOptions): Promise<ReadResult> => {
  const log = new ProblemLog(o.policy ?? 'fix');
  const root = path.resolve(o.root);
  const discover = o.classes === 'discover';
  const classes: readonly string[] =
    o.classes === undefined || o.classes === 'discover'
      ? discover
        ? []
        : KITTI_CLASSES
      : o.classes;
  const split = o.split ?? (o.splitFile ? path.basename(o.splitFile).replace(/\.txt$/, '') : 'all');
  const descriptor = contiguousDescriptor('kitti', root, split, classes);
  const labelDir = path.join(root, 'training', 'label_2');
  const imageDir = path.join(root, 'training', 'image_2');
  if (!(await exists(labelDir))) {
    log.fatal(
      root,
      'folder',
      'no training/label_2 folder; expected a KITTI object root holding training/{image_2,label_2}',
    );
    return finishRead(descriptor, [], log);
  }
  let ids: string[] | undefined;
  if (o.splitFile || o.split) {
    if (o.split && !/^[\w.-]+$/.test(o.split)) {
      log.fatal(root, 'split', `split name ${JSON.stringify(o.split)} is not a plain file stem`);
      return finishRead(descriptor, [], log);
    }
    ids = await readSplitFile(
      o.splitFile ? path.resolve(o.splitFile) : path.join(root, 'ImageSets', `${o.split}.txt`),
      log,
    );
  } else {
    ids = (await readdir(labelDir))
      .filter((f) => f.endsWith('.txt'))
      .map((f) => f.slice(0, -4))
      .sort();
  }
  if (ids === undefined) return finishRead(descriptor, [], log);
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  const maxBytes = o.maxLabelBytes ?? 1024 * 1024;
  const samples = await mapLimit(ids, 16, async (id): Promise<Sample | undefined> => {
    if (log.hasFatal) return undefined;
    const file = path.join(labelDir, `${id}.txt`);
    let imagePath = path.join(imageDir, `${id}.png`);
    if (!(await exists(imagePath)) && (await exists(path.join(imageDir, `${id}.jpg`)))) {
      imagePath = path.join(imageDir, `${id}.jpg`);
    }
    const size = await readImageSize(imagePath);
    if (E.isLeft(size)) {
      log.imageProblem(imagePath, 'file', size.left);
      return undefined;
    }
    const text = await readBoundedText(file, maxBytes);
    if (E.isLeft(text)) {
      log.imageProblem(file, 'file', text.left);
      return undefined;
    }
    const { width, height } = size.right;
    const parsed = parseKittiLabel(text.right, { file, width, height, classIndex, discover, log });
    if (parsed === undefined) return undefined;
    return { id, path: imagePath, fileName: path.basename(imagePath), width, height, ...parsed };
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
