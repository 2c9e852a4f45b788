import {
  channelL2Normalize,
  type HintPairing,
  planResolution,
  type ResolutionPlan,
  resample,
} from '@kd/adaptation';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';

/**
 * The hint pair `{ adapted: V, target: Z }` of one batch, whatever its padded size. A pairing is
 * built for one map size (the first training image's); real datasets (VOC, COCO, KITTI) batch
 * images of other sizes, so a batch whose maps differ gets its own resolution plan (cached by size),
 * applied with the pairing's one adaptation layer in the pairing's order: the channel change runs at
 * the lower resolution, then the map is upsampled, or resampled first when the student map is larger.
 * @param studentFeatures `[B, hs, ws, Cs]` guided-layer map; `teacherFeatures` `[B, ht, wt, Ct]`.
 * @returns V `[B, ht, wt, Ct]` (differentiable in the student map and the adaptation weights) and
 * Z `[B, ht, wt, Ct]`; the caller disposes both.
 */
export function hintForBatch(
  pairing: HintPairing,
  studentFeatures: tf.Tensor,
  teacherFeatures: tf.Tensor,
  plans: Map<string, ResolutionPlan>,
): { adapted: tf.Tensor; target: tf.Tensor } {
  const { spec } = pairing;
  const s = studentFeatures.shape.slice(1);
  const t = teacherFeatures.shape.slice(1);
  const matches = (a: readonly number[], b: readonly number[]) =>
    a.length === b.length && a.every((d, i) => d === b[i]);
  if (matches(s, spec.student.shape) && matches(t, spec.teacher.shape)) {
    return { adapted: pairing.adapt(studentFeatures), target: pairing.target(teacherFeatures) };
  }
  if (s.length !== 3 || t.length !== 3)
    throw new Error(`hint: fc features [${s}] / [${t}] do not match the pairing's shapes`);
  const key = `${s.join('x')}->${t.join('x')}`;
  let plan = plans.get(key);
  if (plan === undefined) {
    const r = planResolution(
      { ...spec.student, shape: s },
      { ...spec.teacher, shape: t },
      spec.resolution ?? 'auto',
    );
    if (E.isLeft(r)) throw new Error(`hint: ${r.left}`);
    plan = r.right;
    plans.set(key, plan);
  }
  const p = plan;
  const normalize = spec.normalize === 'channelL2';
  const adapted = tf.tidy(() => {
    let v: tf.Tensor;
    if (p.mode === 'identity') v = pairing.layer.apply(studentFeatures);
    else {
      const [ht, wt] = p.to;
      v =
        p.to[0] * p.to[1] > p.from[0] * p.from[1]
          ? resample(pairing.layer.apply(studentFeatures) as tf.Tensor4D, ht, wt, p.mode)
          : pairing.layer.apply(resample(studentFeatures as tf.Tensor4D, ht, wt, p.mode));
    }
    return normalize ? channelL2Normalize(v) : v;
  });
  const target = normalize ? channelL2Normalize(teacherFeatures) : tf.clone(teacherFeatures);
  return { adapted, target };
}
