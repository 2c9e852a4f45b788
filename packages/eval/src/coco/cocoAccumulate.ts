import { EPS64, npMean } from '../internal/numpyMath.js';
import { DET_IGNORED, DET_TP } from './cocoEvaluateImage.js';
import type { CocoCategoryStore, CocoEvalState } from './cocoEvaluator.js';
import type { CocoParams } from './cocoTypes.js';

/** The 12 standard statistics, in pycocotools' `stats` order. */
export interface CocoStats {
  readonly AP: number;
  readonly AP50: number;
  readonly AP75: number;
  readonly APs: number;
  readonly APm: number;
  readonly APl: number;
  readonly AR1: number;
  readonly AR10: number;
  readonly AR100: number;
  readonly ARs: number;
  readonly ARm: number;
  readonly ARl: number;
}

export const COCO_STAT_KEYS = [
  'AP',
  'AP50',
  'AP75',
  'APs',
  'APm',
  'APl',
  'AR1',
  'AR10',
  'AR100',
  'ARs',
  'ARm',
  'ARl',
] as const;

/**
 * COCOeval.accumulate + summarize output.
 * `precision` and `scores` are [T,R,K,A,M] row-major, `recall` [T,K,A,M]; -1 where absent.
 */
export interface CocoEvalResult {
  readonly params: CocoParams;
  readonly counts: readonly [number, number, number, number, number];
  readonly precision: Float64Array;
  readonly recall: Float64Array;
  readonly scores: Float64Array;
  /** the 12 numbers of `COCOeval.stats` */
  readonly stats: readonly number[];
  readonly summary: CocoStats;
  /** AP@[.5:.95] (area all, last maxDets) per category id; -1 when it has no GT (useCats only) */
  readonly perCategory: readonly { readonly categoryId: number; readonly AP: number }[];
}

const accumulateCategory = (
  p: CocoParams,
  store: CocoCategoryStore,
  k: number,
  K: number,
  precision: Float64Array,
  recall: Float64Array,
  scoresOut: Float64Array,
): void => {
  const T = p.iouThrs.length;
  const R = p.recThrs.length;
  const A = p.areaRng.length;
  const M = p.maxDets.length;
  const nChunks = store.imageIds.length;
  if (nChunks === 0) return;
  // pycocotools concatenates images in ascending id order, then stable-sorts by score
  const chunkOrder = Array.from({ length: nChunks }, (_, i) => i).sort(
    (x, y) => (store.imageIds[x] as number) - (store.imageIds[y] as number) || x - y,
  );
  let N = 0;
  for (const c of chunkOrder) N += store.counts[c] as number;
  const ent = new Int32Array(N);
  const rank = new Int32Array(N);
  const sc = new Float64Array(N);
  let n = 0;
  for (const c of chunkOrder) {
    const s0 = store.starts[c] as number;
    const cnt = store.counts[c] as number;
    for (let r = 0; r < cnt; r++) {
      ent[n] = s0 + r;
      rank[n] = r;
      sc[n] = store.scores[s0 + r] as number;
      n++;
    }
  }
  const order = new Int32Array(N);
  for (let i = 0; i < N; i++) order[i] = i;
  order.sort((x, y) => (sc[y] as number) - (sc[x] as number) || x - y);
  const codes = store.codes.view();
  const sel = new Int32Array(N);
  const rc = new Float64Array(N);
  const pr = new Float64Array(N);
  // codes of this area range gathered in score order, so the T passes read memory linearly
  const gathered = new Uint8Array(N * T);
  for (let a = 0; a < A; a++) {
    let npig = 0;
    for (let c = 0; c < nChunks; c++) npig += store.nPos[c * A + a] as number;
    if (npig === 0) continue;
    for (let i = 0; i < N; i++) {
      const base = ((ent[order[i] as number] as number) * A + a) * T;
      gathered.set(codes.subarray(base, base + T), i * T);
    }
    for (let m = 0; m < M; m++) {
      const maxDet = p.maxDets[m] as number;
      let nd = 0;
      for (let i = 0; i < N; i++) {
        if ((rank[order[i] as number] as number) < maxDet) sel[nd++] = i;
      }
      for (let t = 0; t < T; t++) {
        let tp = 0;
        let fp = 0;
        for (let i = 0; i < nd; i++) {
          const code = gathered[(sel[i] as number) * T + t];
          if (code === DET_TP) tp++;
          else if (code !== DET_IGNORED) fp++;
          rc[i] = tp / npig;
          pr[i] = tp / (fp + tp + EPS64);
        }
        recall[((t * K + k) * A + a) * M + m] = nd > 0 ? (rc[nd - 1] as number) : 0;
        for (let i = nd - 1; i > 0; i--) {
          if ((pr[i] as number) > (pr[i - 1] as number)) pr[i - 1] = pr[i] as number;
        }
        // np.searchsorted(rc, recThrs, side='left'); past the end the rest stay 0
        let pi = 0;
        for (let ri = 0; ri < R; ri++) {
          const thr = p.recThrs[ri] as number;
          while (pi < nd && (rc[pi] as number) < thr) pi++;
          const at = (((t * R + ri) * K + k) * A + a) * M + m;
          if (pi >= nd) {
            for (let rj = ri; rj < R; rj++) {
              const at2 = (((t * R + rj) * K + k) * A + a) * M + m;
              precision[at2] = 0;
              scoresOut[at2] = 0;
            }
            break;
          }
          precision[at] = pr[pi] as number;
          scoresOut[at] = sc[order[sel[pi] as number] as number] as number;
        }
      }
    }
  }
};

