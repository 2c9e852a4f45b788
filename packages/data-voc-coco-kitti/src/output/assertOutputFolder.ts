import { lstatSync, readdirSync } from 'node:fs';

/**
 * What may happen to a folder that already exists where an output goes:
 * - `'never'`: only a missing or empty folder is accepted;
 * - `'force'`: the user asked for it (`--force`): any existing folder is replaced;
 * - `'merge'`: the user asked for it (`--force`): any existing folder is kept and the new files
 *   are added to it, replacing only files of the same names (`kd predict`);
 * - a predicate: folders it recognises (kd's own earlier output) are replaced, others refused.
 */
export type ReplacePolicy = 'never' | 'force' | 'merge' | ((existing: string) => boolean);

/**
 * Throws a clear error unless `dir` may receive a new output under `replace`: it does not exist,
 * is an empty folder, or is a folder the policy allows replacing. A path that exists but is not
 * a folder (a file, a link, a FIFO) is always refused: kd never replaces what it did not create.
 * Call it before any expensive work so that a refusal costs nothing.
 *
 * @returns whether `dir` currently exists (and will be replaced, or merged into).
 */
export function assertOutputFolder(dir: string, replace: ReplacePolicy = 'never'): boolean {
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new Error(`${dir}: cannot use as output folder (${(err as Error).message})`);
  }
  if (!st.isDirectory())
    throw new Error(
      `${dir}: exists and is not a folder; kd does not replace it (choose another output path)`,
    );
  if (readdirSync(dir).length === 0 || replace === 'force' || replace === 'merge') return true;
  if (typeof replace === 'function' && replace(dir)) return true;
  throw new Error(
    `${dir}: folder exists and is not empty; pass --force to write into it, or choose another output folder (kd does not delete files it did not create)`,
  );
}
