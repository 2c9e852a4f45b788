// The browser-safe part of this package (the `browser` export condition): pure image arithmetic
// shared by training (Node) and deployed inference (pages), so both feed networks the same numbers.
export { fasterRcnnSize } from './image/fasterRcnnSize.js';
export { flipBoxHorizontal, flipImageHorizontal } from './image/flipHorizontal.js';
export {
  IMAGENET_MEAN,
  IMAGENET_STD,
  type NormalizeOptions,
  normalizeImage,
} from './image/normalizeImage.js';
export { resizeBilinear } from './image/resizeBilinear.js';
export type { RgbImage } from './image/rgbImage.js';
export { assertImageShape } from './image/rgbImage.js';
export { scaleBox } from './image/scaleBox.js';
