import { type BoxCodingWeights, DEFAULT_BBOX_XFORM_CLIP } from '@kd/tensor-ops';

// Host counterparts of tensor-ops' boxIou / encodeBoxes / decodeBoxes (torchvision convention)
// as plain loops: each call used to dispatch ~30 tiny tfjs kernels, 40–60× the loops' time for an
// encode or decode of a few hundred boxes (hostBoxesBench). Every `+ − × ÷` is rounded to float32 with `fround` in the
// kernels' order of operations, so the results equal the tensor ops bit for bit on the cpu backend;
// `exp` and `log` are `Math`'s rounded to float32 (as the cpu backend's), while the tensorflow and
// wasm backends' vectorised ones may be up to 2 ulp off them, a difference later operations carry
// along. Tested against the tensor ops on every backend in hostBoxes.test.
const f = Math.fround;
const CLIP = f(DEFAULT_BBOX_XFORM_CLIP);

/** Float32 `exp`/`log` as tfjs' cpu backend computes them. */
const expF32 = (x: number): number => f(Math.exp(x));
const logF32 = (x: number): number => f(Math.log(x));

/** `relu` as tfjs' kernels: NaN and −0 pass through (Math.max would turn −0 into 0). */
// biome-ignore lint/complexity/useMathMinMax: Math.max(−0, 0) is +0; the kernels keep −0
const relu = (x: number): number => (x < 0 ? 0 : x);

/**
 * IoU `[A, B]` (row-major) of two host box lists (`[A*4]`, `[B*4]`), equal to tensor-ops'
 * `boxIou`: zero-union pairs give NaN.
 */
export function iouHost(a: Float32Array, b: Float32Array): Float32Array {
  const na = a.length / 4;
  const nb = b.length / 4;
  if (na === 0 || nb === 0) return new Float32Array(0);
  const out = new Float32Array(na * nb);
  const areaB = new Float32Array(nb);
  for (let j = 0; j < nb; j++) {
    const o = 4 * j;
    areaB[j] = f(f(b[o + 2]! - b[o]!) * f(b[o + 3]! - b[o + 1]!));
  }
  for (let i = 0; i < na; i++) {
    const areaA = boxArea(a, 4 * i);
    const row = i * nb;
    for (let j = 0; j < nb; j++) out[row + j] = pairIou(a, 4 * i, areaA, b, 4 * j, areaB[j]!);
  }
  return out;
}

const boxArea = (b: Float32Array, o: number): number =>
  f(f(b[o + 2]! - b[o]!) * f(b[o + 3]! - b[o + 1]!));

/** The IoU of box `a[oa..]` and box `b[ob..]` in float32, as {@link iouHost} stores it. */
function pairIou(
  a: Float32Array,
  oa: number,
  areaA: number,
  b: Float32Array,
  ob: number,
  areaB: number,
): number {
  const iw = relu(f(Math.min(a[oa + 2]!, b[ob + 2]!) - Math.max(a[oa]!, b[ob]!)));
  const ih = relu(f(Math.min(a[oa + 3]!, b[ob + 3]!) - Math.max(a[oa + 1]!, b[ob + 1]!)));
  const inter = f(iw * ih);
  return f(inter / f(f(areaA + areaB) - inter));
}

/** The layout of anchors made by tensor-ops' `gridAnchors`: row `(y * featWidth + x) * perCell + a`. */
export interface AnchorGrid {
  readonly featHeight: number;
  readonly featWidth: number;
  readonly stride: number;
  /** Anchors per cell (A). */
  readonly perCell: number;
}

/**
 * For each box of `boxes` (`[N*4]`), the index of the anchor of `anchors` (`[H*W*A*4]`, laid out as
 * `grid` says) with the highest IoU — the first such index on ties, the same answer as an argmax
 * over a full {@link iouHost} row. Only anchors whose cells can overlap the box are scored (an
 * anchor that does not overlap has IoU 0); a box that overlaps none falls back to the full row.
 * For the ~1,000 rows of a distillation step against a 32×32 grid of 9 anchors this took ~25 ms
 * where the full matrix took ~330 ms.
 */
export function bestGridAnchor(
  boxes: Float32Array,
  anchors: Float32Array,
  grid: AnchorGrid,
): Int32Array {
  const { featHeight: h, featWidth: w, stride: s, perCell: k } = grid;
  if (anchors.length !== h * w * k * 4)
    throw new Error(
      `bestGridAnchor: ${anchors.length / 4} anchors for a ${h}×${w} grid of ${k} per cell`,
    );
  const n = boxes.length / 4;
  const best = new Int32Array(n);
  const total = h * w * k;
  for (let i = 0; i < n; i++) {
    const o = 4 * i;
    const areaQ = boxArea(boxes, o);
    let bi = -1;
    let bv = 0;
    for (let a = 0; a < k; a++) {
      // Anchor a of cell (y, x) is anchor a of cell (0, 0) shifted by (x, y) · stride: the cells
      // whose anchor can overlap the box lie in one range per axis (one cell of margin each side
      // covers float rounding; anchors outside it have IoU exactly 0).
      const b = 4 * a;
      const x0 = Math.max(0, Math.floor((boxes[o]! - anchors[b + 2]!) / s) - 1);
      const x1 = Math.min(w - 1, Math.ceil((boxes[o + 2]! - anchors[b]!) / s) + 1);
      const y0 = Math.max(0, Math.floor((boxes[o + 1]! - anchors[b + 3]!) / s) - 1);
      const y1 = Math.min(h - 1, Math.ceil((boxes[o + 3]! - anchors[b + 1]!) / s) + 1);
      for (let y = y0; y <= y1; y++) {
        for (let x = x0; x <= x1; x++) {
          const j = (y * w + x) * k + a;
          const v = pairIou(boxes, o, areaQ, anchors, 4 * j, boxArea(anchors, 4 * j));
          if (v > bv || (v === bv && bv > 0 && j < bi)) {
            bv = v;
            bi = j;
          }
        }
      }
    }
    if (bi < 0) {
      // No overlap anywhere: the full row's first maximum (0 for well-formed anchors).
      let fv = -1;
      bi = 0;
      for (let j = 0; j < total; j++) {
        const v = pairIou(boxes, o, areaQ, anchors, 4 * j, boxArea(anchors, 4 * j));
        if (v > fv) {
          fv = v;
          bi = j;
        }
      }
    }
    best[i] = bi;
  }
  return best;
}

