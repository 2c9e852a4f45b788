import { copyFile, mkdir } from 'node:fs/promises';
import * as path from 'node:path';

/** Copies an image to `dest` (creating folders) unless it already is that file. */
export const copyImageTo = async (src: string, dest: string): Promise<void> => {
  if (path.resolve(src) === path.resolve(dest)) return;
  await mkdir(path.dirname(dest), { recursive: true });
  await copyFile(src, dest);
};
