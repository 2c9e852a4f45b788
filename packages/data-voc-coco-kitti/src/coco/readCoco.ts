import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { describeDecodeError } from '@kd/codecs';
import * as E from 'fp-ts/lib/Either.js';
import { checkBox } from '../core/checkBox.js';
import { finishRead, type ReadResult } from '../core/dataset.js';
import type { DatasetDescriptor } from '../core/datasetDescriptor.js';
import { ProblemLog, type ProblemPolicy } from '../core/problem.js';
import { resolveInside } from '../core/resolveInside.js';
import type { ObjectAnnotation, Sample } from '../core/sample.js';
import { CocoAnnotation, CocoCategory, CocoImage } from './cocoCodecs.js';
import {
  type CocoSection,
  CocoStreamError,
  type SegmentationSummary,
  streamCocoElements,
} from './streamCocoElements.js';

export interface ReadCocoOptions {
  /** COCO root holding `annotations/instances_<split>.json` and `<split>/` (unless the paths below are given). */
  readonly root?: string;
  /** `val2017`, `train2017`...; default: taken from the annotation file name. */
  readonly split?: string;
  /** The instances file, overriding `root`/`split`. */
  readonly annotationFile?: string;
  /** Folder that `file_name`s are relative to (default `<root>/<split>`). */
  readonly imageDir?: string;
  readonly policy?: ProblemPolicy;
  /** Check that every image file exists (default false: COCO gives the sizes). */
  readonly checkImages?: boolean;
}

/** An annotation kept between streaming and assembly: flat fields only, to keep memory small. */
class PendingAnnotation {
  constructor(
    readonly index: number,
    readonly id: string,
    readonly imageId: string,
    readonly categoryId: number,
    readonly x: number,
    readonly y: number,
    readonly w: number,
    readonly h: number,
    readonly area: number,
    readonly crowd: boolean,
    readonly segKind: SegmentationSummary['kind'] | undefined,
  ) {}
}

const exists = async (p: string): Promise<boolean> =>
  stat(p).then(
    () => true,
    () => false,
  );

/**
 * Reads a COCO instances file by streaming it (bounded memory: peak heap stays a fraction of
 * the file size, see the package README), producing samples with boxes `[x, y, x + w, y + h]`.
 * Class indices follow the categories sorted by id; `descriptor.categoryIds` keeps the
 * original ids for results. Image ids are kept as exact decimal text. Problems are located by
 * JSON path (`annotations[12].bbox`).
 */
