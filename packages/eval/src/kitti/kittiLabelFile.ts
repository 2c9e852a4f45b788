import { kittiLines, kittiNumbers } from '@kd/codecs';
import * as E from 'fp-ts/lib/Either.js';
import { evalError, type KdEvalError } from '../internal/EvalError.js';
import type { KittiDetection, KittiObject } from './kittiTypes.js';

const parseLines = (
  file: string,
  text: string,
  nCols: 15 | 16,
): E.Either<KdEvalError, { type: string; nums: number[] }[]> => {
  const out: { type: string; nums: number[] }[] = [];
  for (const { line, columns: f } of kittiLines(text)) {
    const where = `line ${line}`;
    if (f.length !== nCols) {
      const what =
        nCols === 15 ? 'label lines have 15 columns' : 'result lines have 16 columns (15 + score)';
      return E.left(evalError(file, where, `expected ${nCols} columns (${what}), got ${f.length}`));
    }
    const parsed = kittiNumbers(f);
    if (!('values' in parsed))
      return E.left(
        evalError(
          file,
          where,
          `column ${parsed.column} (${parsed.name}) must be a finite number, got "${parsed.got}"`,
        ),
      );
    const nums = parsed.values;
    if (nCols === 15 && !Number.isInteger(nums[1])) {
      return E.left(
        evalError(file, where, `column 3 (occluded) must be an integer, got "${f[2]}"`),
      );
    }
    out.push({ type: f[0]!, nums });
  }
  return E.right(out);
};

/** Parses a `label_2/*.txt` file (15 columns a line; blank lines skipped). */
export const parseKittiLabels = (
  file: string,
  text: string,
): E.Either<KdEvalError, KittiObject[]> =>
  E.map((rows: { type: string; nums: number[] }[]) =>
    rows.map(({ type, nums: n }) => ({
      type,
      truncation: n[0]!,
      occlusion: n[1]!,
      alpha: n[2]!,
      bbox: [n[3]!, n[4]!, n[5]!, n[6]!] as const,
    })),
  )(parseLines(file, text, 15));

/** Parses a results file (16 columns a line: the label columns + score). */
export const parseKittiResults = (
  file: string,
  text: string,
): E.Either<KdEvalError, KittiDetection[]> =>
  E.map((rows: { type: string; nums: number[] }[]) =>
    rows.map(({ type, nums: n }) => ({
      type,
      alpha: n[2]!,
      bbox: [n[3]!, n[4]!, n[5]!, n[6]!] as const,
      score: n[14]!,
    })),
  )(parseLines(file, text, 16));
