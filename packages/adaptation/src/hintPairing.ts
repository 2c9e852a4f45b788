import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import type { AdaptationLayer } from './adaptationLayer.js';
import { channelL2Normalize } from './channelL2Normalize.js';
import { createConvAdaptation } from './convAdaptation.js';
import { createFcAdaptation } from './fcAdaptation.js';
import {
  type MapSpec,
  planResolution,
  type ResolutionPlan,
  type ResolutionPolicy,
} from './planResolution.js';
import { resample } from './resample.js';

/**
 * A hint pairing: teacher hint layer and student guided layer, named as in their backbones, with
 * shapes without the batch axis — `[H, W, C]` for conv maps, `[D]` for fc layers — and strides.
 */
export interface HintPairingSpec {
  readonly teacher: MapSpec;
  readonly student: MapSpec;
  /** Default `'conv1x1'` for conv maps, `'fc'` for fc layers. */
  readonly adaptation?: 'conv1x1' | 'conv3x3' | 'fc';
  /**
   * `'none'` (default): V = adaptation(student). `'channelL2'`: V and Z are both L2-normalised over
   * channels at each position (`channelL2Normalize`), so the hint matches feature directions.
   */
  readonly normalize?: 'none' | 'channelL2';
  readonly resolution?: ResolutionPolicy;
  readonly bias?: boolean;
  /** Seed of the He-normal initialisation. Default 0. */
  readonly seed?: number;
}

/** The layers each backbone exposes, by name → shape without batch, to check names against. */
export interface AvailableLayers {
  readonly teacher?: Readonly<Record<string, readonly number[]>>;
  readonly student?: Readonly<Record<string, readonly number[]>>;
}

/**
 * A constructed pairing. `adapt` maps student features to V with the teacher's shape; `target`
 * prepares the teacher's Z (normalised when asked). Adaptation variables are separate from the
 * student: give `variables()` to the optimiser, never export them; `dispose()` frees them.
 */
export interface HintPairing {
  readonly spec: HintPairingSpec;
  readonly resolution: ResolutionPlan | undefined;
  readonly layer: AdaptationLayer;
  /** `[B, ...student.shape]` → `[B, ...teacher.shape]`. Differentiable; caller disposes. */
  readonly adapt: (studentFeatures: tf.Tensor) => tf.Tensor;
  /** `[B, ...teacher.shape]` → Z (a copy, or normalised). Caller disposes. */
  readonly target: (teacherFeatures: tf.Tensor) => tf.Tensor;
  readonly variables: () => tf.Variable[];
  readonly dispose: () => void;
  readonly describe: () => string;
}

const fmt = (m: MapSpec) => `'${m.name}' [${m.shape.join(', ')}]`;

function checkAvailable(
  side: 'teacher' | 'student',
  m: MapSpec,
  layers: Readonly<Record<string, readonly number[]>> | undefined,
): string | undefined {
  if (layers === undefined) return undefined;
  const shape = layers[m.name];
  if (shape === undefined) {
    return `${side} layer '${m.name}' not found; available: ${Object.keys(layers).join(', ')}`;
  }
  if (shape.length !== m.shape.length || shape.some((d, i) => d !== m.shape[i])) {
    return `${side} layer '${m.name}' has shape [${shape.join(', ')}], the pairing says [${m.shape.join(', ')}]`;
  }
  return undefined;
}

function checkBatch(what: string, x: tf.Tensor, m: MapSpec): void {
  const s = x.shape.slice(1);
  if (x.rank !== m.shape.length + 1 || s.some((d, i) => d !== m.shape[i])) {
    throw new Error(
      `${what}: got features [${x.shape.join(', ')}], expected [B, ${m.shape.join(', ')}] for layer ${fmt(m)}`,
    );
  }
}

