import { open } from 'node:fs/promises';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { evalError, type KdEvalError } from './EvalError.js';

/**
 * The largest file read whole as text: V8 cannot hold a longer string (about 2^29 characters),
 * so a bigger file is refused from its size at once instead of after reading hundreds of MB.
 */
export const MAX_TEXT_BYTES = 512 * 1024 * 1024;

class TextLimitError extends Error {}

/** Reads a regular file of at most `maxBytes` as UTF-8, checking the open descriptor first. */
const readBounded = async (file: string, maxBytes: number): Promise<string> => {
  const fh = await open(file, 'r');
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new TextLimitError('not a regular file');
    if (st.size > maxBytes)
      throw new TextLimitError(
        `file is ${st.size} bytes; at most ${maxBytes} are read (is this the right file?)`,
      );
    return await fh.readFile('utf8');
  } finally {
    await fh.close();
  }
};

const readError =
  (file: string) =>
  (err: unknown): KdEvalError => {
    if (err instanceof TextLimitError) return evalError(file, '', err.message);
    const code = (err as { code?: string }).code;
    return evalError(
      file,
      '',
      code === 'ENOENT' ? 'file not found' : `cannot read (${String(err)})`,
    );
  };

/**
 * Reads a UTF-8 file; a missing, unreadable, non-regular or oversized (`maxBytes`) file is a
 * KdEvalError naming it.
 */
export const readText = (
  file: string,
  maxBytes = MAX_TEXT_BYTES,
): TE.TaskEither<KdEvalError, string> =>
  TE.tryCatch(() => readBounded(file, maxBytes), readError(file));

/** Reads a UTF-8 file, or undefined when it does not exist. */
export const readTextIfExists = (file: string): TE.TaskEither<KdEvalError, string | undefined> =>
  TE.tryCatch(async () => {
    try {
      return await readBounded(file, MAX_TEXT_BYTES);
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return undefined;
      throw err;
    }
  }, readError(file));
