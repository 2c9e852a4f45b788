import { formatDecodeErrors } from '@kd/codecs';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as t from 'io-ts';
import type { Schedule } from '../stack/schedule.js';
import { constant, cosineWarmup, linear, stepwise } from '../stack/schedule.js';
import type { PaperObjectiveOptions } from './paperObjective.js';

const NonNegative = t.refinement(
  t.number,
  (n) => Number.isFinite(n) && n >= 0,
  'NonNegativeNumber',
);
const Positive = t.refinement(t.number, (n) => Number.isFinite(n) && n > 0, 'PositiveNumber');
const Unit = t.refinement(t.number, (n) => n >= 0 && n <= 1, 'NumberIn[0,1]');
const StepIndex = t.refinement(
  t.number,
  (n) => Number.isInteger(n) && n >= 0,
  'NonNegativeInteger',
);

const ScheduleObjectSpec = t.union([
  t.intersection([
    t.type({ type: t.literal('linear'), from: t.number, to: t.number, endStep: StepIndex }),
    t.partial({ startStep: StepIndex }),
  ]),
  t.type({
    type: t.literal('step'),
    initial: t.number,
    changes: t.array(t.type({ step: StepIndex, value: t.number })),
  }),
  t.intersection([
    t.type({ type: t.literal('cosineWarmup'), to: t.number, warmupSteps: Positive }),
    t.partial({ from: t.number, startStep: StepIndex }),
  ]),
]);

/** JSON form of a `Schedule`: a number (constant) or `{ type: 'linear' | 'step' | 'cosineWarmup', … }`. */
export const ScheduleSpec = t.union([t.number, ScheduleObjectSpec]);
export type ScheduleSpec = t.TypeOf<typeof ScheduleSpec>;

/** Builds the schedule a `ScheduleSpec` describes. */
export function scheduleFromSpec(spec: ScheduleSpec): Schedule {
  if (typeof spec === 'number') return constant(spec);
  switch (spec.type) {
    case 'linear':
      return linear(spec);
    case 'step':
      return stepwise(spec);
    case 'cosineWarmup':
      return cosineWarmup(spec);
  }
}

const Normalization = t.union([
  t.literal('sampled'),
  t.literal('positives'),
  t.literal('sum'),
  t.type({ divideBy: Positive }),
]);
const SmoothL1 = t.union([t.type({ sigma: Positive }), t.type({ beta: NonNegative })]);

/** JSON form of `PaperObjectiveOptions` (every field optional; defaults as the paper's). */
export const PaperObjectiveConfig = t.exact(
  t.partial({
    lambda: NonNegative,
    gamma: NonNegative,
    mu: t.union([Unit, ScheduleObjectSpec]),
    temperature: Positive,
    scaleByTemperatureSquared: t.boolean,
    backgroundWeight: NonNegative,
    nu: NonNegative,
    margin: NonNegative,
    boundedNormalization: Normalization,
    rpnSmoothL1: SmoothL1,
    rcnSmoothL1: SmoothL1,
    hintDistance: t.union([t.literal('l2'), t.literal('l1')]),
    hintReduction: t.union([t.literal('mean'), t.literal('sum'), t.literal('perImage')]),
    distillWeight: t.union([NonNegative, ScheduleObjectSpec]),
  }),
);
export type PaperObjectiveConfig = t.TypeOf<typeof PaperObjectiveConfig>;

/**
 * Keys the codec would silently drop: `t.exact` strips excess properties, but a misspelt knob
 * (`tmperature`) must be an error, not a run with the default.
 */
function unknownObjectiveKeys(json: unknown): string[] {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return [];
  const known = new Set(Object.keys(PaperObjectiveConfig.type.props));
  return Object.keys(json).filter((k) => !known.has(k));
}

/**
 * Decodes a JSON objective config (e.g. the `loss` block of a training config file).
 * @param source names the file in error messages.
 * @returns the options, or one message per problem: `source: at loss.mu: expected …, got …`.
 */
export function decodePaperObjectiveConfig(
  json: unknown,
  source = 'config',
  path = 'loss',
): E.Either<readonly string[], PaperObjectiveOptions> {
  const unknown = unknownObjectiveKeys(json);
  if (unknown.length > 0)
    return E.left(
      unknown.map(
        (k) =>
          `${source}: at ${path}.${k}: unknown key; expected one of ${Object.keys(PaperObjectiveConfig.type.props).join(', ')}`,
      ),
    );
  return pipe(
    PaperObjectiveConfig.decode(json),
    E.mapLeft((errors) => formatDecodeErrors(errors, source, { root: path })),
    E.map((c) => {
      const { mu, distillWeight, ...rest } = c;
      return {
        ...rest,
        ...(mu === undefined ? {} : { mu: typeof mu === 'number' ? mu : scheduleFromSpec(mu) }),
        ...(distillWeight === undefined ? {} : { distillWeight: scheduleFromSpec(distillWeight) }),
      };
    }),
  );
}
