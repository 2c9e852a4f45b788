import { inflateSync } from 'node:zlib';
import * as E from 'fp-ts/lib/Either.js';

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Adam7 passes: [x0, y0, dx, dy]. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/** Bytes of filtered scanlines a `width`×`height` PNG inflates to (filter byte per row). */
const inflatedBytes = (w: number, h: number, bitsPerPixel: number, interlaced: boolean): number => {
  const rows = (cols: number, n: number) =>
    cols === 0 || n === 0 ? 0 : n * (1 + Math.ceil((cols * bitsPerPixel) / 8));
  if (!interlaced) return rows(w, h);
  return ADAM7.reduce(
    (s, [x0, y0, dx, dy]) => s + rows(Math.ceil((w - x0) / dx), Math.ceil((h - y0) / dy)),
    0,
  );
};

/**
 * Checks a PNG's chunk structure before a decoder sees it, so that damaged files get a clear
 * reason instead of a decoder's internals: every chunk must fit in the file (a truncated file
 * says which chunk and byte), an `IEND` must end it, an `IHDR` must give a known colour type and
 * bit depth, and the image data (`IDAT`) must inflate to no more than the bytes its header's size
 * implies (a small file that inflates to gigabytes is refused while inflating, bounded).
 * Not a tensor op; reads `bytes` only.
 *
 * @returns Right on a well-formed file, Left with the reason.
 */
export const checkPngStructure = (bytes: Uint8Array): E.Either<string, void> => {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  let ihdr: { w: number; h: number; bpp: number; interlaced: boolean } | undefined;
  const idat: Uint8Array[] = [];
  let ended = false;
  while (at < bytes.length) {
    if (at + 8 > bytes.length)
      return E.left(
        `PNG truncated: chunk header at byte ${at} cut off (file is ${bytes.length} bytes)`,
      );
    const len = dv.getUint32(at);
    const type = String.fromCharCode(
      bytes[at + 4]!,
      bytes[at + 5]!,
      bytes[at + 6]!,
      bytes[at + 7]!,
    );
    if (!/^[A-Za-z]{4}$/.test(type)) return E.left(`PNG corrupt: bad chunk type at byte ${at}`);
    const end = at + 12 + len;
    if (end > bytes.length)
      return E.left(
        `PNG truncated: chunk ${type} at byte ${at} needs ${len + 12} bytes, the file ends ${bytes.length - at} bytes after its start`,
      );
    const data = bytes.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') {
      if (len < 13) return E.left('PNG corrupt: IHDR chunk shorter than 13 bytes');
      const depth = data[8]!;
      const channels = CHANNELS[data[9]!];
      if (channels === undefined) return E.left(`PNG corrupt: unknown colour type ${data[9]}`);
      if (![1, 2, 4, 8, 16].includes(depth)) return E.left(`PNG corrupt: bit depth ${depth}`);
      ihdr = {
        w: dv.getUint32(at + 8),
        h: dv.getUint32(at + 12),
        bpp: depth * channels,
        interlaced: data[12] === 1,
      };
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') {
      ended = true;
      break;
    }
    at = end;
  }
  if (!ihdr) return E.left('PNG corrupt: no IHDR chunk');
  if (idat.length === 0) return E.left('PNG truncated: no image data (IDAT) chunk');
  if (!ended) return E.left('PNG truncated: no IEND chunk (the file was cut short)');
  const expected = inflatedBytes(ihdr.w, ihdr.h, ihdr.bpp, ihdr.interlaced);
  try {
    inflateSync(Buffer.concat(idat), { maxOutputLength: Math.max(expected, 1) + 1 });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError)
      return E.left(
        `PNG image data inflates to more than the ${expected} bytes a ${ihdr.w}x${ihdr.h} image needs (decompression bomb or corrupt file)`,
      );
    return E.left(`PNG image data is corrupt or truncated (zlib: ${err.message})`);
  }
  return E.right(undefined);
};
