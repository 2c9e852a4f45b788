import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { checkFolder } from '../internal/checkFolder.js';
import { evalError, type KdEvalError } from '../internal/EvalError.js';
import { readText, readTextIfExists } from '../internal/readText.js';
import { type VocEvalResult, vocEvaluator } from '../voc/vocEvaluator.js';
import { vocParams } from '../voc/vocTypes.js';
import { type KittiEvalResult, kittiEvaluator } from './kittiEvaluator.js';
import { parseKittiLabels, parseKittiResults } from './kittiLabelFile.js';
import {
  KITTI_DIFFICULTIES,
  type KittiDifficulty,
  type KittiFrame,
  type KittiParams,
  kittiParams,
} from './kittiTypes.js';

/** `{<Class>: {easy: {ap11, ap40[, aos11, aos40]}, moderate: …, hard: …}}`, fractions 0–1, evaluated classes only. */
export type KittiSummary = Readonly<
  Record<
    string,
    Readonly<
      Record<KittiDifficulty, { ap11: number; ap40: number; aos11?: number; aos40?: number }>
    >
  >
>;

export const kittiSummary = (r: KittiEvalResult): KittiSummary =>
  Object.fromEntries(
    r.classes
      .filter((c) => c.evaluated)
      .map((c) => [
        c.name,
        Object.fromEntries(
          KITTI_DIFFICULTIES.map((d) => {
            const x = c.difficulties[d];
            return [
              d,
              {
                ap11: x.ap11,
                ap40: x.ap40,
                ...(x.aos11 !== undefined ? { aos11: x.aos11, aos40: x.aos40 } : {}),
              },
            ];
          }),
        ),
      ]),
  ) as KittiSummary;

export interface KittiFilesOptions {
  /** `training/label_2` */
  readonly labels: string;
  /** folder of 16-column result files named like the labels */
  readonly results: string;
  /** optional file of frame ids (one a line); default: every `*.txt` in `labels` */
  readonly split?: string;
  /** a frame without a results file: 'error' (as the devkit) or 'empty' (no detections) */
  readonly missingResults?: 'error' | 'empty';
  readonly params?: KittiParams;
}

const FRAME_ID = /^[A-Za-z0-9_-]+$/;

/** Frame ids from a split file, or every label file's stem (sorted). */
export const readKittiFrameIds = (
  labels: string,
  split?: string,
): TE.TaskEither<KdEvalError, string[]> =>
  split !== undefined
    ? TE.chain((text: string) => {
        const ids: string[] = [];
        const lines = text.split(/\r?\n/);
        for (let i = 0; i < lines.length; i++) {
          const id = lines[i]!.trim();
          if (id === '') continue;
          if (!FRAME_ID.test(id))
            return TE.left(evalError(split, `line ${i + 1}`, `bad frame id "${id}"`));
          ids.push(id);
        }
        return TE.right(ids);
      })(readText(split))
    : TE.tryCatch(
        async () =>
          (await readdir(labels))
            .filter((f) => f.endsWith('.txt'))
            .map((f) => f.slice(0, -4))
            .sort(),
        (err) => evalError(labels, '', `cannot list the labels folder (${String(err)})`),
      );

/** Reads labels and results of the listed frames. */
export const readKittiFrames = (
  opts: KittiFilesOptions,
): TE.TaskEither<KdEvalError, KittiFrame[]> =>
  TE.chain((ids: string[]) => async () => {
    // Even with `missingResults: 'empty'`, a results folder that is not there is a mistake.
    const found = await checkFolder(opts.results, 'results')();
    if (E.isLeft(found)) return found;
    if (ids.length === 0)
      return E.left(
        evalError(opts.split ?? opts.labels, '', 'no frames to evaluate (no label files listed)'),
      );
    const frames: KittiFrame[] = [];
    for (const id of ids) {
      const lf = join(opts.labels, `${id}.txt`);
      const lt = await readText(lf)();
      if (E.isLeft(lt)) return lt;
      const gt = parseKittiLabels(lf, lt.right);
      if (E.isLeft(gt)) return gt;
      const rf = join(opts.results, `${id}.txt`);
      const rt = await readTextIfExists(rf)();
      if (E.isLeft(rt)) return rt;
      if (rt.right === undefined && opts.missingResults !== 'empty') {
        return E.left(
          evalError(
            rf,
            '',
            'results file not found (every evaluated frame needs one, even if empty)',
          ),
        );
      }
      const dets = parseKittiResults(rf, rt.right ?? '');
      if (E.isLeft(dets)) return dets;
      frames.push({ id, gt: gt.right, dets: dets.right });
    }
    return E.right(frames);
  })(readKittiFrameIds(opts.labels, opts.split));

export interface KittiFilesOutput {
  readonly summary: KittiSummary;
  readonly result: KittiEvalResult;
}

/** The devkit's 2D evaluation on a labels folder and a results folder. */
export const evaluateKittiFiles = (
  opts: KittiFilesOptions,
): TE.TaskEither<KdEvalError, KittiFilesOutput> =>
  TE.map((frames: KittiFrame[]) => {
    let s = kittiEvaluator.empty(opts.params ?? kittiParams());
    for (const f of frames) s = kittiEvaluator.update(s, f, f.dets);
    const result = kittiEvaluator.compute(s);
    return { summary: kittiSummary(result), result };
  })(readKittiFrames(opts));

/**
 * The paper's convention on KITTI: PASCAL VOC AP at IoU > 0.5 (voc_eval.py, +1 pixel boxes) per
 * class, over every labelled object of the class (DontCare and other types ignored, no difficulty
 * filtering), detections matched by class name.
 */
export const kittiPascalMap = (
  frames: readonly KittiFrame[],
  options: { readonly classes?: readonly string[]; readonly metric?: '07' | '2010' } = {},
): VocEvalResult => {
  const classes = options.classes ?? ['Car', 'Pedestrian', 'Cyclist'];
  let s = vocEvaluator.empty(vocParams({ classes, metric: options.metric ?? '2010' }));
  for (const f of frames) {
    s = vocEvaluator.update(
      s,
      {
        imageId: f.id,
        objects: f.gt.map((g) => ({ name: g.type, bbox: g.bbox, difficult: false })),
      },
      f.dets.map((d) => ({ imageId: f.id, className: d.type, score: d.score, bbox: d.bbox })),
    );
  }
  return vocEvaluator.compute(s);
};
