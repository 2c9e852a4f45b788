import { describeDecodeError } from '@kd/codecs';
import * as E from 'fp-ts/lib/Either.js';
import { checkBox } from '../core/checkBox.js';
import type { ProblemLog } from '../core/problem.js';
import { resolveInside } from '../core/resolveInside.js';
import type { ObjectAnnotation, Sample } from '../core/sample.js';
import { readImageSize } from '../image/readImageSize.js';
import { parseXmlSafe } from '../xml/parseXmlSafe.js';
import { VocAnnotation, VocObject } from './vocCodecs.js';

export interface VocDecodeContext {
  /** Sample id (annotation file stem). */
  readonly id: string;
  /** The annotation file, for messages. */
  readonly file: string;
  /** `JPEGImages` folder that `<filename>` is relative to. */
  readonly imageDir: string;
  /** Class name to index; grown when `discover` is set. */
  readonly classIndex: Map<string, number>;
  /** Unknown names become new classes instead of problems. */
  readonly discover?: boolean;
  readonly log: ProblemLog;
  /** Check that the image file exists (and read its size when `<size>` is 0 or missing). */
  readonly checkImages: boolean;
}

/**
 * Decodes one VOC annotation document into a sample. Boxes: `x1 = xmin - 1`, `y1 = ymin - 1`,
 * `x2 = xmax`, `y2 = ymax` (see `BoxXyxy`). Problems go to `ctx.log` located by element path
 * (`annotation/object[2]/bndbox/xmin`, 1-based like XPath); returns `undefined` when the image
 * is skipped or the read has failed.
 */
export const decodeVocAnnotation = async (
  xml: string,
  ctx: VocDecodeContext,
): Promise<Sample | undefined> => {
  const { file, log } = ctx;
  const parsed = parseXmlSafe(xml, ['annotation.object']);
  if (E.isLeft(parsed)) {
    log.imageProblem(file, parsed.left.where, parsed.left.message);
    return undefined;
  }
  const top = VocAnnotation.decode(parsed.right);
  if (E.isLeft(top)) {
    for (const e of top.left) {
      const d = describeDecodeError(e, { style: 'xml' });
      log.imageProblem(file, d.where || 'annotation', d.message);
      if (log.policy !== 'fatal') break;
    }
    return undefined;
  }
  const a = top.right.annotation;
  const imagePath = resolveInside(ctx.imageDir, a.filename);
  if (E.isLeft(imagePath)) {
    log.imageProblem(file, 'annotation/filename', imagePath.left);
    return undefined;
  }
  let width = a.size?.width ?? 0;
  let height = a.size?.height ?? 0;
  const sizeOk = width > 0 && height > 0 && Number.isInteger(width) && Number.isInteger(height);
  if (ctx.checkImages || !sizeOk) {
    const real = await readImageSize(imagePath.right);
    if (E.isLeft(real)) {
      log.imageProblem(file, 'annotation/filename', `image ${imagePath.right}: ${real.left}`);
      return undefined;
    }
    if (!sizeOk) {
      log.warn(
        file,
        'annotation/size',
        `size ${width}x${height} is missing or not positive integers; used the image file's ${real.right.width}x${real.right.height}`,
      );
      width = real.right.width;
      height = real.right.height;
    } else if (real.right.width !== width || real.right.height !== height) {
      log.warn(
        file,
        'annotation/size',
        `size ${width}x${height} differs from the image file's ${real.right.width}x${real.right.height}; used the file's`,
      );
      width = real.right.width;
      height = real.right.height;
    }
  }
  const objects: ObjectAnnotation[] = [];
  const raw = a.object ?? [];
  for (let i = 0; i < raw.length; i++) {
    const where = `annotation/object[${i + 1}]`;
    const o = VocObject.decode(raw[i]);
    if (E.isLeft(o)) {
      const d = describeDecodeError(o.left[0]!, { style: 'xml', root: where });
      log.objectProblem(file, d.where, d.message, false);
      continue;
    }
    const v: VocObject = o.right;
    if (ctx.discover && !ctx.classIndex.has(v.name))
      ctx.classIndex.set(v.name, ctx.classIndex.size);
    const classIndex = ctx.classIndex.get(v.name);
    if (classIndex === undefined) {
      log.objectProblem(
        file,
        `${where}/name`,
        `unknown class ${JSON.stringify(v.name)}; expected one of the dataset's classes`,
        false,
      );
      continue;
    }
    const b = v.bndbox;
    const box = checkBox(
      [b.xmin - 1, b.ymin - 1, b.xmax, b.ymax],
      width,
      height,
      log,
      file,
      `${where}/bndbox`,
    );
    if (box === undefined) continue;
    objects.push({
      box,
      classIndex,
      difficult: v.difficult === 1,
      crowd: false,
      truncated: v.truncated ?? 0,
      occluded: v.occluded ?? 0,
      ...(v.pose !== undefined ? { pose: v.pose } : {}),
    });
  }
  return {
    id: ctx.id,
    path: imagePath.right,
    fileName: a.filename,
    width,
    height,
    objects,
    ignore: [],
  };
};
