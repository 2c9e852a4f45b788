import * as t from 'io-ts';

const Step = t.refinement(t.number, (n) => Number.isInteger(n) && n >= 0, 'NonNegativeInt');
const Fraction = t.refinement(t.number, (n) => n >= 0 && n <= 1, 'UnitInterval');
/** JSON writes NaN and ±Infinity as null: a diverged step still is a valid line. */
const NumberOrNull = t.union([t.number, t.null]);

/** `scores.json`, and the `eval` of a metrics line: COCO mAP@0.5 and mAP@[.5:.95] on the test split. */
export const ScoresCodec = t.type({
  mAP50: Fraction,
  mAP: Fraction,
  perClassAP50: t.record(t.string, t.number),
  images: Step,
});
export type ScoresFile = t.TypeOf<typeof ScoresCodec>;

/**
 * A training-step line of `metrics.jsonl`: `step`, `lr`, the total `loss`, one number per named
 * (weighted) loss component, `gradNorm` and `ms`.
 */
export const StepLineCodec = t.intersection([
  t.type({ step: Step, loss: NumberOrNull }),
  t.record(t.string, NumberOrNull),
]);

/** An evaluation line of `metrics.jsonl` (periodic, and the final one). */
export const EvalLineCodec = t.type({ step: Step, eval: ScoresCodec });

/** The keys of a step line that are not loss components. */
export const STEP_LINE_BOOKKEEPING: ReadonlySet<string> = new Set([
  'step',
  'lr',
  'loss',
  'gradNorm',
  'ms',
]);
