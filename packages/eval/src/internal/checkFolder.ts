import { stat } from 'node:fs/promises';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { evalError, type KdEvalError } from './EvalError.js';

/**
 * Succeeds when `dir` is an existing folder; otherwise an error naming it and its role (a
 * mistyped results folder must not read as "no detections").
 */
export const checkFolder = (dir: string, role: string): TE.TaskEither<KdEvalError, void> =>
  TE.tryCatch(
    async () => {
      const st = await stat(dir);
      if (!st.isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
    },
    (err) => {
      const code = (err as { code?: string }).code;
      return evalError(
        dir,
        '',
        code === 'ENOENT'
          ? `${role} folder not found`
          : code === 'ENOTDIR'
            ? `expected the ${role} folder, found a file`
            : `cannot read the ${role} folder (${String(err)})`,
      );
    },
  );
