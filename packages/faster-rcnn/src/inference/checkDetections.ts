import type { Detections } from '../model/types.js';

/** Validates what the result writers rely on: one id per image, `[D*4]` boxes, labels in 1…numClasses. */
export function checkDetections(
  writer: string,
  detections: readonly Detections[],
  imageCount: number,
  numClasses: number,
): void {
  if (detections.length !== imageCount) {
    throw new RangeError(
      `${writer}: ${detections.length} detection lists but ${imageCount} image ids (one id per image)`,
    );
  }
  detections.forEach((d, i) => {
    const n = d.scores.length;
    if (d.boxes.length !== 4 * n || d.labels.length !== n) {
      throw new RangeError(
        `${writer}: image ${i} has ${d.boxes.length} box values, ${n} scores and ${d.labels.length} labels (expected 4·D, D, D)`,
      );
    }
    for (let j = 0; j < n; j++) {
      const l = d.labels[j]!;
      if (!(l >= 1 && l <= numClasses)) {
        throw new RangeError(
          `${writer}: image ${i}, detection ${j} has label ${l}; expected 1…${numClasses}`,
        );
      }
    }
  });
}
