import * as path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';

/**
 * Resolves a path taken from an annotation (`file_name`, `filename`, a split entry) inside a
 * directory, refusing anything that would escape it: absolute paths, `..` segments that climb
 * out, NUL bytes, backslashes used as separators, empty names.
 * @returns the absolute path, or a message saying why it was refused.
 */
export const resolveInside = (dir: string, relative: string): E.Either<string, string> => {
  if (relative.length === 0) return E.left('empty path; expected a relative file name');
  if (relative.includes('\0'))
    return E.left(`path ${JSON.stringify(relative)} contains a NUL byte`);
  if (relative.includes('\\')) {
    return E.left(`path ${JSON.stringify(relative)} contains a backslash; expected '/' separators`);
  }
  if (path.isAbsolute(relative) || /^[a-zA-Z]:/.test(relative)) {
    return E.left(
      `path ${JSON.stringify(relative)} is absolute; expected a path relative to ${dir}`,
    );
  }
  const base = path.resolve(dir);
  const full = path.resolve(base, relative);
  const rel = path.relative(base, full);
  // `..hidden.png` is a legal name: only a whole `..` segment climbs out.
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    return E.left(`path ${JSON.stringify(relative)} escapes the dataset folder ${base}`);
  }
  return E.right(full);
};
