import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { checkFolder } from '../internal/checkFolder.js';
import { evalError, type KdEvalError } from '../internal/EvalError.js';
import { readText, readTextIfExists } from '../internal/readText.js';
import { type VocEvalResult, vocAddDetections, vocEvaluator } from './vocEvaluator.js';
import { parseVocResults } from './vocResultsFile.js';
import type { VocImageGt } from './vocTypes.js';
import { vocParams } from './vocTypes.js';
import { parseVocXml } from './vocXml.js';

/** `{mAP, perClass: {name: AP}}` (fractions; NaN — a class whose GT is all difficult — prints as null in JSON). */
export interface VocSummary {
  readonly mAP: number;
  readonly perClass: Readonly<Record<string, number>>;
}

export interface VocFilesOptions {
  /** `VOCdevkit/VOC2007`: holds `Annotations/` and `ImageSets/Main/` */
  readonly devkit: string;
  /** `test`, `val`, …: `ImageSets/Main/<split>.txt` */
  readonly split: string;
  /** folder with `comp4_det_<split>_<class>.txt` */
  readonly dets: string;
  readonly metric?: '07' | '2010';
  /** IoU ≥ 0.5 (MATLAB devkit) instead of > 0.5 (voc_eval.py) */
  readonly inclusive?: boolean;
  /** default: the sorted union of the GT class names and the classes with a results file */
  readonly classes?: readonly string[];
  /** results file prefix, default `comp4_det_` */
  readonly prefix?: string;
}

export interface VocFilesOutput {
  readonly summary: VocSummary;
  readonly result: VocEvalResult;
  readonly warnings: readonly string[];
}

export const vocSummary = (r: VocEvalResult): VocSummary => ({
  mAP: r.mAP,
  perClass: Object.fromEntries(r.perClass.map((c) => [c.className, c.ap])),
});

/**
 * The sorted union of the class names in the split's GT and the classes that have a results
 * file. A results file naming a class that has no object in the split is an error: its AP is
 * undefined and would make the mAP `null` (a misnamed file, e.g. `comp4_det_test_Ring.txt`).
 */
const defaultClasses = async (
  images: readonly VocImageGt[],
  opts: VocFilesOptions,
): Promise<E.Either<KdEvalError, string[]>> => {
  const names = new Set(images.flatMap((im) => im.objects.map((o) => o.name)));
  const head = `${opts.prefix ?? 'comp4_det_'}${opts.split}_`;
  let files: string[];
  try {
    files = (await readdir(opts.dets)).sort();
  } catch (err) {
    return E.left(evalError(opts.dets, '', `cannot list the results folder (${String(err)})`));
  }
  for (const f of files) {
    if (!(f.startsWith(head) && f.endsWith('.txt'))) continue;
    const cls = f.slice(head.length, -4);
    if (!names.has(cls))
      return E.left(
        evalError(
          join(opts.dets, f),
          '',
          `results for class "${cls}", which has no object in split ${opts.split} (classes there: ${[...names].sort().join(', ') || 'none'}); rename or remove the file, or pass the class list`,
        ),
      );
  }
  return E.right([...names].sort());
};

/** Reads `ImageSets/Main/<split>.txt` (first token of each non-blank line). */
export const readVocSplit = (
  devkit: string,
  split: string,
): TE.TaskEither<KdEvalError, string[]> => {
  const file = join(devkit, 'ImageSets', 'Main', `${split}.txt`);
  return TE.map((text: string) =>
    text
      .split(/\r?\n/)
      .map((l) => l.trim().split(/\s+/)[0] ?? '')
      .filter((l) => l !== ''),
  )(readText(file));
};

/** Reads the split's annotations: one VocImageGt per image id, in split order. */
export const readVocDevkit = (
  devkit: string,
  split: string,
): TE.TaskEither<KdEvalError, VocImageGt[]> =>
  TE.chain((ids: string[]) => async () => {
    const seen = new Set<string>();
    const out: VocImageGt[] = [];
    for (const id of ids) {
      if (id.includes('/') || id.includes('\\') || id === '.' || id === '..') {
        return E.left(
          evalError(join(devkit, 'ImageSets', 'Main', `${split}.txt`), '', `bad image id "${id}"`),
        );
      }
      if (seen.has(id)) continue;
      seen.add(id);
      const file = join(devkit, 'Annotations', `${id}.xml`);
      const text = await readText(file)();
      if (E.isLeft(text)) return text;
      const objs = parseVocXml(file, text.right);
      if (E.isLeft(objs)) return objs;
      out.push({ imageId: id, objects: objs.right });
    }
    return E.right(out);
  })(readVocSplit(devkit, split));

/**
 * The whole VOC evaluation from the files users have: devkit annotations + per-class results.
 * A missing results file for a class means no detections for it (with a warning); a missing
 * results folder is an error.
 */
export const evaluateVocFiles = (
  opts: VocFilesOptions,
): TE.TaskEither<KdEvalError, VocFilesOutput> =>
  TE.chain((images: VocImageGt[]) => async () => {
    const found = await checkFolder(opts.dets, 'results (--dets)')();
    if (E.isLeft(found)) return found;
    let classes: readonly string[];
    if (opts.classes) classes = opts.classes;
    else {
      const d = await defaultClasses(images, opts);
      if (E.isLeft(d)) return d;
      classes = d.right;
    }
    const params = vocParams({
      classes,
      metric: opts.metric ?? '2010',
      inclusive: opts.inclusive ?? false,
    });
    let state = vocEvaluator.empty(params);
    for (const im of images) state = vocEvaluator.update(state, im, []);
    const ids = new Set(images.map((im) => im.imageId));
    const warnings: string[] = [];
    for (const cls of classes) {
      const file = join(opts.dets, `${opts.prefix ?? 'comp4_det_'}${opts.split}_${cls}.txt`);
      const text = await readTextIfExists(file)();
      if (E.isLeft(text)) return text;
      if (text.right === undefined) {
        warnings.push(`${file}: not found, no detections for class ${cls}`);
        continue;
      }
      const dets = parseVocResults(file, text.right, cls, ids);
      if (E.isLeft(dets)) return dets;
      state = vocAddDetections(state, dets.right);
    }
    const result = vocEvaluator.compute(state);
    return E.right({ summary: vocSummary(result), result, warnings });
  })(readVocDevkit(opts.devkit, opts.split));
