import { readFile } from 'node:fs/promises';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { evalError, type KdEvalError } from './EvalError.js';

/** Reads a UTF-8 file; a missing or unreadable file is an KdEvalError naming it. */
export const readText = (file: string): TE.TaskEither<KdEvalError, string> =>
  TE.tryCatch(
    () => readFile(file, 'utf8'),
    (err) => {
      const code = (err as { code?: string }).code;
      return evalError(
        file,
        '',
        code === 'ENOENT' ? 'file not found' : `cannot read (${String(err)})`,
      );
    },
  );

/** Reads a UTF-8 file, or undefined when it does not exist. */
export const readTextIfExists = (file: string): TE.TaskEither<KdEvalError, string | undefined> =>
  TE.tryCatch(
    async () => {
      try {
        return await readFile(file, 'utf8');
      } catch (err) {
        if ((err as { code?: string }).code === 'ENOENT') return undefined;
        throw err;
      }
    },
    (err) => evalError(file, '', `cannot read (${String(err)})`),
  );
