import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import * as E from 'fp-ts/lib/Either.js';

/** Width and height of a PNG or JPEG file, read from its header without decoding pixels. */
export interface ImageSize {
  readonly width: number;
  readonly height: number;
  readonly format: 'png' | 'jpeg';
}

const PNG_SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Stop looking for a JPEG frame header after this many bytes (EXIF thumbnails come first). */
const MAX_HEADER_BYTES = 4 * 1024 * 1024;

/** The size from the first bytes of a PNG/JPEG, or why it could not be found. */
export const imageSizeFromBytes = (b: Uint8Array): E.Either<string, ImageSize | 'need-more'> => {
  if (b.length >= 24 && PNG_SIG.every((v, i) => b[i] === v)) {
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    if (String.fromCharCode(b[12]!, b[13]!, b[14]!, b[15]!) !== 'IHDR')
      return E.left('PNG without IHDR chunk first');
    return E.right({ width: dv.getUint32(16), height: dv.getUint32(20), format: 'png' });
  }
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xd8) {
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) return E.left(`JPEG marker expected at byte ${i}`);
      const m = b[i + 1]!;
      if (m === 0xff) {
        i += 1;
        continue;
      }
      if (m === 0xd8 || m === 0x01 || (m >= 0xd0 && m <= 0xd7)) {
        i += 2;
        continue;
      }
      const len = (b[i + 2]! << 8) | b[i + 3]!;
      const isSof = m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
      if (isSof) {
        return E.right({
          height: (b[i + 5]! << 8) | b[i + 6]!,
          width: (b[i + 7]! << 8) | b[i + 8]!,
          format: 'jpeg',
        });
      }
      if (m === 0xd9 || m === 0xda) return E.left('JPEG without a frame header before the scan');
      i += 2 + len;
    }
    return E.right('need-more');
  }
  if (b.length < 24) return E.right('need-more');
  return E.left('not a PNG or JPEG file (unknown signature)');
};

/** Reads a PNG/JPEG file's size from its header (bounded read). Left: why not. */
export const readImageSize = async (file: string): Promise<E.Either<string, ImageSize>> => {
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  try {
    // Non-blocking: opening a FIFO for reading would otherwise wait for a writer forever.
    fh = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
    if (!(await fh.stat()).isFile()) return E.left('not a regular file');
    let buf = new Uint8Array(65536);
    let n = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, n, buf.length - n, n);
      n += bytesRead;
      const r = imageSizeFromBytes(buf.subarray(0, n));
      if (E.isLeft(r)) return r;
      if (r.right !== 'need-more') {
        if (r.right.width <= 0 || r.right.height <= 0)
          return E.left(`header gives an empty size ${r.right.width}x${r.right.height}`);
        return E.right(r.right);
      }
      if (bytesRead === 0) return E.left('file ends before the image size (truncated)');
      if (n === buf.length) {
        if (buf.length >= MAX_HEADER_BYTES)
          return E.left(`no image size in the first ${MAX_HEADER_BYTES} bytes`);
        const bigger = new Uint8Array(buf.length * 2);
        bigger.set(buf);
        buf = bigger;
      }
    }
  } catch (e) {
    return E.left(`cannot read: ${(e as Error).message}`);
  } finally {
    await fh?.close();
  }
};
