import type { ProblemLog } from './problem.js';
import type { BoxXyxy } from './sample.js';

/**
 * Validates a box `[x1, y1, x2, y2]` (0-based continuous pixels) against an image of
 * `width x height`, applying the log's policy: an out-of-image box is clipped (`fix`), skipped
 * or fatal; an inverted, empty or non-finite box cannot be fixed. Returns the box to keep, or
 * `undefined` when the object is dropped (or the read has failed).
 */
export const checkBox = (
  box: BoxXyxy,
  width: number,
  height: number,
  log: ProblemLog,
  file: string,
  where: string,
): BoxXyxy | undefined => {
  const [x1, y1, x2, y2] = box;
  const txt = `[${x1}, ${y1}, ${x2}, ${y2}]`;
  if (![x1, y1, x2, y2].every(Number.isFinite)) {
    log.objectProblem(
      file,
      where,
      `box ${txt} has a non-finite coordinate; expected finite numbers`,
      false,
    );
    return undefined;
  }
  if (!(x2 > x1 && y2 > y1)) {
    log.objectProblem(
      file,
      where,
      `box ${txt} is inverted or empty; expected x1 < x2 and y1 < y2`,
      false,
    );
    return undefined;
  }
  if (x1 >= 0 && y1 >= 0 && x2 <= width && y2 <= height) return box;
  const c: BoxXyxy = [
    Math.min(Math.max(x1, 0), width),
    Math.min(Math.max(y1, 0), height),
    Math.min(Math.max(x2, 0), width),
    Math.min(Math.max(y2, 0), height),
  ];
  const fixable = c[2] > c[0] && c[3] > c[1];
  const action = log.objectProblem(
    file,
    where,
    `box ${txt} extends outside the ${width}x${height} image; expected 0 <= x1 < x2 <= ${width}, 0 <= y1 < y2 <= ${height}`,
    fixable,
  );
  return action === 'fix' ? c : undefined;
};
