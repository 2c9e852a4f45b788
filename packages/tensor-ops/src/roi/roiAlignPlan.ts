import { axisSamples, newAxis, type RoiAlignGeometry, roiBins } from './roiAlignSamples.js';

/**
 * The bilinear sampling of torchvision `roi_align` as a sparse matrix: row `r` = output cell
 * `(k, ph, pw)`, columns = flat feature-map pixels `(b * H + y) * W + x`, value = summed
 * bilinear weight / sample count. Forward is this matrix times the `[N*H*W, C]` features,
 * backward its transpose times the output gradient, so both share one plan.
 *
 * Coordinates are computed with `Math.fround` after each operation, in the order of the C++
 * kernel (`roi_align_common.h`), so that sample points, bin grids and the out-of-range rules
 * (`y < -1 || y > H` contributes 0; clamped at 0; `y_low >= H - 1` snaps to the last row) fall
 * exactly as in torchvision's float32 computation.
 */
export interface SparsePlan {
  readonly rows: number;
  /** `[rows + 1]` CSR row pointers. */
  readonly rowPtr: Int32Array;
  /** Flat pixel index of each entry. */
  readonly cols: Int32Array;
  /** Weight of each entry. */
  readonly vals: Float32Array;
}

class Growable {
  cols = new Int32Array(1024);
  vals = new Float32Array(1024);
  length = 0;
  push(c: number, v: number): void {
    if (this.length === this.cols.length) {
      const nc = new Int32Array(this.length * 2);
      nc.set(this.cols);
      this.cols = nc;
      const nv = new Float32Array(this.length * 2);
      nv.set(this.vals);
      this.vals = nv;
    }
    this.cols[this.length] = c;
    this.vals[this.length] = v;
    this.length++;
  }
}

/**
 * @param rois `[K * 4]` x1,y1,x2,y2 in image coordinates.
 * @param batchIndices `[K]` image of each RoI (must be in `[0, batch)`).
 */
export function roiAlignPlan(
  rois: ArrayLike<number>,
  batchIndices: ArrayLike<number>,
  g: RoiAlignGeometry,
): SparsePlan {
  const f = Math.fround;
  const { height: H, width: W, pooledHeight: PH, pooledWidth: PW } = g;
  const K = batchIndices.length;
  const rows = K * PH * PW;
  const rowPtr = new Int32Array(rows + 1);
  const out = new Growable();
  // Per-bin accumulation of duplicate pixels (neighbouring samples share corners).
  const slot = new Int32Array(H * W).fill(-1);
  let touched = new Int32Array(64);
  let acc = new Float64Array(64);
  let nTouched = 0;
  const add = (p: number, w: number): void => {
    if (w === 0) return;
    const s = slot[p]!;
    if (s >= 0) {
      acc[s]! += w;
      return;
    }
    if (nTouched === touched.length) {
      const t2 = new Int32Array(nTouched * 2);
      t2.set(touched);
      touched = t2;
      const a2 = new Float64Array(nTouched * 2);
      a2.set(acc);
      acc = a2;
    }
    slot[p] = nTouched;
    touched[nTouched] = p;
    acc[nTouched++] = w;
  };
  let ys = newAxis(PH);
  let xs = newAxis(PW);
  let row = 0;
  for (let k = 0; k < K; k++) {
    const b = batchIndices[k]!;
    if (!(b >= 0 && b < g.batch) || !Number.isInteger(b)) {
      throw new Error(`roiAlign: batch index ${b} of RoI ${k} is outside [0, ${g.batch})`);
    }
    const base = b * H * W;
    const { startH, startW, binH, binW, gridH, gridW } = roiBins(rois, k, g);
    const count = Math.max(gridH * gridW, 1);
    if (ys.valid.length < PH * gridH) ys = newAxis(PH * gridH);
    if (xs.valid.length < PW * gridW) xs = newAxis(PW * gridW);
    axisSamples(ys, startH, binH, PH, gridH, H);
    axisSamples(xs, startW, binW, PW, gridW, W);
    for (let ph = 0; ph < PH; ph++) {
      for (let pw = 0; pw < PW; pw++) {
        for (let iy = 0; iy < gridH; iy++) {
          const ky = ph * gridH + iy;
          if (!ys.valid[ky]) continue;
          const rowLo = ys.low[ky]! * W;
          const rowHi = ys.high[ky]! * W;
          const ly = ys.l[ky]!;
          const hy = ys.h[ky]!;
          for (let ix = 0; ix < gridW; ix++) {
            const kx = pw * gridW + ix;
            if (!xs.valid[kx]) continue;
            const xLo = xs.low[kx]!;
            const xHi = xs.high[kx]!;
            const lx = xs.l[kx]!;
            const hx = xs.h[kx]!;
            add(rowLo + xLo, f(hy * hx));
            add(rowLo + xHi, f(hy * lx));
            add(rowHi + xLo, f(ly * hx));
            add(rowHi + xHi, f(ly * lx));
          }
        }
        for (let t = 0; t < nTouched; t++) {
          const p = touched[t]!;
          out.push(base + p, acc[t]! / count);
          slot[p] = -1;
        }
        nTouched = 0;
        rowPtr[++row] = out.length;
      }
    }
  }
  return {
    rows,
    rowPtr,
    cols: out.cols.subarray(0, out.length),
    vals: out.vals.subarray(0, out.length),
  };
}

