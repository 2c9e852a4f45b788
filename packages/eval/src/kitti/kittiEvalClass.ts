import type { KittiBox, KittiFrame, KittiObject, KittiParams } from './kittiTypes.js';

/**
 * A line-by-line port of the KITTI devkit's 2D evaluation (evaluate_object.cpp: cleanData,
 * computeStatistics, getThresholds, eval_class) for the image-plane metric.
 */

const NO_DETECTION = -10000000;
const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** `imageBoxOverlap`: criterion -1 = IoU, 0 = intersection / area of a. */
export const kittiBoxOverlap = (a: KittiBox, b: KittiBox, criterion: -1 | 0 | 1 = -1): number => {
  const x1 = Math.max(a[0], b[0]);
  const y1 = Math.max(a[1], b[1]);
  const x2 = Math.min(a[2], b[2]);
  const y2 = Math.min(a[3], b[3]);
  const w = x2 - x1;
  const h = y2 - y1;
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const aArea = (a[2] - a[0]) * (a[3] - a[1]);
  const bArea = (b[2] - b[0]) * (b[3] - b[1]);
  if (criterion === -1) return inter / (aArea + bArea - inter);
  if (criterion === 0) return inter / aArea;
  return inter / bArea;
};

interface Cleaned {
  readonly ignoredGt: Int8Array;
  readonly ignoredDet: Int8Array;
  readonly dc: KittiObject[];
  readonly nGt: number;
}

const cleanData = (p: KittiParams, cls: number, frame: KittiFrame, diff: number): Cleaned => {
  const spec = p.classes[cls]!;
  const ignoredGt = new Int8Array(frame.gt.length);
  let nGt = 0;
  frame.gt.forEach((g, i) => {
    const height = g.bbox[3] - g.bbox[1];
    const valid = same(g.type, spec.name)
      ? 1
      : spec.neighbor !== undefined && same(g.type, spec.neighbor)
        ? 0
        : -1;
    const ignore =
      g.occlusion > p.maxOcclusion[diff]! ||
      g.truncation > p.maxTruncation[diff]! ||
      height <= p.minHeight[diff]!;
    if (valid === 1 && !ignore) {
      ignoredGt[i] = 0;
      nGt++;
    } else if (valid === 0 || (ignore && valid === 1)) ignoredGt[i] = 1;
    else ignoredGt[i] = -1;
  });
  const dc = frame.gt.filter((g) => same(g.type, 'DontCare'));
  const ignoredDet = new Int8Array(frame.dets.length);
  frame.dets.forEach((d, i) => {
    const valid = same(d.type, spec.name) ? 1 : -1;
    // the devkit stores the height in an int32_t: truncation toward zero
    const height = Math.trunc(Math.abs(d.bbox[1] - d.bbox[3]));
    if (height < p.minHeight[diff]!) ignoredDet[i] = 1;
    else ignoredDet[i] = valid === 1 ? 0 : -1;
  });
  return { ignoredGt, ignoredDet, dc, nGt };
};

interface PrData {
  v: number[];
  similarity: number;
  tp: number;
  fp: number;
  fn: number;
}

const computeStatistics = (
  minOverlap: number,
  frame: KittiFrame,
  c: Cleaned,
  computeFp: boolean,
  computeAos: boolean,
  thresh: number,
): PrData => {
  const stat: PrData = { v: [], similarity: 0, tp: 0, fp: 0, fn: 0 };
  const { gt, dets: det } = frame;
  const delta: number[] = [];
  const assigned = new Uint8Array(det.length);
  const ignoredThreshold = new Uint8Array(det.length);
  if (computeFp)
    for (let i = 0; i < det.length; i++) if (det[i]!.score < thresh) ignoredThreshold[i] = 1;
  for (let i = 0; i < gt.length; i++) {
    if (c.ignoredGt[i] === -1) continue;
    let detIdx = -1;
    let validDetection = NO_DETECTION;
    let maxOverlap = 0;
    let assignedIgnoredDet = false;
    for (let j = 0; j < det.length; j++) {
      if (c.ignoredDet[j] === -1) continue;
      if (assigned[j]) continue;
      if (ignoredThreshold[j]) continue;
      const overlap = kittiBoxOverlap(det[j]!.bbox, gt[i]!.bbox, -1);
      if (!computeFp && overlap > minOverlap && det[j]!.score > validDetection) {
        detIdx = j;
        validDetection = det[j]!.score;
      } else if (
        computeFp &&
        overlap > minOverlap &&
        (overlap > maxOverlap || assignedIgnoredDet) &&
        c.ignoredDet[j] === 0
      ) {
        maxOverlap = overlap;
        detIdx = j;
        validDetection = 1;
        assignedIgnoredDet = false;
      } else if (
        computeFp &&
        overlap > minOverlap &&
        validDetection === NO_DETECTION &&
        c.ignoredDet[j] === 1
      ) {
        detIdx = j;
        validDetection = 1;
        assignedIgnoredDet = true;
      }
    }
    if (validDetection === NO_DETECTION && c.ignoredGt[i] === 0) stat.fn++;
    else if (
      validDetection !== NO_DETECTION &&
      (c.ignoredGt[i] === 1 || c.ignoredDet[detIdx] === 1)
    ) {
      assigned[detIdx] = 1;
    } else if (validDetection !== NO_DETECTION) {
      stat.tp++;
      stat.v.push(det[detIdx]!.score);
      if (computeAos) delta.push(gt[i]!.alpha - det[detIdx]!.alpha);
      assigned[detIdx] = 1;
    }
  }
  if (computeFp) {
    for (let i = 0; i < det.length; i++) {
      if (!(assigned[i] || c.ignoredDet[i] === -1 || c.ignoredDet[i] === 1 || ignoredThreshold[i]))
        stat.fp++;
    }
    let nstuff = 0;
    for (const dc of c.dc) {
      for (let j = 0; j < det.length; j++) {
        if (assigned[j]) continue;
        if (c.ignoredDet[j] === -1 || c.ignoredDet[j] === 1) continue;
        if (ignoredThreshold[j]) continue;
        const overlap = kittiBoxOverlap(det[j]!.bbox, dc.bbox, 0);
        if (overlap > minOverlap) {
          assigned[j] = 1;
          nstuff++;
        }
      }
    }
    stat.fp -= nstuff;
    if (computeAos) {
      // FP have similarity 0; std::accumulate over [0]*fp followed by the TP terms
      let sum = 0;
      for (let i = 0; i < stat.fp; i++) sum += 0;
      for (const d of delta) sum += (1.0 + Math.cos(d)) / 2.0;
      stat.similarity = stat.tp > 0 || stat.fp > 0 ? sum : -1;
    }
  }
  return stat;
};