/** Mean of the entries > -1, or -1 when there is none (`_summarize`). */
const meanValid = (vals: ArrayLike<number>): number => (vals.length === 0 ? -1 : npMean(vals));

/**
 * COCOeval.accumulate then summarize on an accumulated state.
 * Not differentiable; plain float64 numbers.
 */
export const cocoAccumulate = (state: CocoEvalState): CocoEvalResult => {
  const p = state.params;
  const T = p.iouThrs.length;
  const R = p.recThrs.length;
  const K = p.useCats ? p.catIds.length : 1;
  const A = p.areaRng.length;
  const M = p.maxDets.length;
  const precision = new Float64Array(T * R * K * A * M).fill(-1);
  const scores = new Float64Array(T * R * K * A * M).fill(-1);
  const recall = new Float64Array(T * K * A * M).fill(-1);
  state.stores.forEach((store, k) => {
    accumulateCategory(p, store, k, K, precision, recall, scores);
  });

  const summarize = (ap: boolean, iouThr: number | undefined, areaLbl: string, maxDets: number) => {
    const ts =
      iouThr === undefined
        ? p.iouThrs.map((_, i) => i)
        : p.iouThrs.flatMap((v, i) => (v === iouThr ? [i] : []));
    const as = p.areaRngLbl.flatMap((l, i) => (l === areaLbl ? [i] : []));
    const ms = p.maxDets.flatMap((v, i) => (v === maxDets ? [i] : []));
    const buf = new Float64Array(ts.length * (ap ? R * K : K) * as.length * ms.length);
    let nv = 0;
    const vals = {
      push: (v: number) => {
        buf[nv++] = v;
      },
    };
    for (const t of ts) {
      if (ap) {
        for (let r = 0; r < R; r++)
          for (let k = 0; k < K; k++)
            for (const a of as)
              for (const m of ms) {
                const v = precision[(((t * R + r) * K + k) * A + a) * M + m] as number;
                if (v > -1) vals.push(v);
              }
      } else {
        for (let k = 0; k < K; k++)
          for (const a of as)
            for (const m of ms) {
              const v = recall[((t * K + k) * A + a) * M + m] as number;
              if (v > -1) vals.push(v);
            }
      }
    }
    return meanValid(buf.subarray(0, nv));
  };
  const md = (i: number): number => p.maxDets[i] ?? Number.NaN;
  const stats = [
    summarize(true, undefined, 'all', 100),
    summarize(true, 0.5, 'all', md(2)),
    summarize(true, 0.75, 'all', md(2)),
    summarize(true, undefined, 'small', md(2)),
    summarize(true, undefined, 'medium', md(2)),
    summarize(true, undefined, 'large', md(2)),
    summarize(false, undefined, 'all', md(0)),
    summarize(false, undefined, 'all', md(1)),
    summarize(false, undefined, 'all', md(2)),
    summarize(false, undefined, 'small', md(2)),
    summarize(false, undefined, 'medium', md(2)),
    summarize(false, undefined, 'large', md(2)),
  ];
  const summary = Object.fromEntries(
    COCO_STAT_KEYS.map((key, i) => [key, stats[i]]),
  ) as unknown as CocoStats;
  const allA = p.areaRngLbl.indexOf('all');
  const perCategory = p.useCats
    ? p.catIds.map((categoryId, k) => {
        const vals: number[] = [];
        for (let t = 0; t < T; t++)
          for (let r = 0; r < R; r++) {
            const v = precision[(((t * R + r) * K + k) * A + allA) * M + (M - 1)] as number;
            if (v > -1) vals.push(v);
          }
        return { categoryId, AP: meanValid(vals) };
      })
    : [];
  return {
    params: p,
    counts: [T, R, K, A, M],
    precision,
    recall,
    scores,
    stats,
    summary,
    perCategory,
  };
};
