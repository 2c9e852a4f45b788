import { fasterRcnnSize, normalizeImage, resizeBilinear } from '@kd/data-voc-coco-kitti';
import type { DetectorManifest } from './detectorManifest.js';

/** RGB or RGBA pixels in [0, 255], row-major (a browser `ImageData` qualifies). */
export interface Pixels {
  readonly data: Uint8Array | Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

/** A network input: `[height, width, 3]` normalised RGB, and the resize factor (resized / original). */
export interface PreprocessedImage {
  readonly data: Float32Array;
  readonly height: number;
  readonly width: number;
  readonly scale: number;
}

/**
 * Turns pixels into the detector's input on the host with the training pipeline's own functions
 * (`@kd/data-voc-coco-kitti`'s `normalizeImage`, `fasterRcnnSize`, `resizeBilinear`; its browser
 * entry), so that Node and browsers feed the network identical numbers whatever the backend.
 *
 * @param pixels RGB or RGBA `[H, W, 3|4]` in [0, 255]; alpha is ignored.
 * @returns `[h, w, 3]` float32, h × w the Faster R-CNN resize of H × W.
 */
export function preprocessPixels(
  pixels: Pixels,
  manifest: Pick<DetectorManifest, 'input' | 'normalization'>,
): PreprocessedImage {
  const { width: W, height: H, data } = pixels;
  const n = W * H;
  const channels = data.length === n * 4 ? 4 : data.length === n * 3 ? 3 : 0;
  if (channels === 0) {
    throw new RangeError(
      `pixels: ${data.length} values for ${W}x${H}; expected ${n * 3} (RGB) or ${n * 4} (RGBA)`,
    );
  }
  const rgb = new Uint8Array(n * 3);
  if (channels === 3) rgb.set(data);
  else for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) rgb[3 * p + c] = data[4 * p + c]!;
  const { inputScale, mean, std } = manifest.normalization;
  const norm = normalizeImage(
    { data: rgb, height: H, width: W, channels: 3 },
    { inputScale, mean, std },
  );
  const size = fasterRcnnSize(H, W, manifest.input.minSize, manifest.input.maxSize);
  const out = resizeBilinear(norm, size.height, size.width);
  return { data: out.data, height: size.height, width: size.width, scale: size.height / H };
}