/**
 * Builds the adaptation for a pairing, checking everything at construction: names (against
 * `available`), ranks (both conv maps or both fc), positive sizes, and that the spatial sizes can be
 * matched (`planResolution`). For conv maps the channel change runs at the lower resolution:
 * adaptation then upsampling when the student map is smaller, resampling then adaptation otherwise.
 * @returns Right(pairing), or Left(message naming both layers and shapes).
 */
export function createHintPairing(
  spec: HintPairingSpec,
  available: AvailableLayers = {},
): E.Either<string, HintPairing> {
  const { teacher, student } = spec;
  for (const [side, m, layers] of [
    ['teacher', teacher, available.teacher],
    ['student', student, available.student],
  ] as const) {
    if (
      !(m.shape.length === 3 || m.shape.length === 1) ||
      m.shape.some((d) => !(Number.isInteger(d) && d > 0))
    ) {
      return E.left(
        `${side} layer ${fmt(m)}: shape must be [H, W, C] or [D] with positive integers`,
      );
    }
    const err = checkAvailable(side, m, layers);
    if (err !== undefined) return E.left(err);
  }
  const conv = teacher.shape.length === 3;
  if (conv !== (student.shape.length === 3)) {
    return E.left(
      `cannot pair student ${fmt(student)} with teacher ${fmt(teacher)}: one is a conv map [H, W, C], the other an fc layer [D]`,
    );
  }
  const kind = spec.adaptation ?? (conv ? 'conv1x1' : 'fc');
  if ((kind === 'fc') === conv) {
    return E.left(
      `adaptation '${kind}' does not fit student ${fmt(student)} → teacher ${fmt(teacher)}`,
    );
  }
  let plan: ResolutionPlan | undefined;
  if (conv) {
    const r = planResolution(student, teacher, spec.resolution ?? 'auto');
    if (E.isLeft(r)) return r;
    plan = r.right;
  }
  const name = `${student.name}->${teacher.name}`.replace(/[^A-Za-z0-9_.>-]/g, '_');
  const layer = conv
    ? createConvAdaptation({
        inChannels: student.shape[2]!,
        outChannels: teacher.shape[2]!,
        kernelSize: kind === 'conv3x3' ? 3 : 1,
        bias: spec.bias ?? true,
        seed: spec.seed ?? 0,
        name,
      })
    : createFcAdaptation({
        inUnits: student.shape[0]!,
        outUnits: teacher.shape[0]!,
        bias: spec.bias ?? true,
        seed: spec.seed ?? 0,
        name,
      });
  const normalize = spec.normalize ?? 'none';
  const upsampling = plan !== undefined && plan.to[0] * plan.to[1] > plan.from[0] * plan.from[1];
  const adapt = (x: tf.Tensor): tf.Tensor => {
    checkBatch('hint pairing adapt', x, student);
    return tf.tidy(() => {
      let v: tf.Tensor;
      if (plan === undefined || plan.mode === 'identity') v = layer.apply(x);
      else {
        const [ht, wt] = plan.to;
        const mode = plan.mode;
        v = upsampling
          ? resample(layer.apply(x) as tf.Tensor4D, ht, wt, mode)
          : layer.apply(resample(x as tf.Tensor4D, ht, wt, mode));
      }
      return normalize === 'channelL2' ? channelL2Normalize(v) : v;
    });
  };
  const target = (z: tf.Tensor): tf.Tensor => {
    checkBatch('hint pairing target', z, teacher);
    return normalize === 'channelL2' ? channelL2Normalize(z) : tf.clone(z);
  };
  return E.right({
    spec,
    resolution: plan,
    layer,
    adapt,
    target,
    variables: layer.variables,
    dispose: layer.dispose,
    describe: () =>
      `hint ${fmt(student)} → ${fmt(teacher)}: ${layer.describe()}` +
      (plan === undefined ? '' : `, resolution ${plan.mode} (${plan.reason})`) +
      (normalize === 'none' ? '' : ', channel-L2 normalised'),
  });
}
