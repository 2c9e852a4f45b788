/**
 * Index sorts that reproduce numpy's `argsort` tie order.
 *
 * `voc_eval.py` sorts detections with `np.argsort(-confidence)` (default kind: introsort,
 * not stable), so with tied scores the order of tied detections — and therefore AP — depends
 * on numpy's exact partitioning. pycocotools uses `kind='mergesort'` (stable).
 */

const SMALL_QUICKSORT = 15;

/** numpy's `DOUBLE_LT`: NaNs sort last. */
const lt = (a: number, b: number): boolean => a < b || (Number.isNaN(b) && !Number.isNaN(a));

const msb = (n: number): number => {
  let depth = 0;
  let u = n;
  while (u > 1) {
    u = Math.floor(u / 2);
    depth++;
  }
  return depth;
};

/** numpy `aheapsort_` on the index slice tosort[lo .. lo+n-1] (1-based heap over that slice). */
const aheapsort = (v: ArrayLike<number>, tosort: Int32Array, lo: number, n: number): void => {
  // a[k] for k in 1..n is tosort[lo + k - 1]
  const a = (k: number): number => tosort[lo + k - 1] as number;
  const set = (k: number, x: number): void => {
    tosort[lo + k - 1] = x;
  };
  let i: number;
  let j: number;
  let l: number;
  let tmp: number;
  for (l = n >> 1; l > 0; --l) {
    tmp = a(l);
    for (i = l, j = l << 1; j <= n; ) {
      if (j < n && lt(v[a(j)] as number, v[a(j + 1)] as number)) j += 1;
      if (lt(v[tmp] as number, v[a(j)] as number)) {
        set(i, a(j));
        i = j;
        j += j;
      } else break;
    }
    set(i, tmp);
  }
  for (; n > 1; ) {
    tmp = a(n);
    set(n, a(1));
    n -= 1;
    for (i = 1, j = 2; j <= n; ) {
      if (j < n && lt(v[a(j)] as number, v[a(j + 1)] as number)) j++;
      if (lt(v[tmp] as number, v[a(j)] as number)) {
        set(i, a(j));
        i = j;
        j += j;
      } else break;
    }
    set(i, tmp);
  }
};

/**
 * `np.argsort(v)` with the default kind ('quicksort' = numpy's introsort `aquicksort_`),
 * for float64 input, as numpy 1.x computes it without SIMD dispatch.
 * @param v values, length N
 * @returns indices [N] ordering v ascending, ties in numpy's order
 */
export const npArgsortQuick = (v: ArrayLike<number>): Int32Array => {
  const num = v.length;
  const tosort = new Int32Array(num);
  for (let i = 0; i < num; i++) tosort[i] = i;
  if (num < 2) return tosort;
  let pl = 0;
  let pr = num - 1;
  const stack: number[] = [];
  const depthStack: number[] = [];
  let cdepth = msb(num) * 2;
  const swap = (x: number, y: number): void => {
    const t = tosort[x] as number;
    tosort[x] = tosort[y] as number;
    tosort[y] = t;
  };
  const val = (p: number): number => v[tosort[p] as number] as number;
  for (;;) {
    let popped = false;
    if (cdepth < 0) {
      aheapsort(v, tosort, pl, pr - pl + 1);
      popped = true;
    } else {
      while (pr - pl > SMALL_QUICKSORT) {
        const pm = pl + ((pr - pl) >> 1);
        if (lt(val(pm), val(pl))) swap(pm, pl);
        if (lt(val(pr), val(pm))) swap(pr, pm);
        if (lt(val(pm), val(pl))) swap(pm, pl);
        const vp = val(pm);
        let pi = pl;
        let pj = pr - 1;
        swap(pm, pj);
        for (;;) {
          do ++pi;
          while (lt(val(pi), vp));
          do --pj;
          while (lt(vp, val(pj)));
          if (pi >= pj) break;
          swap(pi, pj);
        }
        const pk = pr - 1;
        swap(pi, pk);
        if (pi - pl < pr - pi) {
          stack.push(pi + 1, pr);
          pr = pi - 1;
        } else {
          stack.push(pl, pi - 1);
          pl = pi + 1;
        }
        depthStack.push(--cdepth);
      }
      for (let pi = pl + 1; pi <= pr; ++pi) {
        const vi = tosort[pi] as number;
        const vpv = v[vi] as number;
        let pj = pi;
        let pk = pi - 1;
        while (pj > pl && lt(vpv, val(pk))) {
          tosort[pj--] = tosort[pk--] as number;
        }
        tosort[pj] = vi;
      }
      popped = true;
    }
    if (popped) {
      if (stack.length === 0) break;
      pr = stack.pop() as number;
      pl = stack.pop() as number;
      cdepth = depthStack.pop() as number;
    }
  }
  return tosort;
};

/**
 * Stable argsort by descending score (`np.argsort(-scores, kind='mergesort')`).
 * @param scores [N]
 * @returns indices [N], highest score first, ties in input order
 */
export const argsortDescStable = (scores: ArrayLike<number>): Int32Array => {
  const n = scores.length;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  if (n <= 32) {
    // insertion sort: stable, and much cheaper than a comparator sort for the usual few detections
    for (let i = 1; i < n; i++) {
      const v = idx[i] as number;
      const sv = scores[v] as number;
      let j = i - 1;
      while (j >= 0 && (scores[idx[j] as number] as number) < sv) {
        idx[j + 1] = idx[j] as number;
        j--;
      }
      idx[j + 1] = v;
    }
    return idx;
  }
  idx.sort((a, b) => {
    const d = (scores[b] as number) - (scores[a] as number);
    return d !== 0 ? d : a - b;
  });
  return idx;
};