/** `out[r, :] = Σ_e vals[e] * feat[cols[e], :]` for a `[rows, C]` output. */
export function sparseRowsForward(
  plan: SparsePlan,
  feat: Float32Array,
  channels: number,
): Float32Array {
  const C = channels;
  const out = new Float32Array(plan.rows * C);
  const { rowPtr, cols, vals } = plan;
  // Four entries (feature rows) per pass over the output row: a quarter of the read-modify-write
  // traffic on `out`; measured ~1.5-2x faster in V8 than one entry per pass.
  for (let r = 0; r < plan.rows; r++) {
    const o = r * C;
    const end = rowPtr[r + 1]!;
    let e = rowPtr[r]!;
    for (; e + 3 < end; e += 4) {
      const w0 = vals[e]!;
      const w1 = vals[e + 1]!;
      const w2 = vals[e + 2]!;
      const w3 = vals[e + 3]!;
      const s0 = cols[e]! * C;
      const s1 = cols[e + 1]! * C;
      const s2 = cols[e + 2]! * C;
      const s3 = cols[e + 3]! * C;
      for (let c = 0; c < C; c++) {
        out[o + c]! +=
          w0 * feat[s0 + c]! + w1 * feat[s1 + c]! + w2 * feat[s2 + c]! + w3 * feat[s3 + c]!;
      }
    }
    for (; e < end; e++) {
      const w = vals[e]!;
      const src = cols[e]! * C;
      for (let c = 0; c < C; c++) out[o + c]! += w * feat[src + c]!;
    }
  }
  return out;
}

/** `grad[cols[e], :] += vals[e] * dy[r, :]`: the transpose of {@link sparseRowsForward}. */
export function sparseRowsBackward(
  plan: SparsePlan,
  dy: Float32Array,
  channels: number,
  pixels: number,
): Float32Array {
  const C = channels;
  const grad = new Float32Array(pixels * C);
  const { rowPtr, cols, vals } = plan;
  // Four entries per pass: each `dy` value is loaded once for four scatters.
  for (let r = 0; r < plan.rows; r++) {
    const o = r * C;
    const end = rowPtr[r + 1]!;
    let e = rowPtr[r]!;
    for (; e + 3 < end; e += 4) {
      const w0 = vals[e]!;
      const w1 = vals[e + 1]!;
      const w2 = vals[e + 2]!;
      const w3 = vals[e + 3]!;
      const d0 = cols[e]! * C;
      const d1 = cols[e + 1]! * C;
      const d2 = cols[e + 2]! * C;
      const d3 = cols[e + 3]! * C;
      for (let c = 0; c < C; c++) {
        const g = dy[o + c]!;
        grad[d0 + c]! += w0 * g;
        grad[d1 + c]! += w1 * g;
        grad[d2 + c]! += w2 * g;
        grad[d3 + c]! += w3 * g;
      }
    }
    for (; e < end; e++) {
      const w = vals[e]!;
      const dst = cols[e]! * C;
      for (let c = 0; c < C; c++) grad[dst + c]! += w * dy[o + c]!;
    }
  }
  return grad;
}
