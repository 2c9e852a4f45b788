import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import * as E from 'fp-ts/lib/Either.js';
import { checkPngStructure } from '../image/checkPngStructure.js';
import { imageSizeFromBytes } from '../image/readImageSize.js';

/** What is wrong with an image file, or nothing. */
export interface ImageFileProblem {
  readonly where: string;
  readonly message: string;
}

/**
 * Checks that an image a dataset names can be decoded by training, without decoding it: the file
 * exists and is a regular file, its size is within `maxPixels` (as the annotation declares it and
 * as the header says), and it is whole: a PNG's chunks and image data (`checkPngStructure`), a
 * JPEG's end-of-image marker. Reads the file once.
 *
 * @param declared - the annotation's width and height (0 when the format has none).
 */
export const checkImageFile = async (
  file: string,
  declared: { readonly width: number; readonly height: number },
  maxPixels: number,
): Promise<ImageFileProblem | undefined> => {
  if (!(declared.width * declared.height <= maxPixels))
    return {
      where: 'declared size',
      message: `annotation declares ${declared.width}x${declared.height} pixels; more than the limit of ${maxPixels} (KD_MAX_PIXELS)`,
    };
  let bytes: Uint8Array;
  try {
    const fh = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const st = await fh.stat();
      if (!st.isFile()) return { where: 'file', message: 'not a regular file' };
      bytes = new Uint8Array(st.size);
      let n = 0;
      while (n < st.size) {
        const { bytesRead } = await fh.read(bytes, n, st.size - n, n);
        if (bytesRead === 0) break;
        n += bytesRead;
      }
      bytes = bytes.subarray(0, n);
    } finally {
      await fh.close();
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return {
      where: 'file',
      message: err.code === 'ENOENT' ? 'image file not found' : `cannot read: ${err.message}`,
    };
  }
  const head = imageSizeFromBytes(bytes);
  if (E.isLeft(head)) return { where: 'header', message: head.left };
  if (head.right === 'need-more')
    return { where: 'header', message: 'file ends before the image header (truncated)' };
  const { width, height, format } = head.right;
  if (width * height > maxPixels)
    return {
      where: 'header',
      message: `image is ${width}x${height}; more than the limit of ${maxPixels} pixels (KD_MAX_PIXELS)`,
    };
  if (format === 'png') {
    const ok = checkPngStructure(bytes);
    return E.isLeft(ok) ? { where: 'image data', message: ok.left } : undefined;
  }
  // A JPEG ends with EOI (FF D9), possibly followed by padding; a cut file has none near its end.
  const tail = bytes.subarray(Math.max(0, bytes.length - 1024));
  for (let i = tail.length - 2; i >= 0; i--)
    if (tail[i] === 0xff && tail[i + 1] === 0xd9) return undefined;
  return { where: 'image data', message: 'JPEG truncated: no end-of-image marker' };
};
