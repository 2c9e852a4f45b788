import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import * as E from 'fp-ts/lib/Either.js';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { checkPngStructure } from './checkPngStructure.js';
import { maxPixels as pixelLimit } from './maxPixels.js';
import { imageSizeFromBytes } from './readImageSize.js';
import type { RgbImage } from './rgbImage.js';

export interface DecodeOptions {
  /**
   * Refuse images with more pixels than this, from the header, before decoding (default: the
   * `KD_MAX_PIXELS` environment variable, else 4096² = 16 777 216; see `maxPixels`).
   */
  readonly maxPixels?: number;
}

const rgbaToRgb = (rgba: Uint8Array, n: number): Uint8Array => {
  const out = new Uint8Array(n * 3);
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    out[i * 3] = rgba[j]!;
    out[i * 3 + 1] = rgba[j + 1]!;
    out[i * 3 + 2] = rgba[j + 2]!;
  }
  return out;
};

/**
 * Decodes PNG (pngjs) or JPEG (jpeg-js) bytes, recognised by signature, to 8-bit RGB
 * `[H, W, 3]`. Grey, palette and 16-bit PNGs become 8-bit RGB; alpha is dropped. The header's
 * size is checked against the pixel limit first, so a decompression bomb is refused cheaply; a
 * PNG's chunks are checked before decoding (truncation, image data inflating past its size).
 */
export const decodeImage = (
  bytes: Uint8Array,
  o: DecodeOptions = {},
): E.Either<string, RgbImage<Uint8Array>> => {
  const head = imageSizeFromBytes(bytes);
  if (E.isLeft(head)) return head;
  if (head.right === 'need-more')
    return E.left('file ends before the image header is complete (truncated)');
  const { width, height, format } = head.right;
  let maxPixels: number;
  try {
    maxPixels = pixelLimit(o.maxPixels);
  } catch (e) {
    return E.left((e as Error).message);
  }
  if (width * height > maxPixels)
    return E.left(
      `image is ${width}x${height}; more than ${maxPixels} pixels refused (raise the limit with KD_MAX_PIXELS or the maxPixels option)`,
    );
  if (width === 0 || height === 0) return E.left(`header gives an empty size ${width}x${height}`);
  if (format === 'png') {
    const ok = checkPngStructure(bytes);
    if (E.isLeft(ok)) return ok;
  }
  try {
    if (format === 'png') {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return E.right({
        data: rgbaToRgb(png.data, png.width * png.height),
        height: png.height,
        width: png.width,
        channels: 3,
      });
    }
    const j = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: Math.ceil(maxPixels / 1e6),
      maxMemoryUsageInMB: 1024,
    });
    return E.right({
      data: rgbaToRgb(j.data, j.width * j.height),
      height: j.height,
      width: j.width,
      channels: 3,
    });
  } catch (e) {
    return E.left(`cannot decode ${format.toUpperCase()}: ${(e as Error).message}`);
  }
};

/** Reads and decodes an image file. Left: why it could not be decoded, with the path. */
export const decodeImageFile = async (
  file: string,
  o: DecodeOptions = {},
): Promise<E.Either<string, RgbImage<Uint8Array>>> => {
  let bytes: Uint8Array;
  try {
    // Non-blocking open and a regular-file check: a FIFO named as an image must not hang.
    const fh = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      if (!(await fh.stat()).isFile()) return E.left(`${file}: not a regular file`);
      bytes = await fh.readFile();
    } finally {
      await fh.close();
    }
  } catch (e) {
    return E.left(`${file}: cannot read: ${(e as Error).message}`);
  }
  return E.mapLeft((m: string) => `${file}: ${m}`)(decodeImage(bytes, o));
};
