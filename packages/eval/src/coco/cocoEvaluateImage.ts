import { argsortDescStable } from '../internal/numpyArgsort.js';
import { cocoBoxIou } from './cocoBoxIou.js';
import type { CocoDetection, CocoGtAnnotation, CocoParams } from './cocoTypes.js';

/** Outcome codes of one detection at one (area range, IoU threshold). */
export const DET_FP = 0;
export const DET_TP = 1;
export const DET_IGNORED = 2;

/**
 * The per-image, per-category result of COCOeval.evaluateImg for every area range at once.
 * `scores` [D] are the image's top-maxDet detections, highest first (stable);
 * `codes` [D*A*T] (layout d, a, t) hold DET_FP / DET_TP / DET_IGNORED;
 * `nPos` [A] counts non-ignored GT per area range.
 */
export interface CocoImageResult {
  readonly scores: Float64Array;
  readonly codes: Uint8Array;
  readonly nPos: Int32Array;
}

/**
 * COCOeval.evaluateImg for one image and one category (or all categories pooled when
 * useCats is false), over all area ranges. Returns undefined when there is neither GT nor a
 * detection (pycocotools' `None`).
 * @param gt the image's GT of this category, in file order
 * @param dt the image's detections of this category, in results-file order
 */
export const cocoEvaluateImage = (
  params: CocoParams,
  gt: readonly CocoGtAnnotation[],
  dt: readonly CocoDetection[],
): CocoImageResult | undefined => {
  if (gt.length === 0 && dt.length === 0) return undefined;
  const T = params.iouThrs.length;
  const A = params.areaRng.length;
  const maxDet = params.maxDets[params.maxDets.length - 1] as number;
  const dtScores = new Float64Array(dt.length);
  for (let i = 0; i < dt.length; i++) dtScores[i] = (dt[i] as CocoDetection).score;
  const order = argsortDescStable(dtScores);
  const D = Math.min(order.length, maxDet);
  const dets: CocoDetection[] = [];
  for (let i = 0; i < D; i++) dets.push(dt[order[i] as number] as CocoDetection);
  const G = gt.length;
  const crowdOrig: boolean[] = [];
  for (const g of gt) crowdOrig.push(g.iscrowd);
  // IoU against GT in original order; columns are re-indexed per area range below
  const ious =
    D > 0 && G > 0
      ? cocoBoxIou(
          dets.map((d) => d.bbox),
          gt.map((g) => g.bbox),
          crowdOrig,
        )
      : undefined;
  const scores = new Float64Array(D);
  const dtArea = new Float64Array(D);
  for (let d = 0; d < D; d++) {
    const det = dets[d] as CocoDetection;
    scores[d] = det.score;
    dtArea[d] = det.bbox[2] * det.bbox[3];
  }
  const ign = new Uint8Array(G);
  const codes = new Uint8Array(D * A * T);
  const nPos = new Int32Array(A);
  const gtm = new Uint8Array(T * G);
  const dtm = new Float64Array(D);
  const dtIg = new Uint8Array(D);
  const gtind: number[] = [];
  const gtIgSorted = new Uint8Array(G);
  const crowdSorted = new Uint8Array(G);
  for (let a = 0; a < A; a++) {
    const [lo, hi] = params.areaRng[a] as readonly [number, number];
    // stable sort: non-ignored GT first
    gtind.length = 0;
    for (let g = 0; g < G; g++) {
      const ann = gt[g] as CocoGtAnnotation;
      ign[g] = ann.iscrowd || ann.area < lo || ann.area > hi ? 1 : 0;
    }
    for (let g = 0; g < G; g++) if (ign[g] === 0) gtind.push(g);
    nPos[a] = gtind.length;
    for (let g = 0; g < G; g++) if (ign[g] === 1) gtind.push(g);
    for (let j = 0; j < G; j++) {
      const g = gtind[j] as number;
      gtIgSorted[j] = ign[g] as number;
      crowdSorted[j] = crowdOrig[g] ? 1 : 0;
    }
    gtm.fill(0);
    for (let t = 0; t < T; t++) {
      if (ious !== undefined) {
        dtm.fill(0);
        dtIg.fill(0);
        const thr = Math.min(params.iouThrs[t] as number, 1 - 1e-10);
        for (let d = 0; d < D; d++) {
          let iou = thr;
          let m = -1;
          for (let j = 0; j < G; j++) {
            if (gtm[t * G + j]! > 0 && crowdSorted[j] === 0) continue;
            if (m > -1 && gtIgSorted[m] === 0 && gtIgSorted[j] === 1) break;
            const v = ious[d * G + (gtind[j] as number)] as number;
            if (v < iou) continue;
            iou = v;
            m = j;
          }
          if (m === -1) continue;
          dtIg[d] = gtIgSorted[m] as number;
          dtm[d] = (gt[gtind[m] as number] as CocoGtAnnotation).id;
          gtm[t * G + m] = 1;
        }
      }
      for (let d = 0; d < D; d++) {
        const area = dtArea[d] as number;
        const outside = area < lo || area > hi;
        // pycocotools tests matches as `dtm != 0`, so a match to a GT whose id is 0 is a miss
        const matched = dtm[d] !== 0;
        const ignored = dtIg[d] === 1 || (!matched && outside);
        codes[(d * A + a) * T + t] = ignored ? DET_IGNORED : matched ? DET_TP : DET_FP;
      }
    }
  }
  return { scores, codes, nPos };
};
