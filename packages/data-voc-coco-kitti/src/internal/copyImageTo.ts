import { copyFile, mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { resolveInside } from '../core/resolveInside.js';

/**
 * Copies an image to `<dir>/<relative>` (creating folders) unless it already is that file.
 * `relative` comes from a sample, so it is checked not to escape `dir`.
 */
export const copyImageTo = async (src: string, dir: string, relative: string): Promise<void> => {
  const dest = resolveInside(dir, relative);
  if (E.isLeft(dest)) throw new Error(`cannot write image: ${dest.left}`);
  if (path.resolve(src) === dest.right) return;
  await mkdir(path.dirname(dest.right), { recursive: true });
  await copyFile(src, dest.right);
};
