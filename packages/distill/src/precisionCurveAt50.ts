import type { CocoEvalResult } from '@kd/eval';

/**
 * One category's precision-recall curve as COCOeval samples it: precision at each of the `R`
 * recall thresholds (`result.params.recThrs`), at IoU 0.5 (t = 0), area 'all' (a = 0) and the
 * largest maxDets (m = M − 1), read from `precision` `[T, R, K, A, M]`.
 * @param k category index into `result.params.catIds` (0-based)
 * @returns `[R]` precisions in 0…1; −1 where COCOeval has none (no ground truth for the category)
 */
export function precisionCurveAt50(result: CocoEvalResult, k: number): number[] {
  const [, R, K, A, M] = result.counts;
  if (k < 0 || k >= K) throw new RangeError(`category index ${k} outside 0…${K - 1}`);
  return Array.from(
    { length: R },
    (_, r) => result.precision[((r * K + k) * A + 0) * M + (M - 1)]!,
  );
}
