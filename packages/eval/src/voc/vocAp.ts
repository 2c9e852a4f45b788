import { arange, pairwiseSum } from '../internal/numpyMath.js';

/** 11 recall thresholds exactly as `np.arange(0., 1.1, 0.1)` produces them. */
export const VOC07_THRESHOLDS: readonly number[] = arange(0, 1.1, 0.1);

/**
 * `voc_ap(rec, prec, use_07_metric)` of py-faster-rcnn, operation for operation.
 * @param rec [N] cumulative recall (may hold NaN when the class has no non-difficult GT)
 * @param prec [N] cumulative precision
 */
export const vocAp = (rec: ArrayLike<number>, prec: ArrayLike<number>, use07: boolean): number => {
  const n = rec.length;
  if (use07) {
    let ap = 0;
    for (const t of VOC07_THRESHOLDS) {
      let p = 0;
      let any = false;
      for (let i = 0; i < n; i++) {
        if ((rec[i] as number) >= t) {
          const v = prec[i] as number;
          // np.max propagates NaN
          p = !any ? v : Number.isNaN(p) || Number.isNaN(v) ? Number.NaN : Math.max(p, v);
          any = true;
        }
      }
      ap = ap + p / 11;
    }
    return ap;
  }
  const mrec = new Float64Array(n + 2);
  const mpre = new Float64Array(n + 2);
  for (let i = 0; i < n; i++) {
    mrec[i + 1] = rec[i] as number;
    mpre[i + 1] = prec[i] as number;
  }
  mrec[n + 1] = 1;
  for (let i = n + 1; i > 0; i--) {
    const a = mpre[i - 1] as number;
    const b = mpre[i] as number;
    mpre[i - 1] = Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.max(a, b);
  }
  const terms: number[] = [];
  for (let i = 0; i < n + 1; i++) {
    if (mrec[i + 1] !== mrec[i])
      terms.push(((mrec[i + 1] as number) - (mrec[i] as number)) * (mpre[i + 1] as number));
  }
  return pairwiseSum(terms);
};
