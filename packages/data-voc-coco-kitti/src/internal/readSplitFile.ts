import * as E from 'fp-ts/lib/Either.js';
import type { ProblemLog } from '../core/problem.js';
import { readBoundedText } from './readBoundedText.js';

/**
 * Reads a split file (`ImageSets/Main/train.txt`): one image id per line, optionally followed by
 * a class label column (`aeroplane_train.txt`: `2008_000008 -1`). Blank lines and trailing
 * whitespace are allowed; ids must be plain file stems. Returns the ids, or `undefined` when the
 * file is unusable (the problem is logged as fatal).
 */
export const readSplitFile = async (
  file: string,
  log: ProblemLog,
  maxBytes = 64 * 1024 * 1024,
): Promise<string[] | undefined> => {
  const text = await readBoundedText(file, maxBytes);
  if (E.isLeft(text)) {
    log.fatal(file, 'file', text.left);
    return undefined;
  }
  const ids: string[] = [];
  const seen = new Set<string>();
  text.right.split(/\r?\n/).forEach((line, i) => {
    const cols = line
      .trim()
      .split(/\s+/)
      .filter((c) => c !== '');
    if (cols.length === 0) return;
    const id = cols[0]!;
    if (cols.length > 2 || (cols.length === 2 && !/^-?[01]$/.test(cols[1]!))) {
      log.fatal(
        file,
        `line ${i + 1}`,
        `expected an image id optionally followed by -1, 0 or 1; got ${JSON.stringify(line.trim())}`,
      );
      return;
    }
    if (!/^[\w.-]+$/.test(id) || id === '.' || id === '..') {
      log.fatal(
        file,
        `line ${i + 1}`,
        `image id ${JSON.stringify(id)} is not a plain file stem (letters, digits, _ . -)`,
      );
      return;
    }
    if (seen.has(id)) {
      log.warn(file, `line ${i + 1}`, `image id ${id} listed twice; read once`);
      return;
    }
    seen.add(id);
    ids.push(id);
  });
  return log.hasFatal ? undefined : ids;
};
