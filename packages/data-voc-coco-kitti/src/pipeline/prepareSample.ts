import * as E from 'fp-ts/lib/Either.js';
import type { BoxXyxy, Sample } from '../core/sample.js';
import { decodeImageFile } from '../image/decodeImage.js';
import { fasterRcnnSize } from '../image/fasterRcnnSize.js';
import { flipBoxHorizontal, flipImageHorizontal } from '../image/flipHorizontal.js';
import { type NormalizeOptions, normalizeImage } from '../image/normalizeImage.js';
import { resizeBilinear } from '../image/resizeBilinear.js';
import type { RgbImage } from '../image/rgbImage.js';
import { scaleBox } from '../image/scaleBox.js';

/** How an image is turned into network input. */
export interface TransformOptions extends NormalizeOptions {
  /** Target shorter side (Faster R-CNN `min_size`, e.g. 600). */
  readonly minSize: number;
  /** Cap on the longer side (`max_size`, e.g. 1000). */
  readonly maxSize: number;
  /** Refuse images above this many pixels before decoding. */
  readonly maxPixels?: number;
}

/** One image ready for a model, with its targets in the resized (and maybe flipped) frame. */
export interface PreparedImage {
  readonly id: string;
  /** `[H', W', 3]` normalised float32. */
  readonly image: RgbImage<Float32Array>;
  /** `[N, 4]` x1,y1,x2,y2 in the resized image's pixels. */
  readonly boxes: Float32Array;
  /** `[N]` class indices. */
  readonly labels: Int32Array;
  readonly difficult: Uint8Array;
  readonly crowd: Uint8Array;
  /** `[M, 4]` ignore regions (KITTI DontCare) in the resized frame. */
  readonly ignore: Float32Array;
  readonly originalHeight: number;
  readonly originalWidth: number;
  /** Resized width / original width and height / original height (to map detections back). */
  readonly scaleX: number;
  readonly scaleY: number;
  readonly flipped: boolean;
}

const packBoxes = (boxes: readonly BoxXyxy[]): Float32Array => {
  const out = new Float32Array(boxes.length * 4);
  boxes.forEach((b, i) => {
    out.set(b, i * 4);
  });
  return out;
};

/**
 * Decodes a sample's image and applies, in torchvision's order, horizontal flip (when `flip`),
 * normalisation and the Faster R-CNN resize; boxes follow the same flip and scaling.
 * Left: why the image could not be prepared.
 */
export const prepareSample = async (
  sample: Sample,
  o: TransformOptions,
  flip: boolean,
): Promise<E.Either<string, PreparedImage>> => {
  const decoded = await decodeImageFile(
    sample.path,
    o.maxPixels !== undefined ? { maxPixels: o.maxPixels } : {},
  );
  if (E.isLeft(decoded)) return decoded;
  let img: RgbImage = decoded.right;
  if (img.width !== sample.width || img.height !== sample.height) {
    return E.left(
      `${sample.path}: decoded ${img.width}x${img.height}, annotation says ${sample.width}x${sample.height}`,
    );
  }
  const W = img.width;
  const tr = (b: BoxXyxy): BoxXyxy => (flip ? flipBoxHorizontal(b, W) : b);
  if (flip) img = flipImageHorizontal(decoded.right);
  const size = fasterRcnnSize(img.height, img.width, o.minSize, o.maxSize);
  const image = resizeBilinear(normalizeImage(img, o), size.height, size.width);
  const from = { height: sample.height, width: sample.width };
  const boxes = sample.objects.map((ob) => scaleBox(tr(ob.box), from, size));
  return E.right({
    id: sample.id,
    image,
    boxes: packBoxes(boxes),
    labels: Int32Array.from(sample.objects, (ob) => ob.classIndex),
    difficult: Uint8Array.from(sample.objects, (ob) => (ob.difficult ? 1 : 0)),
    crowd: Uint8Array.from(sample.objects, (ob) => (ob.crowd ? 1 : 0)),
    ignore: packBoxes(sample.ignore.map((b) => scaleBox(tr(b), from, size))),
    originalHeight: sample.height,
    originalWidth: sample.width,
    scaleX: size.width / sample.width,
    scaleY: size.height / sample.height,
    flipped: flip,
  });
};
