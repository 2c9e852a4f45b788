import * as E from 'fp-ts/lib/Either.js';
import type { AxisResampling } from './interpolationMatrix.js';

/**
 * How to bring the student's guided map to the teacher's hint-map size:
 * `'auto'` (default) picks per case (see `planResolution`); `'identity'` demands equal sizes;
 * the others force one resampling (see `AxisResampling`).
 */
export type ResolutionPolicy = 'auto' | 'identity' | AxisResampling;

/** The resampling chosen for a pairing, `[H, W]` sizes, and why (for logs). */
export interface ResolutionPlan {
  readonly mode: 'identity' | AxisResampling;
  readonly from: readonly [number, number];
  readonly to: readonly [number, number];
  readonly reason: string;
}

/** A conv layer's map: `[H, W, C]` (NHWC without batch) and its stride w.r.t. its input image. */
export interface MapSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly stride?: number;
}

const fmt = (m: MapSpec) =>
  `'${m.name}' [${m.shape.join(', ')}]${m.stride === undefined ? '' : ` (stride ${m.stride})`}`;

/**
 * Chooses the resampling from student map to teacher map. `'auto'`:
 * 1. equal H and W → `'identity'`;
 * 2. equal declared strides and H, W within 2 cells → `'pad'` (same cell grid, sizes differ only by
 *    border rounding: zero-pad or crop at the bottom/right keeps cells aligned);
 * 3. student smaller (different strides, or the low-resolution student seeing a ½-size image) →
 *    `'bilinear'` upsampling (half-pixel centres: student cell centres land on the teacher grid);
 * 4. student larger → `'area'` (average of the covered cells; for an exact ×k ratio, k×k average
 *    pooling, centred like the teacher's cell, unlike `'stride'` sampling which is offset by
 *    (k−1)/2 cells).
 * Refused (Left, naming both maps): H and W scale factors differing by more than 25% (the maps do
 * not show the same field of view), `'identity'` on different sizes, `'stride'` without integer
 * ratios.
 */
export function planResolution(
  student: MapSpec,
  teacher: MapSpec,
  policy: ResolutionPolicy = 'auto',
): E.Either<string, ResolutionPlan> {
  const [hs, ws] = student.shape as [number, number];
  const [ht, wt] = teacher.shape as [number, number];
  const from = [hs, ws] as const;
  const to = [ht, wt] as const;
  const plan = (mode: ResolutionPlan['mode'], reason: string) =>
    E.right<string, ResolutionPlan>({ mode, from, to, reason });
  const cannot = (why: string) =>
    E.left<string, ResolutionPlan>(
      `cannot match student ${fmt(student)} to teacher ${fmt(teacher)}: ${why}`,
    );
  const same = hs === ht && ws === wt;
  if (policy === 'identity')
    return same
      ? plan('identity', 'equal sizes')
      : cannot("resolution 'identity' needs equal H and W");
  if (policy === 'stride') {
    if (hs % ht !== 0 || ws % wt !== 0)
      return cannot(
        "'stride' sampling needs the student size to be an integer multiple of the teacher's",
      );
    return plan('stride', 'forced');
  }
  if (policy !== 'auto') return plan(policy, 'forced');
  if (same) return plan('identity', 'equal sizes');
  if (
    student.stride !== undefined &&
    student.stride === teacher.stride &&
    Math.abs(hs - ht) <= 2 &&
    Math.abs(ws - wt) <= 2
  ) {
    return plan('pad', 'same stride, border rounding: pad/crop at bottom-right');
  }
  const rh = ht / hs;
  const rw = wt / ws;
  if (Math.max(rh, rw) / Math.min(rh, rw) > 1.25) {
    return cannot(
      `height scales by ${rh.toFixed(3)} but width by ${rw.toFixed(3)}; choose a resolution policy explicitly if this is intended`,
    );
  }
  if (rh >= 1 && rw >= 1)
    return plan(
      'bilinear',
      `student map smaller (×${rh.toFixed(2)}, ×${rw.toFixed(2)}): bilinear upsampling`,
    );
  if (rh <= 1 && rw <= 1)
    return plan(
      'area',
      `student map larger (×${rh.toFixed(2)}, ×${rw.toFixed(2)}): area averaging`,
    );
  return plan('bilinear', 'mixed scales: bilinear');
}
