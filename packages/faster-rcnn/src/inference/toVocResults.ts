import type { Detections } from '../model/types.js';
import { checkDetections } from './checkDetections.js';
import { formatNumber, type NumberFormatOptions } from './formatNumber.js';

/** One VOC devkit results file. */
export interface VocResultFile {
  readonly className: string;
  /** `comp4_det_<split>_<class>.txt`. */
  readonly fileName: string;
  /** Lines `image_id score xmin ymin xmax ymax\n` (empty when the class has no detection). */
  readonly text: string;
}

export interface VocResultOptions extends NumberFormatOptions {
  /** The image set evaluated, part of the file name. Default `test`. */
  readonly split?: string;
}

const NO_SPACE = /^\S+$/;

/**
 * Turns detections into the VOC devkit's per-class result files
 * (`results/VOC2007/Main/comp4_det_<split>_<class>.txt`, lines `image_id score xmin ymin xmax ymax`),
 * one file per class, empty files included (the devkit opens every class's file).
 *
 * Coordinates go back to VOC's 1-based inclusive pixel indices, the inverse of how
 * `@kd/data-voc-coco-kitti` reads VOC boxes: `xmin = x1 + 1`, `ymin = y1 + 1`, `xmax = x2`,
 * `ymax = y2`. Lines follow image order, then the detections' order. Pure; throws `RangeError` on
 * inconsistent input or ids/names containing white space.
 *
 * @param detections one entry per image, boxes `[D*4]` x1,y1,x2,y2 in original-image pixels, labels 1…C.
 * @param imageIds `[images]` VOC image ids (`000005`), as listed in `ImageSets/Main/<split>.txt`.
 * @param classNames `[C]`: `classNames[label − 1]` names model label `label`.
 * @example
 * for (const f of toVocResults(dets, ids, VOC_CLASSES)) writeFileSync(join(dir, f.fileName), f.text);
 */
export function toVocResults(
  detections: readonly Detections[],
  imageIds: readonly string[],
  classNames: readonly string[],
  options: VocResultOptions = {},
): VocResultFile[] {
  checkDetections('toVocResults', detections, imageIds.length, classNames.length);
  const split = options.split ?? 'test';
  for (const [what, v] of [
    ['split', split],
    ...imageIds.map((id) => ['image id', id] as const),
    ...classNames.map((c) => ['class name', c] as const),
  ] as const) {
    if (!NO_SPACE.test(v))
      throw new RangeError(`toVocResults: ${what} "${v}" is empty or has white space`);
  }
  const lines: string[][] = classNames.map(() => []);
  const f = (v: number) => formatNumber(v, options);
  detections.forEach((d, i) => {
    for (let j = 0; j < d.scores.length; j++) {
      const b = d.boxes.subarray(4 * j, 4 * j + 4);
      lines[d.labels[j]! - 1]!.push(
        `${imageIds[i]} ${f(d.scores[j]!)} ${f(b[0]! + 1)} ${f(b[1]! + 1)} ${f(b[2]!)} ${f(b[3]!)}\n`,
      );
    }
  });
  return classNames.map((className, c) => ({
    className,
    fileName: `comp4_det_${split}_${className}.txt`,
    text: lines[c]!.join(''),
  }));
}
