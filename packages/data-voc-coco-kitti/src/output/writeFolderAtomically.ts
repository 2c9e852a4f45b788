import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { assertOutputFolder, type ReplacePolicy } from './assertOutputFolder.js';

/** Flushes a folder's entries (a rename is durable only once its parent is). */
export function fsyncFolder(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some filesystems refuse directory fsync; the rename is still atomic.
  }
}

let counter = 0;
/** A fresh hidden sibling name of `path`, e.g. `.out.tmp-123-1700000000000-0`. */
export function siblingName(path: string, tag: string): string {
  counter += 1;
  return join(dirname(path), `.${basename(path)}.${tag}-${process.pid}-${Date.now()}-${counter}`);
}

/**
 * Writes a folder atomically: `fill` writes everything into a fresh temporary sibling of `dir`,
 * which is then flushed and renamed into place. If `fill` throws, the temporary folder is removed
 * and `dir` is untouched. An existing `dir` is checked with {@link assertOutputFolder} before
 * `fill` runs and again before the swap; when replacing, the old folder is renamed aside, the
 * new one renamed in, and only then the old one deleted, so a crash leaves one of the two whole.
 *
 * @param dir - the output folder.
 * @param fill - writes the contents into the folder it is given (not `dir`).
 * With `'merge'` the existing `dir` is kept: the written files are renamed into it one by one,
 * replacing files of the same names only (each rename is atomic, the set of them is not).
 *
 * @param dir - the output folder.
 * @param fill - writes the contents into the folder it is given (not `dir`).
 * @param replace - what may happen to an existing `dir` (default: only an empty one is replaced).
 * @param options.protect - files that are never replaced or deleted, whatever `replace` says (a
 *   command's inputs): a swap or merge that would is refused, and `dir` is left untouched.
 */
export async function writeFolderAtomically<A>(
  dir: string,
  fill: (tmp: string) => Promise<A> | A,
  replace: ReplacePolicy = 'never',
  options: { readonly protect?: readonly string[] } = {},
): Promise<A> {
  assertOutputFolder(dir, replace);
  mkdirSync(dirname(dir), { recursive: true });
  const tmp = siblingName(dir, 'tmp');
  mkdirSync(tmp);
  let result: A;
  try {
    result = await fill(tmp);
    fsyncFolder(tmp);
    const exists = assertOutputFolder(dir, replace);
    if (exists) assertUnprotected(dir, replace === 'merge' ? readdirSync(tmp) : undefined, options);
    if (exists && replace === 'merge') {
      for (const name of readdirSync(tmp)) renameSync(join(tmp, name), join(dir, name));
      rmSync(tmp, { recursive: true, force: true });
      fsyncFolder(dir);
    } else if (exists) {
      const old = siblingName(dir, 'old');
      renameSync(dir, old);
      renameSync(tmp, dir);
      fsyncFolder(dirname(dir));
      // Allowed by the policy: empty, kd's own earlier output, or --force.
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(tmp, dir);
      fsyncFolder(dirname(dir));
    }
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return result;
}

/**
 * Throws when writing into `dir` would replace a protected file: one of `names` in it (a merge), or
 * anything below it (a swap deletes the whole folder).
 */
function assertUnprotected(
  dir: string,
  names: readonly string[] | undefined,
  options: { readonly protect?: readonly string[] },
): void {
  const real = realpathSync(dir);
  for (const file of options.protect ?? []) {
    if (!existsSync(file)) continue;
    const p = realpathSync(file);
    const hit = names
      ? names.some((n) => join(real, n) === p)
      : p === real || p.startsWith(real + sep);
    if (hit) throw new Error(`${file}: is an input; writing the output there would replace it`);
  }
}
