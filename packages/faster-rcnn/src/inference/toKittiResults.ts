import type { Detections } from '../model/types.js';
import { checkDetections } from './checkDetections.js';
import { formatNumber, type NumberFormatOptions } from './formatNumber.js';

/** One KITTI object-detection results file (`<image id>.txt`). */
export interface KittiResultFile {
  readonly imageId: string;
  readonly fileName: string;
  /** 16-column lines (label columns + score), empty when the image has no detection. */
  readonly text: string;
}

const NO_SPACE = /^\S+$/;

/**
 * Turns detections into KITTI object-detection result files, one per image, each line
 * `type -1 -1 -10 left top right bottom -1 -1 -1 -1000 -1000 -1000 -10 score`: a 2D detector
 * leaves truncation and occlusion at -1, alpha at -10 and the 3D box at the devkit's "unknown"
 * values. KITTI boxes are continuous pixels, so x1,y1,x2,y2 are written as they are. Pure; throws
 * `RangeError` on inconsistent input or ids/type names containing white space.
 *
 * @param detections one entry per image, boxes `[D*4]` x1,y1,x2,y2 in original-image pixels, labels 1…C.
 * @param imageIds `[images]` KITTI frame ids (`000123`).
 * @param classNames `[C]` KITTI types (`Car`, `Pedestrian`, `Cyclist`): `classNames[label − 1]`.
 * @example
 * for (const f of toKittiResults(dets, ids, ['Car', 'Pedestrian', 'Cyclist'])) writeFileSync(join(dir, f.fileName), f.text);
 */
export function toKittiResults(
  detections: readonly Detections[],
  imageIds: readonly string[],
  classNames: readonly string[],
  options: NumberFormatOptions = {},
): KittiResultFile[] {
  checkDetections('toKittiResults', detections, imageIds.length, classNames.length);
  for (const [what, v] of [
    ...imageIds.map((id) => ['image id', id] as const),
    ...classNames.map((c) => ['class name', c] as const),
  ] as const) {
    if (!NO_SPACE.test(v))
      throw new RangeError(`toKittiResults: ${what} "${v}" is empty or has white space`);
  }
  const f = (v: number) => formatNumber(v, options);
  return detections.map((d, i) => {
    let text = '';
    for (let j = 0; j < d.scores.length; j++) {
      const b = d.boxes.subarray(4 * j, 4 * j + 4);
      text += `${classNames[d.labels[j]! - 1]} -1 -1 -10 ${f(b[0]!)} ${f(b[1]!)} ${f(b[2]!)} ${f(b[3]!)} -1 -1 -1 -1000 -1000 -1000 -10 ${f(d.scores[j]!)}\n`;
    }
    const imageId = imageIds[i]!;
    return { imageId, fileName: `${imageId}.txt`, text };
  });
}
