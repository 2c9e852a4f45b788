import type { ForkableRng as Rng } from '@kd/random';
import type { SceneShape } from './renderScene.js';
import { DISTRACTOR_KINDS, SHAPE_CLASSES } from './shapeSdf.js';

/** Knobs of the scene distribution (defaults give the default dataset). */
export interface SceneOptions {
  readonly imageSize: number;
  readonly minObjects: number;
  readonly maxObjects: number;
  readonly minDistractors: number;
  readonly maxDistractors: number;
  /** Object diameter range as fractions of the image side (sampled log-uniformly). */
  readonly minSize: number;
  readonly maxSize: number;
}

export const DEFAULT_SCENE: SceneOptions = {
  imageSize: 128,
  minObjects: 2,
  maxObjects: 6,
  minDistractors: 1,
  maxDistractors: 4,
  minSize: 0.08,
  maxSize: 0.5,
};

const lum = (c: readonly number[]): number => 0.299 * c[0]! + 0.587 * c[1]! + 0.114 * c[2]!;

/** Picks a colour whose luminance differs from `bgLum` by at least `minContrast` (best of 12 tries). */
const contrastingColor = (
  rng: Rng,
  bgLum: number,
  minContrast: number,
): [number, number, number] => {
  let best: [number, number, number] = [0, 0, 0];
  let bestD = -1;
  for (let t = 0; t < 12; t++) {
    const c: [number, number, number] = [
      rng.uniform(0, 255),
      rng.uniform(0, 255),
      rng.uniform(0, 255),
    ];
    const d = Math.abs(lum(c) - bgLum);
    if (d >= minContrast) return c;
    if (d > bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
};

/**
 * Samples the shapes of one scene: objects of the classes and distractors, interleaved in a
 * random drawing order so that either may occlude the other. Colours are random (class is
 * carried by form), sizes log-uniform, centres may lie a little outside the image (truncation).
 * @param bgLumAt luminance of the background at a pixel, to keep objects visible.
 */
export const sampleScene = (
  rng: Rng,
  o: SceneOptions,
  bgLumAt: (x: number, y: number) => number,
): SceneShape[] => {
  const n = rng.int(o.minObjects, o.maxObjects);
  const m = rng.int(o.minDistractors, o.maxDistractors);
  const S = o.imageSize;
  const shapes: SceneShape[] = [];
  const logMin = Math.log(o.minSize * S);
  const logMax = Math.log(o.maxSize * S);
  for (let k = 0; k < n + m; k++) {
    const isObject = k < n;
    const diameter = Math.exp(rng.uniform(logMin, logMax));
    const r = diameter / 2;
    const margin = 0.3 * r;
    const cx = rng.uniform(-margin, S + margin);
    const cy = rng.uniform(-margin, S + margin);
    const bx = Math.min(Math.max(Math.floor(cx), 0), S - 1);
    const by = Math.min(Math.max(Math.floor(cy), 0), S - 1);
    const classIndex = isObject ? rng.int(0, SHAPE_CLASSES.length - 1) : -1;
    const kind = isObject
      ? SHAPE_CLASSES[classIndex]!
      : DISTRACTOR_KINDS[rng.int(0, DISTRACTOR_KINDS.length - 1)]!;
    shapes.push({
      kind,
      classIndex,
      cx,
      cy,
      r,
      angle: rng.uniform(-Math.PI, Math.PI) * (kind === 'square' || kind === 'plus' ? 0.12 : 1),
      aspect: rng.uniform(2.2, 4),
      color: contrastingColor(rng, bgLumAt(bx, by), 45),
      shade: rng.uniform(-30, 30),
    });
  }
  // Random drawing order (Fisher–Yates) so objects and distractors occlude each other.
  for (let i = shapes.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const t = shapes[i]!;
    shapes[i] = shapes[j]!;
    shapes[j] = t;
  }
  return shapes;
};
