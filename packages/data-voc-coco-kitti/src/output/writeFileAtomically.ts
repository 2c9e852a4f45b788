import { closeSync, fsyncSync, lstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { fsyncFolder, siblingName } from './writeFolderAtomically.js';

/**
 * Writes a file atomically: the bytes go to a temporary sibling, are flushed, and the sibling is
 * renamed over `path`, so readers see the old file or the new one, never a torn one. An existing
 * `path` is replaced only when `replace` says so (`'force'`, or a predicate recognising kd's own
 * file), and never when it is not a regular file.
 */
export function writeFileAtomically(
  path: string,
  data: Uint8Array | string,
  replace: 'never' | 'force' | ((existing: string) => boolean) = 'never',
): void {
  const check = (): void => {
    let st: ReturnType<typeof lstatSync>;
    try {
      st = lstatSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    if (!st.isFile())
      throw new Error(`${path}: exists and is not a regular file; kd does not replace it`);
    if (replace === 'force' || (typeof replace === 'function' && replace(path))) return;
    throw new Error(`${path}: file exists; kd does not overwrite files it did not create`);
  };
  check();
  const tmp = siblingName(path, 'tmp');
  try {
    const fd = openSync(tmp, 'wx');
    try {
      writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    check();
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  fsyncFolder(dirname(path));
}
