import { KITTI_LABEL_COLUMNS, KITTI_TYPES, kittiLines, kittiNumbers } from '@kd/codecs';
import { checkBox } from '../core/checkBox.js';
import type { ProblemLog } from '../core/problem.js';
import type { BoxXyxy, ObjectAnnotation } from '../core/sample.js';

export interface KittiParseContext {
  readonly file: string;
  readonly width: number;
  readonly height: number;
  /** Type to class index; grown when `discover` is set. */
  readonly classIndex: Map<string, number>;
  /** Every type but DontCare becomes a class. */
  readonly discover?: boolean;
  readonly log: ProblemLog;
}

const columnCountMessage = (n: number): string => {
  const base = `${n} columns; expected the 15 columns of a KITTI object label (${KITTI_LABEL_COLUMNS.join(' ')})`;
  if (n === 16) return `${base}: 16 columns is a results file (with score), not a label file`;
  if (n === 17)
    return `${base}: 17 columns looks like the KITTI tracking format (frame, track_id first) or a results file of a third-party exporter`;
  return base;
};

/**
 * Parses a KITTI `label_2` file (15 space-separated columns per line). Objects of the dataset's
 * classes become annotations; `DontCare` lines become ignore regions (clipped to the image,
 * never objects); other known KITTI types outside the class list are left out without a
 * problem; unknown types, bad numbers and wrong column counts are problems located by
 * `line L, column C (name)`. Blank lines (trailing ones included) are allowed.
 * @returns the objects and ignore regions kept, or `undefined` when the whole file is rejected.
 */
export const parseKittiLabel = (
  text: string,
  ctx: KittiParseContext,
): { objects: ObjectAnnotation[]; ignore: BoxXyxy[] } | undefined => {
  const { file, log } = ctx;
  const objects: ObjectAnnotation[] = [];
  const ignore: BoxXyxy[] = [];
  for (const { line, columns: cols } of kittiLines(text)) {
    const at = `line ${line}`;
    if (cols.length !== 15) {
      // A file in another format is wrong as a whole: report it once, not per line.
      log.imageProblem(file, at, columnCountMessage(cols.length));
      return undefined;
    }
    const type = cols[0]!;
    const parsed = kittiNumbers(cols);
    if (!('values' in parsed)) {
      log.objectProblem(
        file,
        `${at}, column ${parsed.column} (${parsed.name})`,
        `expected a number, got ${JSON.stringify(parsed.got)}`,
        false,
      );
      continue;
    }
    const nums = parsed.values;
    const [truncated, occluded, alpha, left, top, right, bottom, h, w, l, x, y, z, ry] = nums as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    if (type === 'DontCare') {
      const b: BoxXyxy = [
        Math.min(Math.max(left, 0), ctx.width),
        Math.min(Math.max(top, 0), ctx.height),
        Math.min(Math.max(right, 0), ctx.width),
        Math.min(Math.max(bottom, 0), ctx.height),
      ];
      if (b[2] > b[0] && b[3] > b[1]) ignore.push(b);
      else
        log.warn(
          file,
          at,
          `DontCare region [${left}, ${top}, ${right}, ${bottom}] is empty inside the image; dropped`,
        );
      continue;
    }
    if (ctx.discover && !ctx.classIndex.has(type)) ctx.classIndex.set(type, ctx.classIndex.size);
    const classIndex = ctx.classIndex.get(type);
    if (classIndex === undefined) {
      if (!(KITTI_TYPES as readonly string[]).includes(type)) {
        log.objectProblem(
          file,
          `${at}, column 1 (type)`,
          `unknown type ${JSON.stringify(type)}; expected one of ${[...ctx.classIndex.keys(), 'DontCare'].join(', ')}`,
          false,
        );
      }
      continue;
    }
    if (!(truncated >= 0 && truncated <= 1)) {
      log.objectProblem(
        file,
        `${at}, column 2 (truncated)`,
        `truncation ${truncated}; expected a fraction in [0, 1]`,
        false,
      );
      continue;
    }
    if (![0, 1, 2, 3].includes(occluded)) {
      log.objectProblem(
        file,
        `${at}, column 3 (occluded)`,
        `occlusion ${occluded}; expected 0, 1, 2 or 3`,
        false,
      );
      continue;
    }
    const box = checkBox(
      [left, top, right, bottom],
      ctx.width,
      ctx.height,
      log,
      file,
      `${at}, columns 5-8 (bbox)`,
    );
    if (box === undefined) continue;
    objects.push({
      box,
      classIndex,
      difficult: false,
      crowd: false,
      truncated,
      occluded,
      kitti3d: { alpha, dimensions: [h, w, l], location: [x, y, z], rotationY: ry },
    });
  }
  return { objects, ignore };
};
