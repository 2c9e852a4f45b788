import { checkInput } from '../internal/checkInput.js';
import type { Evaluator } from '../internal/Evaluator.js';
import { kittiEvalClass } from './kittiEvalClass.js';
import { KittiDetectionsC, KittiFrameGtC } from './kittiInputCodecs.js';
import {
  KITTI_DIFFICULTIES,
  type KittiDetection,
  type KittiDifficulty,
  type KittiFrame,
  type KittiObject,
  type KittiParams,
} from './kittiTypes.js';

/**
 * Accumulated KITTI state. The devkit makes two passes over all frames (score thresholds from
 * the whole set, then counts per threshold), so the parsed boxes of each frame are kept
 * (a few hundred bytes per frame), not the images.
 */
export interface KittiEvalState {
  readonly params: KittiParams;
  readonly frames: KittiFrame[];
  readonly ids: Set<string>;
}

export interface KittiDifficultyResult {
  /** [41] interpolated precision at recall i/40 */
  readonly precision: Float64Array;
  /** AP over the 11 positions 0, 0.1, …, 1 (precision[0], [4], …, [40]) */
  readonly ap11: number;
  /** AP over the 40 positions 1/40 … 1 (the current devkit) */
  readonly ap40: number;
  /** [41] orientation similarity, and AOS over 11/40 positions, when orientations are present */
  readonly aos?: Float64Array;
  readonly aos11?: number;
  readonly aos40?: number;
}

export interface KittiClassResult {
  readonly name: string;
  /** the devkit evaluates a class only when it is detected at least once (with left ≥ 0) */
  readonly evaluated: boolean;
  readonly difficulties: Readonly<Record<KittiDifficulty, KittiDifficultyResult>>;
}

export interface KittiEvalResult {
  readonly params: KittiParams;
  /** false when some detection has alpha = -10 */
  readonly computeAos: boolean;
  readonly classes: readonly KittiClassResult[];
}

export const kittiEmpty = (params: KittiParams): KittiEvalState => ({
  params,
  frames: [],
  ids: new Set(),
});

/**
 * Adds one frame's labels and detections. Plain-JS input is checked first (camelCase keys,
 * finite numbers).
 * @throws KdEvalFailure naming the argument and the path when the input does not match its type
 * @throws Error when the frame was already added
 */
export const kittiUpdate = (
  state: KittiEvalState,
  frameGtInput: { readonly id: string; readonly gt: readonly KittiObject[] },
  frameDetsInput: readonly KittiDetection[],
): KittiEvalState => {
  const frameGt = checkInput(KittiFrameGtC, 'kittiEvaluator.update frameGt', frameGtInput);
  const frameDets = checkInput(KittiDetectionsC, 'kittiEvaluator.update frameDets', frameDetsInput);
  if (state.ids.has(frameGt.id)) throw new Error(`frame ${frameGt.id} was already added`);
  state.ids.add(frameGt.id);
  state.frames.push({ id: frameGt.id, gt: frameGt.gt, dets: frameDets });
  return state;
};

export const kittiMerge = (a: KittiEvalState, b: KittiEvalState): KittiEvalState => {
  for (const f of b.frames) kittiUpdate(a, f, f.dets);
  return a;
};

/** Sum of precision at positions 0, step, 2·step, … (11 positions for 41 samples), / 11. */
const r11 = (v: Float64Array): number => {
  const step = (v.length - 1) / 10;
  let s = 0;
  for (let i = 0; i < v.length; i += step) s += v[i]!;
  return s / 11;
};
/** Sum of positions 1 … N-1, / (N-1): the devkit's R40 since 2019. */
const r40 = (v: Float64Array): number => {
  let s = 0;
  for (let i = 1; i < v.length; i++) s += v[i]!;
  return s / (v.length - 1);
};

export const kittiCompute = (state: KittiEvalState): KittiEvalResult => {
  const { params, frames } = state;
  let computeAos = true;
  const evaluated = params.classes.map(() => false);
  for (const f of frames) {
    for (const d of f.dets) {
      if (d.alpha === -10) computeAos = false;
      params.classes.forEach((c, k) => {
        if (d.type.toLowerCase() === c.name.toLowerCase() && d.bbox[0] >= 0) evaluated[k] = true;
      });
    }
  }
  const classes = params.classes.map((c, k) => {
    const entries = KITTI_DIFFICULTIES.map((name, diff) => {
      const cur = kittiEvalClass(params, frames, k, diff, computeAos);
      const res: KittiDifficultyResult = {
        precision: cur.precision,
        ap11: r11(cur.precision),
        ap40: r40(cur.precision),
        ...(cur.aos ? { aos: cur.aos, aos11: r11(cur.aos), aos40: r40(cur.aos) } : {}),
      };
      return [name, res] as const;
    });
    return {
      name: c.name,
      evaluated: evaluated[k] === true,
      difficulties: Object.fromEntries(entries) as Record<KittiDifficulty, KittiDifficultyResult>,
    };
  });
  return { params, computeAos, classes };
};

/** The KITTI 2D evaluator as a reducer: `empty`, `update`, `merge`, `compute`. */
export const kittiEvaluator: Evaluator<
  KittiParams,
  KittiEvalState,
  { readonly id: string; readonly gt: readonly KittiObject[] },
  readonly KittiDetection[],
  KittiEvalResult
> = { empty: kittiEmpty, update: kittiUpdate, merge: kittiMerge, compute: kittiCompute };