const getThresholds = (v: number[], nGroundtruth: number, nSamplePts: number): number[] => {
  const t: number[] = [];
  v.sort((a, b) => b - a);
  let currentRecall = 0;
  for (let i = 0; i < v.length; i++) {
    const lRecall = (i + 1) / nGroundtruth;
    const rRecall = i < v.length - 1 ? (i + 2) / nGroundtruth : lRecall;
    if (rRecall - currentRecall < currentRecall - lRecall && i < v.length - 1) continue;
    t.push(v[i]!);
    currentRecall += 1.0 / (nSamplePts - 1.0);
  }
  return t;
};

/** `*max_element(first, last)`: the first largest by operator< (NaN behaves as in C++). */
const maxElement = (a: Float64Array, from: number): number => {
  let best = a[from]!;
  for (let j = from + 1; j < a.length; j++) if (best < a[j]!) best = a[j]!;
  return best;
};

export interface KittiClassCurves {
  /** [nSamplePts] interpolated precision per recall sample */
  readonly precision: Float64Array;
  /** [nSamplePts] interpolated orientation similarity, or undefined when AOS is off */
  readonly aos: Float64Array | undefined;
}

/** `eval_class` for one class index and difficulty (0 easy, 1 moderate, 2 hard). */
export const kittiEvalClass = (
  p: KittiParams,
  frames: readonly KittiFrame[],
  cls: number,
  diff: number,
  computeAos: boolean,
): KittiClassCurves => {
  const minOverlap = p.classes[cls]!.minOverlap;
  let nGt = 0;
  const v: number[] = [];
  const cleaned: Cleaned[] = [];
  for (const f of frames) {
    const c = cleanData(p, cls, f, diff);
    nGt += c.nGt;
    cleaned.push(c);
    const st = computeStatistics(minOverlap, f, c, false, false, 0);
    for (const s of st.v) v.push(s);
  }
  const thresholds = getThresholds(v, nGt, p.nSamplePts);
  const N = p.nSamplePts;
  // the devkit writes past its 41-entry vectors if there are more thresholds (undefined behaviour); we stop at N
  const nT = Math.min(thresholds.length, N);
  const pr = Array.from({ length: nT }, () => ({ tp: 0, fp: 0, fn: 0, similarity: 0 }));
  frames.forEach((f, i) => {
    for (let t = 0; t < nT; t++) {
      const tmp = computeStatistics(minOverlap, f, cleaned[i]!, true, computeAos, thresholds[t]!);
      const acc = pr[t]!;
      acc.tp += tmp.tp;
      acc.fp += tmp.fp;
      acc.fn += tmp.fn;
      if (tmp.similarity !== -1) acc.similarity += tmp.similarity;
    }
  });
  const precision = new Float64Array(N);
  const aos = computeAos ? new Float64Array(N) : undefined;
  for (let i = 0; i < nT; i++) {
    const a = pr[i]!;
    precision[i] = a.tp / (a.tp + a.fp);
    if (aos) aos[i] = a.similarity / (a.tp + a.fp);
  }
  for (let i = 0; i < nT; i++) {
    precision[i] = maxElement(precision, i);
    if (aos) aos[i] = maxElement(aos, i);
  }
  return { precision, aos };
};
