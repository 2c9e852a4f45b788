/** Shared pieces of {@link encodeBoxes} and {@link decodeBoxes}. */

/**
 * Box-coding conventions:
 * - `torchvision`: BoxCoder (`w = x2 - x1`, centre `x1 + 0.5 w`, decoded `x2 = cx + 0.5 w`).
 * - `py-faster-rcnn`: `bbox_transform` / `bbox_transform_inv` of the original Faster R-CNN
 *   (`w = x2 - x1 + 1`, centre `x1 + 0.5 w`, decoded `x2 = cx + 0.5 w`, no `dw` clamp by default).
 * - `detectron`: Detectron's variant of the `+1` convention, whose decoding is the exact inverse
 *   of its encoding (`x2 = cx + 0.5 w - 1`); `dw` clamped like torchvision.
 */
export type BoxCodingConvention = 'torchvision' | 'py-faster-rcnn' | 'detectron';

/** `[wx, wy, ww, wh]`: deltas are `wx * dx, wy * dy, ww * dw, wh * dh` (e.g. 10, 10, 5, 5). */
export type BoxCodingWeights = readonly [number, number, number, number];

/** torchvision's `bbox_xform_clip`: exp() never sees more than log(1000 / 16). */
export const DEFAULT_BBOX_XFORM_CLIP = Math.log(1000 / 16);

export const widthOffset = (c: BoxCodingConvention): number => (c === 'torchvision' ? 0 : 1);
