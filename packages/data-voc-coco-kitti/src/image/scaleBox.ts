import type { BoxXyxy } from '../core/sample.js';

const f32 = Math.fround;

/**
 * Maps a box from an image of `from` size to one of `to` size, per axis (torchvision
 * `resize_boxes`: ratios `to / from` in float32).
 */
export const scaleBox = (
  b: BoxXyxy,
  from: { readonly height: number; readonly width: number },
  to: { readonly height: number; readonly width: number },
): BoxXyxy => {
  const rw = f32(to.width / from.width);
  const rh = f32(to.height / from.height);
  return [f32(b[0] * rw), f32(b[1] * rh), f32(b[2] * rw), f32(b[3] * rh)];
};
