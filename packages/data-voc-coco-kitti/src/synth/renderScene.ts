import type { ForkableRng as Rng } from '@kd/random';
import { type ShapeKind, shapeSdf } from './shapeSdf.js';

/** One shape to draw, in image pixel coordinates. */
export interface SceneShape {
  readonly kind: ShapeKind;
  /** Class index for objects, -1 for distractors. */
  readonly classIndex: number;
  readonly cx: number;
  readonly cy: number;
  /** Radius in pixels. */
  readonly r: number;
  /** Rotation, radians. */
  readonly angle: number;
  readonly aspect: number;
  readonly color: readonly [number, number, number];
  /** Linear shading across the shape, added to the colour: per-pixel gain along the rotated x axis. */
  readonly shade: number;
}

/** What rendering found out about one shape. */
export interface RenderedShape {
  /** Tight box of the shape's pixels (coverage >= 0.5) inside the image, continuous xyxy; null when none. */
  readonly box: readonly [number, number, number, number] | null;
  /** Coverage of the whole shape, also outside the image. */
  readonly totalArea: number;
  /** Coverage inside the image. */
  readonly inImageArea: number;
  /** Coverage inside the image left visible by the shapes drawn after it. */
  readonly visibleArea: number;
}

interface Mask {
  x0: number;
  y0: number;
  w: number;
  h: number;
  cov: Float32Array;
}

/** Coverage of a shape over its (unclipped) bounding square, 1-pixel anti-aliased. */
const shapeMask = (s: SceneShape): Mask => {
  const ext = Math.ceil(s.r * 1.05) + 2;
  const x0 = Math.floor(s.cx) - ext;
  const y0 = Math.floor(s.cy) - ext;
  const w = 2 * ext + 1;
  const h = w;
  const cov = new Float32Array(w * h);
  const cos = Math.cos(s.angle);
  const sin = Math.sin(s.angle);
  for (let j = 0; j < h; j++) {
    const py = y0 + j + 0.5 - s.cy;
    for (let i = 0; i < w; i++) {
      const px = x0 + i + 0.5 - s.cx;
      const lx = cos * px + sin * py;
      const ly = -sin * px + cos * py;
      const d = shapeSdf(s.kind, lx, ly, s.r, s.aspect);
      cov[j * w + i] = Math.min(Math.max(0.5 - d, 0), 1);
    }
  }
  return { x0, y0, w, h, cov };
};

/**
 * Draws `shapes` in order (later ones occlude earlier ones) over `background`, in place.
 * @param background `[height, width, 3]` float RGB in [0, 255], modified.
 * @returns per shape: its tight box, its areas (total, in image, visible).
 */
export const renderScene = (
  background: Float32Array,
  width: number,
  height: number,
  shapes: readonly SceneShape[],
): RenderedShape[] => {
  const masks = shapes.map(shapeMask);
  masks.forEach((m, k) => {
    const s = shapes[k]!;
    const cos = Math.cos(s.angle);
    const sin = Math.sin(s.angle);
    for (let j = 0; j < m.h; j++) {
      const y = m.y0 + j;
      if (y < 0 || y >= height) continue;
      for (let i = 0; i < m.w; i++) {
        const x = m.x0 + i;
        if (x < 0 || x >= width) continue;
        const c = m.cov[j * m.w + i]!;
        if (c === 0) continue;
        const along = (cos * (x + 0.5 - s.cx) + sin * (y + 0.5 - s.cy)) / s.r;
        const o = (y * width + x) * 3;
        for (let ch = 0; ch < 3; ch++) {
          const v = s.color[ch]! + s.shade * along;
          background[o + ch] = background[o + ch]! * (1 - c) + v * c;
        }
      }
    }
  });
  // Visible coverage: walk from the top shape down, tracking what is still uncovered.
  const remaining = new Float32Array(width * height).fill(1);
  const out: RenderedShape[] = new Array(shapes.length);
  for (let k = shapes.length - 1; k >= 0; k--) {
    const m = masks[k]!;
    let total = 0;
    let inImage = 0;
    let visible = 0;
    let bx1 = Number.POSITIVE_INFINITY;
    let by1 = Number.POSITIVE_INFINITY;
    let bx2 = Number.NEGATIVE_INFINITY;
    let by2 = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < m.h; j++) {
      const y = m.y0 + j;
      for (let i = 0; i < m.w; i++) {
        const c = m.cov[j * m.w + i]!;
        if (c === 0) continue;
        total += c;
        const x = m.x0 + i;
        if (x < 0 || x >= width || y < 0 || y >= height) continue;
        inImage += c;
        const p = y * width + x;
        visible += c * remaining[p]!;
        remaining[p] = remaining[p]! * (1 - c);
        if (c >= 0.5) {
          if (x < bx1) bx1 = x;
          if (x + 1 > bx2) bx2 = x + 1;
          if (y < by1) by1 = y;
          if (y + 1 > by2) by2 = y + 1;
        }
      }
    }
    out[k] = {
      box: bx2 > bx1 ? [bx1, by1, bx2, by2] : null,
      totalArea: total,
      inImageArea: inImage,
      visibleArea: visible,
    };
  }
  return out;
};

/**
 * A textured background: a two-colour gradient, low-frequency value noise and, half of the
 * time, a sinusoidal stripe pattern. `[height, width, 3]` float RGB.
 */
export const renderBackground = (rng: Rng, width: number, height: number): Float32Array => {
  const img = new Float32Array(width * height * 3);
  const c0 = [rng.uniform(20, 235), rng.uniform(20, 235), rng.uniform(20, 235)];
  const c1 = [rng.uniform(20, 235), rng.uniform(20, 235), rng.uniform(20, 235)];
  const ga = rng.uniform(0, 2 * Math.PI);
  const gx = Math.cos(ga);
  const gy = Math.sin(ga);
  const grid = 6;
  const noise = new Float32Array((grid + 1) * (grid + 1) * 3).map(() => rng.uniform(-45, 45));
  const stripes = rng.next() < 0.5;
  const sa = rng.uniform(0, Math.PI);
  const sf = rng.uniform(0.15, 0.6);
  const samp = stripes ? rng.uniform(10, 35) : 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = Math.min(Math.max(0.5 + ((x / width - 0.5) * gx + (y / height - 0.5) * gy), 0), 1);
      const u = (x / width) * grid;
      const v = (y / height) * grid;
      const iu = Math.min(Math.floor(u), grid - 1);
      const iv = Math.min(Math.floor(v), grid - 1);
      const fu = u - iu;
      const fv = v - iv;
      const st = samp * Math.sin(sf * (x * Math.cos(sa) + y * Math.sin(sa)));
      const i00 = (iv * (grid + 1) + iu) * 3;
      const i01 = i00 + (grid + 1) * 3;
      const w00 = (1 - fu) * (1 - fv);
      const w10 = fu * (1 - fv);
      const w01 = (1 - fu) * fv;
      const w11 = fu * fv;
      for (let ch = 0; ch < 3; ch++) {
        const nz =
          noise[i00 + ch]! * w00 +
          noise[i00 + 3 + ch]! * w10 +
          noise[i01 + ch]! * w01 +
          noise[i01 + 3 + ch]! * w11;
        img[(y * width + x) * 3 + ch] = c0[ch]! * (1 - t) + c1[ch]! * t + nz + st;
      }
    }
  }
  return img;
};
