/**
 * Signed distance functions (negative inside, in pixels) of the generated dataset's shapes, in
 * shape-local coordinates (centre at the origin, already rotated), for a shape of radius `r`.
 */

/** The object classes of the default dataset: they differ in form, not only in colour. */
export const SHAPE_CLASSES = ['circle', 'triangle', 'square', 'plus', 'ring', 'star'] as const;
export type ShapeClass = (typeof SHAPE_CLASSES)[number];

/** Clutter: shapes of no class, some resembling parts of classes (a bar is half a plus). */
export const DISTRACTOR_KINDS = ['ellipse', 'segment', 'crescent', 'bar'] as const;
export type DistractorKind = (typeof DISTRACTOR_KINDS)[number];

export type ShapeKind = ShapeClass | DistractorKind;

const boxSdf = (x: number, y: number, bx: number, by: number): number => {
  const dx = Math.abs(x) - bx;
  const dy = Math.abs(y) - by;
  const ox = Math.max(dx, 0);
  const oy = Math.max(dy, 0);
  return Math.hypot(ox, oy) + Math.min(Math.max(dx, dy), 0);
};

/** Exact distance to a closed polygon `[x0, y0, x1, y1, ...]` with an inside/outside sign. */
const polygonSdf = (x: number, y: number, v: readonly number[]): number => {
  const n = v.length / 2;
  let d = (x - v[0]!) ** 2 + (y - v[1]!) ** 2;
  let s = 1;
  for (let i = 0, j = n - 1; i < n; j = i, i++) {
    const vix = v[2 * i]!;
    const viy = v[2 * i + 1]!;
    const ex = v[2 * j]! - vix;
    const ey = v[2 * j + 1]! - viy;
    const wx = x - vix;
    const wy = y - viy;
    const t = Math.min(Math.max((wx * ex + wy * ey) / (ex * ex + ey * ey), 0), 1);
    const bx = wx - ex * t;
    const by = wy - ey * t;
    d = Math.min(d, bx * bx + by * by);
    const c1 = y >= viy;
    const c2 = y < v[2 * j + 1]!;
    const c3 = ex * wy > ey * wx;
    if ((c1 && c2 && c3) || (!c1 && !c2 && !c3)) s = -s;
  }
  return s * Math.sqrt(d);
};

const regularPolygon = (points: number, outer: number, inner?: number): number[] => {
  const v: number[] = [];
  const n = inner === undefined ? points : points * 2;
  for (let i = 0; i < n; i++) {
    const a = -Math.PI / 2 + (2 * Math.PI * i) / n;
    const rad = inner !== undefined && i % 2 === 1 ? inner : outer;
    v.push(rad * Math.cos(a), rad * Math.sin(a));
  }
  return v;
};

const UNIT_TRIANGLE = regularPolygon(3, 1);
const UNIT_STAR = regularPolygon(5, 1, 0.45);

/**
 * Signed distance of point (x, y) to a shape of kind `kind` and radius `r` (pixels).
 * `aspect` stretches ellipses (>= 1).
 */
export const shapeSdf = (
  kind: ShapeKind,
  x: number,
  y: number,
  r: number,
  aspect: number,
): number => {
  switch (kind) {
    case 'circle':
      return Math.hypot(x, y) - r;
    case 'ring':
      return Math.abs(Math.hypot(x, y) - 0.72 * r) - 0.28 * r;
    case 'square':
      return boxSdf(x, y, 0.8 * r, 0.8 * r);
    case 'plus':
      return Math.min(boxSdf(x, y, r, 0.3 * r), boxSdf(x, y, 0.3 * r, r));
    case 'triangle':
      // Scale the point, not the polygon: distance scales linearly.
      return r * polygonSdf(x / r, y / r + 0.2, UNIT_TRIANGLE);
    case 'star':
      return r * polygonSdf(x / r, y / r, UNIT_STAR);
    case 'ellipse': {
      const a = r;
      const b = r / aspect;
      return (Math.hypot(x / a, y / b) - 1) * b;
    }
    case 'segment': {
      const t = Math.min(Math.max(x, -r), r);
      return Math.hypot(x - t, y) - 0.1 * r;
    }
    case 'crescent':
      return Math.max(Math.hypot(x, y) - r, -(Math.hypot(x - 0.55 * r, y) - 0.85 * r));
    case 'bar':
      return boxSdf(x, y, r, 0.25 * r);
  }
};
