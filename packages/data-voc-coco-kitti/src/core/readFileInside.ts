import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import * as path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { resolveInside } from './resolveInside.js';

/**
 * Reads a file named by another file (a manifest's `paths`, an annotation's file name) from
 * inside `dir`: the name is confined lexically by {@link resolveInside}, then by where it really
 * leads (a symbolic link out of `dir` is refused), and it must be a regular file (a FIFO or a
 * device would hang or never end). The file is opened non-blocking and checked on its open
 * descriptor, so it cannot be swapped between the check and the read.
 *
 * @returns the bytes, or a message saying why the file was refused.
 */
export const readFileInside = (
  dir: string,
  relative: string,
  maxBytes = Number.MAX_SAFE_INTEGER,
): E.Either<string, Buffer> => {
  const resolved = resolveInside(dir, relative);
  if (E.isLeft(resolved)) return resolved;
  let fd: number | undefined;
  try {
    const real = realpathSync(resolved.right);
    const base = realpathSync(path.resolve(dir));
    const rel = path.relative(base, real);
    if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel))
      return E.left(`path ${JSON.stringify(relative)} leads outside ${base} (symbolic link)`);
    fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile()) return E.left(`path ${JSON.stringify(relative)} is not a regular file`);
    if (st.size > maxBytes)
      return E.left(
        `path ${JSON.stringify(relative)} is ${st.size} bytes; expected at most ${maxBytes}`,
      );
    const buf = Buffer.allocUnsafe(st.size);
    let off = 0;
    while (off < st.size) {
      const n = readSync(fd, buf, off, st.size - off, off);
      if (n === 0) break;
      off += n;
    }
    return E.right(off === st.size ? buf : buf.subarray(0, off));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return E.left(
      err.code === 'ENOENT'
        ? `path ${JSON.stringify(relative)}: file not found`
        : `path ${JSON.stringify(relative)}: cannot read (${err.message})`,
    );
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
};
