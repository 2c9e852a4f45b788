import { checkInput } from '../internal/checkInput.js';
import type { Evaluator } from '../internal/Evaluator.js';
import { npArgsortQuick } from '../internal/numpyArgsort.js';
import { EPS64, npMean } from '../internal/numpyMath.js';
import { vocAp } from './vocAp.js';
import { VocDetectionsC, VocImageGtC } from './vocInputCodecs.js';
import type { VocBox, VocDetection, VocImageGt, VocParams } from './vocTypes.js';

/**
 * Accumulated VOC state. voc_eval.py matches detections in the order of one global
 * `np.argsort(-confidence)` (numpy introsort, not stable), so with tied scores the matching in one
 * image depends on every other image: detections are kept per class in file order and matched in
 * `compute`.
 */
export interface VocEvalState {
  readonly params: VocParams;
  readonly gt: Map<string, VocImageGt>;
  /** per class: detections in results-file order */
  readonly dets: Map<string, VocDetection[]>;
}

export interface VocClassResult {
  readonly className: string;
  readonly ap: number;
  /** non-difficult GT count */
  readonly npos: number;
  /** [N] cumulative recall/precision in matching order */
  readonly recall: Float64Array;
  readonly precision: Float64Array;
}

export interface VocEvalResult {
  readonly params: VocParams;
  /** mean of the per-class APs (NaN propagates, as np.mean does) */
  readonly mAP: number;
  readonly perClass: readonly VocClassResult[];
}

export const vocEmpty = (params: VocParams): VocEvalState => ({
  params,
  gt: new Map(),
  dets: new Map(params.classes.map((c) => [c, []])),
});

/**
 * Adds one image of the split: its GT and its detections (classes outside `params.classes` are
 * ignored). Detections keep the order they arrive in: update order, then array order. That is
 * the order of files written image by image, as py-faster-rcnn writes them. With tied scores
 * this order decides the result, so to reproduce an existing results file use
 * `vocAddDetections` with its lines in file order.
 * Plain-JS input is checked first (camelCase keys, finite numbers).
 * @throws KdEvalFailure naming the argument and the path when the input does not match its type
 * @throws Error when the image was already added or a detection names another image
 */
export const vocUpdate = (
  state: VocEvalState,
  imageGtInput: VocImageGt,
  imageDetsInput: readonly VocDetection[],
): VocEvalState => {
  const imageGt = checkInput(VocImageGtC, 'vocEvaluator.update imageGt', imageGtInput);
  const imageDets = checkInput(VocDetectionsC, 'vocEvaluator.update imageDets', imageDetsInput);
  if (state.gt.has(imageGt.imageId)) throw new Error(`image ${imageGt.imageId} was already added`);
  state.gt.set(imageGt.imageId, imageGt);
  for (const d of imageDets) {
    if (d.imageId !== imageGt.imageId) {
      throw new Error(`detection for image ${d.imageId} passed with image ${imageGt.imageId}`);
    }
    state.dets.get(d.className)?.push(d);
  }
  return state;
};

/** Adds detections alone (e.g. a whole per-class results file); their images must be added too. */
export const vocAddDetections = (
  state: VocEvalState,
  dets: readonly VocDetection[],
): VocEvalState => {
  for (const d of dets) state.dets.get(d.className)?.push(d);
  return state;
};

export const vocMerge = (a: VocEvalState, b: VocEvalState): VocEvalState => {
  for (const [id, g] of b.gt) {
    if (a.gt.has(id)) throw new Error(`image ${id} is in both states`);
    a.gt.set(id, g);
  }
  for (const [c, list] of b.dets) {
    const into = a.dets.get(c);
    if (into) for (const d of list) into.push(d);
  }
  return a;
};

/** voc_eval() for one class over the accumulated images. */
export const vocEvalClass = (state: VocEvalState, className: string): VocClassResult => {
  const { params } = state;
  const recs = new Map<string, { bbox: VocBox[]; difficult: boolean[]; det: boolean[] }>();
  let npos = 0;
  for (const [id, img] of state.gt) {
    const R = img.objects.filter((o) => o.name === className);
    for (const o of R) if (!o.difficult) npos++;
    recs.set(id, {
      bbox: R.map((o) => o.bbox),
      difficult: R.map((o) => o.difficult),
      det: R.map(() => false),
    });
  }
  const dets = state.dets.get(className) ?? [];
  const nd = dets.length;
  const negConf = new Float64Array(nd);
  for (let i = 0; i < nd; i++) negConf[i] = -(dets[i] as VocDetection).score;
  const order = npArgsortQuick(negConf);
  const tp = new Float64Array(nd);
  const fp = new Float64Array(nd);
  for (let d = 0; d < nd; d++) {
    const det = dets[order[d] as number] as VocDetection;
    const R = recs.get(det.imageId);
    if (R === undefined)
      throw new Error(`detection for image ${det.imageId}, which is not in the split`);
    const bb = det.bbox;
    let ovmax = Number.NEGATIVE_INFINITY;
    let jmax = 0;
    if (R.bbox.length > 0) {
      for (let j = 0; j < R.bbox.length; j++) {
        const g = R.bbox[j] as VocBox;
        const ixmin = Math.max(g[0], bb[0]);
        const iymin = Math.max(g[1], bb[1]);
        const ixmax = Math.min(g[2], bb[2]);
        const iymax = Math.min(g[3], bb[3]);
        const iw = Math.max(ixmax - ixmin + 1, 0);
        const ih = Math.max(iymax - iymin + 1, 0);
        const inters = iw * ih;
        const uni =
          (bb[2] - bb[0] + 1) * (bb[3] - bb[1] + 1) +
          (g[2] - g[0] + 1) * (g[3] - g[1] + 1) -
          inters;
        const ov = inters / uni;
        // np.argmax: first maximum
        if (j === 0 || ov > ovmax) {
          ovmax = ov;
          jmax = j;
        }
      }
    }
    const hit = params.inclusive ? ovmax >= params.iouThreshold : ovmax > params.iouThreshold;
    if (hit) {
      if (!R.difficult[jmax]) {
        if (!R.det[jmax]) {
          tp[d] = 1;
          R.det[jmax] = true;
        } else fp[d] = 1;
      }
    } else fp[d] = 1;
  }
  const recall = new Float64Array(nd);
  const precision = new Float64Array(nd);
  let ctp = 0;
  let cfp = 0;
  for (let i = 0; i < nd; i++) {
    ctp += tp[i] as number;
    cfp += fp[i] as number;
    recall[i] = ctp / npos;
    precision[i] = ctp / Math.max(ctp + cfp, EPS64);
  }
  return {
    className,
    ap: vocAp(recall, precision, params.metric === '07'),
    npos,
    recall,
    precision,
  };
};

export const vocCompute = (state: VocEvalState): VocEvalResult => {
  const perClass = state.params.classes.map((c) => vocEvalClass(state, c));
  return { params: state.params, mAP: npMean(perClass.map((r) => r.ap)), perClass };
};

/** The PASCAL VOC evaluator as a reducer: `empty`, `update`, `merge`, `compute`. */
export const vocEvaluator: Evaluator<
  VocParams,
  VocEvalState,
  VocImageGt,
  readonly VocDetection[],
  VocEvalResult
> = { empty: vocEmpty, update: vocUpdate, merge: vocMerge, compute: vocCompute };