/**
 * Encodes `reference` boxes against `proposals` (both `[N*4]`), returning `[N*4]` deltas equal to
 * tensor-ops' `encodeBoxes` (torchvision convention; `log` may differ in the last bit).
 * @param log float32 `log`; tests pass a backend's own to check the rest bit for bit.
 */
export function encodeHost(
  reference: Float32Array,
  proposals: Float32Array,
  weights: BoxCodingWeights,
  log: (x: number) => number = logF32,
): Float32Array {
  const n = reference.length / 4;
  const out = new Float32Array(4 * n);
  const wx = f(weights[0]);
  const wy = f(weights[1]);
  const ww = f(weights[2]);
  const wh = f(weights[3]);
  for (let i = 0; i < n; i++) {
    const o = 4 * i;
    const ew = f(proposals[o + 2]! - proposals[o]!);
    const eh = f(proposals[o + 3]! - proposals[o + 1]!);
    const ecx = f(proposals[o]! + f(ew * 0.5));
    const ecy = f(proposals[o + 1]! + f(eh * 0.5));
    const gw = f(reference[o + 2]! - reference[o]!);
    const gh = f(reference[o + 3]! - reference[o + 1]!);
    const gcx = f(reference[o]! + f(gw * 0.5));
    const gcy = f(reference[o + 1]! + f(gh * 0.5));
    out[o] = f(f(gcx - ecx) * wx) / ew;
    out[o + 1] = f(f(gcy - ecy) * wy) / eh;
    out[o + 2] = log(f(gw / ew)) * ww;
    out[o + 3] = log(f(gh / eh)) * wh;
  }
  return out;
}

/**
 * Decodes `[N*4]` deltas against `[N*4]` boxes, equal to tensor-ops' `decodeBoxes` (torchvision
 * convention, `dw`/`dh` clamped at `DEFAULT_BBOX_XFORM_CLIP`; `exp` may differ in the last bit).
 * @param exp float32 `exp`; tests pass a backend's own to check the rest bit for bit.
 */
export function decodeHost(
  deltas: Float32Array,
  boxes: Float32Array,
  weights: BoxCodingWeights,
  exp: (x: number) => number = expF32,
): Float32Array {
  const n = boxes.length / 4;
  const out = new Float32Array(4 * n);
  const wx = f(weights[0]);
  const wy = f(weights[1]);
  const ww = f(weights[2]);
  const wh = f(weights[3]);
  for (let i = 0; i < n; i++) {
    const o = 4 * i;
    const w = f(boxes[o + 2]! - boxes[o]!);
    const h = f(boxes[o + 3]! - boxes[o + 1]!);
    const cx = f(boxes[o]! + f(w * 0.5));
    const cy = f(boxes[o + 1]! + f(h * 0.5));
    const dx = f(deltas[o]! / wx);
    const dy = f(deltas[o + 1]! / wy);
    const dw = Math.min(f(deltas[o + 2]! / ww), CLIP);
    const dh = Math.min(f(deltas[o + 3]! / wh), CLIP);
    const pcx = f(f(dx * w) + cx);
    const pcy = f(f(dy * h) + cy);
    const hw = f(f(exp(dw) * w) * 0.5);
    const hh = f(f(exp(dh) * h) * 0.5);
    out[o] = pcx - hw;
    out[o + 1] = pcy - hh;
    out[o + 2] = pcx + hw;
    out[o + 3] = pcy + hh;
  }
  return out;
}

/** Rows `idx` of a `[N*4]` box list. */
export function takeBoxes(boxes: Float32Array, idx: ArrayLike<number>): Float32Array {
  const out = new Float32Array(idx.length * 4);
  for (let i = 0; i < idx.length; i++) out.set(boxes.subarray(4 * idx[i]!, 4 * idx[i]! + 4), 4 * i);
  return out;
}

/**
 * Marks as ignored (−1) the negatives (0) whose area lies more than half inside an ignore region
 * (crowd boxes, DontCare): they are unlabelled, not background.
 */
export function ignoreInsideRegions(
  labels: Int32Array,
  boxes: Float32Array,
  regions: Float32Array | undefined,
): void {
  if (!regions || regions.length === 0) return;
  const nr = regions.length / 4;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 0) continue;
    const x1 = boxes[4 * i]!;
    const y1 = boxes[4 * i + 1]!;
    const x2 = boxes[4 * i + 2]!;
    const y2 = boxes[4 * i + 3]!;
    const area = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
    if (area <= 0) continue;
    for (let r = 0; r < nr; r++) {
      const iw = Math.min(x2, regions[4 * r + 2]!) - Math.max(x1, regions[4 * r]!);
      const ih = Math.min(y2, regions[4 * r + 3]!) - Math.max(y1, regions[4 * r + 1]!);
      if (iw > 0 && ih > 0 && (iw * ih) / area > 0.5) {
        labels[i] = -1;
        break;
      }
    }
  }
}
