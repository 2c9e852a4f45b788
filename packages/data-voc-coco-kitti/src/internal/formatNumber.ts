/**
 * Shortest exact decimal text of a number, integers without a fraction (`12`, `12.5`): parsed back
 * it is the same double. Throws on NaN and ±Infinity, which no evaluator reads.
 */
export const formatNumber = (x: number): string => {
  if (!Number.isFinite(x)) throw new RangeError(`a written value must be finite, got ${x}`);
  return Object.is(x, -0) ? '0' : String(x);
};

/** Fixed two decimals, as the KITTI devkit writes labels. */
export const fixed2 = (x: number): string => x.toFixed(2);
