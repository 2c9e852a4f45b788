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

export interface RoiAlignGeometry {
  readonly batch: number;
  readonly height: number;
  readonly width: number;
  readonly pooledHeight: number;
  readonly pooledWidth: number;
  readonly spatialScale: number;
  readonly samplingRatio: number;
  readonly aligned: boolean;
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
  const scale = f(g.spatialScale);
  const offset = g.aligned ? 0.5 : 0;
  // Per-bin accumulation of duplicate pixels (neighbouring samples share corners).
  const slot = new Int32Array(H * W).fill(-1);
  const touched: number[] = [];
  const acc: number[] = [];
  const add = (p: number, w: number): void => {
    if (w === 0) return;
    const s = slot[p]!;
    if (s < 0) {
      slot[p] = acc.length;
      touched.push(p);
      acc.push(w);
    } else acc[s]! += w;
  };
  let row = 0;
  for (let k = 0; k < K; k++) {
    const b = batchIndices[k]!;
    if (!(b >= 0 && b < g.batch) || !Number.isInteger(b)) {
      throw new Error(`roiAlign: batch index ${b} of RoI ${k} is outside [0, ${g.batch})`);
    }
    const base = b * H * W;
    const startW = f(f(rois[4 * k]! * scale) - offset);
    const startH = f(f(rois[4 * k + 1]! * scale) - offset);
    const endW = f(f(rois[4 * k + 2]! * scale) - offset);
    const endH = f(f(rois[4 * k + 3]! * scale) - offset);
    let roiW = f(endW - startW);
    let roiH = f(endH - startH);
    if (!g.aligned) {
      roiW = Math.max(roiW, 1);
      roiH = Math.max(roiH, 1);
    }
    const binH = f(roiH / PH);
    const binW = f(roiW / PW);
    const gridH = g.samplingRatio > 0 ? g.samplingRatio : Math.ceil(f(roiH / PH));
    const gridW = g.samplingRatio > 0 ? g.samplingRatio : Math.ceil(f(roiW / PW));
    const count = Math.max(gridH * gridW, 1);
    for (let ph = 0; ph < PH; ph++) {
      for (let pw = 0; pw < PW; pw++) {
        for (let iy = 0; iy < gridH; iy++) {
          const yy = f(f(startH + f(ph * binH)) + f(f(f(iy + 0.5) * binH) / gridH));
          for (let ix = 0; ix < gridW; ix++) {
            const xx = f(f(startW + f(pw * binW)) + f(f(f(ix + 0.5) * binW) / gridW));
            if (!(yy >= -1 && yy <= H && xx >= -1 && xx <= W)) continue;
            let y = yy <= 0 ? 0 : yy;
            let x = xx <= 0 ? 0 : xx;
            let yLow = Math.trunc(y);
            let xLow = Math.trunc(x);
            let yHigh: number;
            let xHigh: number;
            if (yLow >= H - 1) {
              yHigh = yLow = H - 1;
              y = yLow;
            } else yHigh = yLow + 1;
            if (xLow >= W - 1) {
              xHigh = xLow = W - 1;
              x = xLow;
            } else xHigh = xLow + 1;
            const ly = f(y - yLow);
            const lx = f(x - xLow);
            const hy = f(1 - ly);
            const hx = f(1 - lx);
            add(yLow * W + xLow, f(hy * hx));
            add(yLow * W + xHigh, f(hy * lx));
            add(yHigh * W + xLow, f(ly * hx));
            add(yHigh * W + xHigh, f(ly * lx));
          }
        }
        for (let t = 0; t < touched.length; t++) {
          const p = touched[t]!;
          out.push(base + p, acc[t]! / count);
          slot[p] = -1;
        }
        touched.length = 0;
        acc.length = 0;
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
  // float64 accumulation, unrolled by 4: ~1.4x faster in V8 than a plain `out[o + c] +=` loop.
  const acc = new Float64Array(C);
  const C4 = C - (C % 4);
  for (let r = 0; r < plan.rows; r++) {
    const end = rowPtr[r + 1]!;
    let e = rowPtr[r]!;
    if (e === end) continue;
    acc.fill(0);
    for (; e < end; e++) {
      const w = vals[e]!;
      const src = cols[e]! * C;
      let c = 0;
      for (; c < C4; c += 4) {
        acc[c]! += w * feat[src + c]!;
        acc[c + 1]! += w * feat[src + c + 1]!;
        acc[c + 2]! += w * feat[src + c + 2]!;
        acc[c + 3]! += w * feat[src + c + 3]!;
      }
      for (; c < C; c++) acc[c]! += w * feat[src + c]!;
    }
    out.set(acc, r * C);
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
  const C4 = C - (C % 4);
  for (let r = 0; r < plan.rows; r++) {
    const o = r * C;
    const end = rowPtr[r + 1]!;
    for (let e = rowPtr[r]!; e < end; e++) {
      const w = vals[e]!;
      const dst = cols[e]! * C;
      let c = 0;
      for (; c < C4; c += 4) {
        grad[dst + c]! += w * dy[o + c]!;
        grad[dst + c + 1]! += w * dy[o + c + 1]!;
        grad[dst + c + 2]! += w * dy[o + c + 2]!;
        grad[dst + c + 3]! += w * dy[o + c + 3]!;
      }
      for (; c < C; c++) grad[dst + c]! += w * dy[o + c]!;
    }
  }
  return grad;
}
