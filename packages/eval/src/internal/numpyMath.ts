/**
 * Float64 helpers that reproduce numpy's arithmetic bit for bit, because the official
 * Python tools' thresholds and sums are computed that way and the last digits matter.
 */

/** `np.linspace(start, stop, num)` (endpoint=True) exactly as numpy ≥ 1.20 computes it: `i·step + start`, last = stop. */
export const linspace = (start: number, stop: number, num: number): number[] => {
  const div = num - 1;
  const step = (stop - start) / div;
  const out: number[] = [];
  for (let i = 0; i < num; i++) out.push(i * step + start);
  if (num > 1) out[num - 1] = stop;
  return out;
};

/** `np.arange(start, stop, step)` for float64: length `ceil((stop-start)/step)`, values `start + i·(x1 - start)`. */
export const arange = (start: number, stop: number, step: number): number[] => {
  const len = Math.max(0, Math.ceil((stop - start) / step));
  const out: number[] = [];
  if (len > 0) out.push(start);
  if (len > 1) out.push(start + step);
  // numpy's DOUBLE_fill recomputes delta from the first two stored values
  const delta = len > 1 ? (out[1] as number) - start : 0;
  for (let i = 2; i < len; i++) out.push(start + i * delta);
  return out;
};

/** `np.round(x)` for scalars: round half to even. */
export const roundHalfEven = (x: number): number => {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

/** numpy's pairwise summation (`pairwise_sum` in loops_utils), used by `np.sum`/`np.mean` on contiguous float64. */
export const pairwiseSum = (a: ArrayLike<number>, start = 0, n = a.length - start): number => {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i] as number;
    return res;
  }
  if (n <= 128) {
    const r = new Float64Array(8);
    for (let j = 0; j < 8; j++) r[j] = a[start + j] as number;
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j] = (r[j] as number) + (a[start + i + j] as number);
    }
    let res = r[0]! + r[1]! + (r[2]! + r[3]!) + (r[4]! + r[5]! + (r[6]! + r[7]!));
    for (; i < n; i++) res += a[start + i] as number;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
};

/** `np.mean` of a 1-D float64 array. */
export const npMean = (a: ArrayLike<number>): number => pairwiseSum(a) / a.length;

/** numpy machine epsilon for float64 (`np.spacing(1)`, `np.finfo(np.float64).eps`). */
export const EPS64 = 2.220446049250313e-16;
