import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** A folder being written: files go to a temporary sibling until `commit` moves them into place. */
export interface StagedOutputFolder {
  /** Where to write the output file `name` now (inside the temporary sibling). */
  readonly path: (name: string) => string;
  /** Moves every written file into the output folder (creating it if needed). */
  readonly commit: () => void;
  /** Removes the temporary sibling and what was written there; the output folder is untouched. */
  readonly abort: () => void;
}

export interface StagedOutputOptions {
  /** The file names that will be written (checked against `protect` before anything is written). */
  readonly names: readonly string[];
  /** Add to an existing non-empty folder (replacing files of the same names); else refused. */
  readonly force?: boolean;
  /** Files that must never be replaced, whatever `force` says (e.g. the command's inputs). */
  readonly protect?: readonly string[];
}

const real = (p: string) => (existsSync(p) ? realpathSync(p) : resolve(p));

/**
 * Prepares writing `names` into the folder `out` so that kd never destroys a file it did not
 * create: an existing non-empty `out` is refused unless `force`, an output that would replace a
 * protected file (an input) is refused always, and files are written to a temporary sibling and
 * renamed into place only when the command succeeds. Throws naming `out` and the reason.
 */
export function stagedOutputFolder(out: string, opts: StagedOutputOptions): StagedOutputFolder {
  if (existsSync(out)) {
    if (!statSync(out).isDirectory()) throw new Error(`${out}: exists and is not a folder`);
    if (readdirSync(out).length > 0 && !opts.force)
      throw new Error(
        `${out}: folder exists and is not empty; pass --force to write into it (files of the same names are replaced) or choose another --out`,
      );
    const protectedFiles = new Set((opts.protect ?? []).filter(existsSync).map(real));
    for (const name of opts.names) {
      const target = join(out, name);
      if (existsSync(target) && protectedFiles.has(real(target)))
        throw new Error(`${target}: is an input; writing the output there would replace it`);
    }
  }
  const parent = dirname(resolve(out));
  mkdirSync(parent, { recursive: true });
  const staging = mkdtempSync(join(parent, `.${basename(out)}.kd-tmp-`));
  return {
    path: (name) => join(staging, name),
    commit: () => {
      if (!existsSync(out)) {
        renameSync(staging, out);
        return;
      }
      for (const name of readdirSync(staging)) renameSync(join(staging, name), join(out, name));
      rmSync(staging, { recursive: true, force: true });
    },
    abort: () => rmSync(staging, { recursive: true, force: true }),
  };
}