export const readCoco = async (o: ReadCocoOptions): Promise<ReadResult> => {
  const log = new ProblemLog(o.policy ?? 'fix');
  const split =
    o.split ??
    (o.annotationFile
      ? path.basename(o.annotationFile).replace(/^instances_|\.json$/g, '')
      : 'train2017');
  const root = path.resolve(
    o.root ?? (o.annotationFile ? path.dirname(path.dirname(path.resolve(o.annotationFile))) : '.'),
  );
  const annotationFile = path.resolve(
    o.annotationFile ?? path.join(root, 'annotations', `instances_${split}.json`),
  );
  const imageDir = path.resolve(o.imageDir ?? path.join(root, split));
  const file = annotationFile;
  const empty: DatasetDescriptor = { format: 'coco', root, split, classNames: [], categoryIds: [] };
  if (!(await exists(file))) {
    log.fatal(file, 'file', 'annotation file not found');
    return finishRead(empty, [], log);
  }
  const images = new Map<string, { img: CocoImage; path: string; index: number }>();
  const imageOrder: string[] = [];
  const pending: (PendingAnnotation | undefined)[] = [];
  const categories: CocoCategory[] = [];
  const categoryIndexInFile = new Map<number, number>();
  let missingArea = 0;
  let firstMissingArea = '';
  const report = (
    section: CocoSection,
    index: number,
    errors: Parameters<typeof describeDecodeError>[0][],
  ): void => {
    const d = describeDecodeError(errors[0]!, { root: `${section}[${index}]` });
    if (section === 'annotations') log.objectProblem(file, d.where, d.message, false);
    else if (section === 'images') log.imageProblem(file, d.where, d.message);
    else log.fatal(file, d.where, d.message);
  };
  let keys: Set<string>;
  try {
    keys = await streamCocoElements(file, {
      notArray: (section, got) => log.fatal(file, section, `expected an array, got ${got}`),
      element: (section, index, value) => {
        if (section === 'images') {
          const r = CocoImage.decode(value);
          if (E.isLeft(r)) return report(section, index, r.left);
          const img = r.right;
          const prev = images.get(img.id);
          if (prev) {
            const same =
              prev.img.width === img.width &&
              prev.img.height === img.height &&
              prev.img.file_name === img.file_name;
            if (same)
              log.warn(
                file,
                `images[${index}]`,
                `duplicate of images[${prev.index}] (id ${img.id}); read once`,
              );
            else
              log.imageProblem(
                file,
                `images[${index}]`,
                `image id ${img.id} already used by images[${prev.index}] with different content`,
              );
            return;
          }
          const p = resolveInside(imageDir, img.file_name);
          if (E.isLeft(p)) {
            log.imageProblem(file, `images[${index}].file_name`, p.left);
            return;
          }
          images.set(img.id, { img, path: p.right, index });
          imageOrder.push(img.id);
        } else if (section === 'annotations') {
          const r = CocoAnnotation.decode(value);
          if (E.isLeft(r)) return report(section, index, r.left);
          const seg = (value as { segmentation?: SegmentationSummary }).segmentation;
          const a: CocoAnnotation = r.right;
          const [x, y, w, h] = a.bbox;
          pending.push(
            new PendingAnnotation(
              index,
              a.id,
              a.image_id,
              a.category_id,
              x,
              y,
              w,
              h,
              a.area ?? Number.NaN,
              a.iscrowd ?? false,
              seg?.kind,
            ),
          );
          if (a.area === undefined) {
            if (missingArea === 0) firstMissingArea = `annotations[${index}]`;
            missingArea += 1;
          }
        } else {
          const r = CocoCategory.decode(value);
          if (E.isLeft(r)) return report(section, index, r.left);
          if (categoryIndexInFile.has(r.right.id)) {
            log.fatal(
              file,
              `categories[${index}].id`,
              `category id ${r.right.id} already used by categories[${categoryIndexInFile.get(r.right.id)}]`,
            );
            return;
          }
          categoryIndexInFile.set(r.right.id, index);
          categories.push(r.right);
        }
      },
    });
  } catch (e) {
    const err = e as CocoStreamError;
    log.fatal(file, err instanceof CocoStreamError ? err.where : 'file', err.message);
    return finishRead(empty, [], log);
  }
  if (!keys.has('images')) log.fatal(file, 'images', 'missing; expected an array of images');
  if (!keys.has('categories'))
    log.fatal(file, 'categories', 'missing; expected an array of categories');
  if (!keys.has('annotations'))
    log.warn(file, 'annotations', 'missing (an image-info file?); every image has no objects');
  categories.sort((a, b) => a.id - b.id);
  const descriptor: DatasetDescriptor = {
    format: 'coco',
    root,
    split,
    classNames: categories.map((c) => c.name),
    categoryIds: categories.map((c) => c.id),
  };
  if (log.hasFatal) return finishRead(descriptor, [], log);
  if (missingArea > 0) {
    log.warn(
      file,
      firstMissingArea,
      `${missingArea} annotation(s) have no area, first here; used bbox width*height instead`,
    );
  }
  const classOf = new Map(descriptor.categoryIds.map((id, i) => [id, i]));
  const objects = new Map<string, ObjectAnnotation[]>(imageOrder.map((id) => [id, []]));
  for (let k = 0; k < pending.length; k++) {
    const a = pending[k]!;
    pending[k] = undefined; // release as we go: pending and samples never both whole
    const where = `annotations[${a.index}]`;
    const img = images.get(a.imageId);
    if (!img) {
      log.objectProblem(file, `${where}.image_id`, `image id ${a.imageId} is not in images`, false);
      continue;
    }
    const classIndex = classOf.get(a.categoryId);
    if (classIndex === undefined) {
      log.objectProblem(
        file,
        `${where}.category_id`,
        `category id ${a.categoryId} is not in categories`,
        false,
      );
      continue;
    }
    const { x, y, w, h, crowd } = a;
    if (!(w > 0 && h > 0)) {
      log.objectProblem(
        file,
        `${where}.bbox`,
        `bbox [${[x, y, w, h].join(', ')}] has width or height <= 0; expected positive`,
        false,
      );
      continue;
    }
    if (crowd && a.segKind !== undefined && a.segKind !== 'rle' && a.segKind !== 'polygons') {
      log.warn(
        file,
        `${where}.segmentation`,
        'crowd annotation without an RLE or polygon segmentation',
      );
    }
    const box = checkBox(
      [x, y, x + w, y + h],
      img.img.width,
      img.img.height,
      log,
      file,
      `${where}.bbox`,
    );
    if (box === undefined) continue;
    objects.get(a.imageId)!.push({
      box,
      classIndex,
      difficult: false,
      crowd,
      truncated: 0,
      occluded: 0,
      area: Number.isNaN(a.area) ? w * h : a.area,
      annotationId: a.id,
    });
  }
  const samples: Sample[] = [];
  for (const id of imageOrder) {
    const { img, path: p } = images.get(id)!;
    if (o.checkImages && !(await exists(p))) {
      log.imageProblem(
        file,
        `images[${images.get(id)!.index}].file_name`,
        `image file ${p} not found`,
      );
      continue;
    }
    samples.push({
      id,
      path: p,
      fileName: img.file_name,
      width: img.width,
      height: img.height,
      objects: objects.get(id)!,
      ignore: [],
    });
  }
  return finishRead(descriptor, samples, log);
};
