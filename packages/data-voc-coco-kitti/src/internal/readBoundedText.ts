import { readFile, stat } from 'node:fs/promises';
import * as E from 'fp-ts/lib/Either.js';

/** Reads a UTF-8 text file, refusing files above `maxBytes` before reading them. */
export const readBoundedText = async (
  file: string,
  maxBytes: number,
): Promise<E.Either<string, string>> => {
  try {
    const st = await stat(file);
    if (!st.isFile()) return E.left('not a regular file');
    if (st.size > maxBytes) return E.left(`file is ${st.size} bytes; expected at most ${maxBytes}`);
    return E.right(await readFile(file, 'utf8'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return E.left(err.code === 'ENOENT' ? 'file not found' : `cannot read: ${err.message}`);
  }
};
