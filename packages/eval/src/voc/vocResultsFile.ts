import * as E from 'fp-ts/lib/Either.js';
import { evalError, type KdEvalError } from '../internal/EvalError.js';
import type { VocDetection } from './vocTypes.js';

/**
 * Parses a `comp4_det_<split>_<class>.txt` file: lines `image_id score x1 y1 x2 y2`
 * (blank lines skipped). Every image must be in `imageIds`.
 */
export const parseVocResults = (
  file: string,
  text: string,
  className: string,
  imageIds: ReadonlySet<string>,
): E.Either<KdEvalError, VocDetection[]> => {
  const out: VocDetection[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '') continue;
    const where = `line ${i + 1}`;
    const f = line.split(/\s+/);
    if (f.length !== 6) {
      return E.left(
        evalError(file, where, `expected 6 columns "image_id score x1 y1 x2 y2", got ${f.length}`),
      );
    }
    const imageId = f[0] as string;
    const nums = f.slice(1).map(Number);
    const bad = nums.findIndex((v, j) => !Number.isFinite(v) || (f[j + 1] as string) === '');
    if (bad >= 0) {
      const col = ['score', 'x1', 'y1', 'x2', 'y2'][bad];
      return E.left(evalError(file, where, `${col} must be a finite number, got "${f[bad + 1]}"`));
    }
    if (!imageIds.has(imageId)) {
      return E.left(evalError(file, where, `image "${imageId}" is not in the split`));
    }
    const [score, x1, y1, x2, y2] = nums as [number, number, number, number, number];
    out.push({ imageId, className, score, bbox: [x1, y1, x2, y2] });
  }
  return E.right(out);
};
