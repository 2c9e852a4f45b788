import { PAPER_BACKGROUND_WEIGHT } from '../classColumnWeights.js';
import type { DetectionContext, DistillContext } from '../distillContext.js';
import type { HintReduction } from '../hintLoss.js';
import type { Normalization } from '../normalization.js';
import type { SmoothL1Options } from '../smoothL1.js';
import { type LossStack, lossStack, type WeightedTerm } from '../stack/lossStack.js';
import { asSchedule, complement, product, type Schedule } from '../stack/schedule.js';
import { boundedRegressionTerm } from '../terms/boundedRegressionTerm.js';
import { classificationTerm } from '../terms/classificationTerm.js';
import { hintTerm } from '../terms/hintTerm.js';
import { regressionTerm } from '../terms/regressionTerm.js';
import { softTargetTerm } from '../terms/softTargetTerm.js';

/** Every knob of the paper's objective, with the method notes' defaults. */
export interface PaperObjectiveOptions {
  /** λ, weight of the box-regression losses. Default 1. */
  readonly lambda?: number;
  /** γ, weight of the hint loss. Default 0.5. */
  readonly gamma?: number;
  /** μ, hard-loss share of L_cls (soft gets 1 − μ); a schedule allows "μ from 1 down". Default 0.5. */
  readonly mu?: number | Schedule;
  /** Softmax temperature T. Default 1. */
  readonly temperature?: number;
  /** Multiply the soft loss by T². Default false. */
  readonly scaleByTemperatureSquared?: boolean;
  /** w_background of the soft loss (object columns 1). Default 1.5. */
  readonly backgroundWeight?: number;
  /** ν, weight of the teacher bound. Default 0.5. */
  readonly nu?: number;
  /** m, margin of the teacher bound. Default 0. */
  readonly margin?: number;
  /** Normaliser of L_b. Default `'sampled'` (1/N, 1/M). */
  readonly boundedNormalization?: Normalization;
  readonly rpnSmoothL1?: SmoothL1Options;
  readonly rcnSmoothL1?: SmoothL1Options;
  readonly hintDistance?: 'l2' | 'l1';
  /** Default `'mean'` (see `HintReduction`). */
  readonly hintReduction?: HintReduction;
  /**
   * Extra factor on every distillation term (soft CE, bound, hint), e.g. a warm-up
   * `cosineWarmup({ to: 1, warmupSteps: 500 })`. Default 1.
   */
  readonly distillWeight?: number | Schedule;
}

/**
 * Plain Faster R-CNN: `L_RPN + L_RCN`, each `(1/K) Σ L_cls + λ (1/K) Σ L_reg`.
 * Keys: `rpn_cls`, `rpn_reg`, `rcn_cls`, `rcn_reg`.
 */
export function fasterRcnnObjective(
  options: Pick<PaperObjectiveOptions, 'lambda' | 'rpnSmoothL1' | 'rcnSmoothL1'> = {},
): LossStack<DetectionContext> {
  return lossStack(detectionTerms(options, 1));
}

/** @internal the four detection terms, the classification ones weighted by `clsWeight` (μ). */
export function detectionTerms(
  o: Pick<PaperObjectiveOptions, 'lambda' | 'rpnSmoothL1' | 'rcnSmoothL1'>,
  clsWeight: number | Schedule,
): WeightedTerm<DetectionContext>[] {
  const lambda = o.lambda ?? 1;
  return [
    { term: classificationTerm('rpn'), weight: clsWeight },
    {
      term: regressionTerm('rpn', o.rpnSmoothL1 ? { smoothL1: o.rpnSmoothL1 } : {}),
      weight: lambda,
    },
    { term: classificationTerm('rcn'), weight: clsWeight },
    {
      term: regressionTerm('rcn', o.rcnSmoothL1 ? { smoothL1: o.rcnSmoothL1 } : {}),
      weight: lambda,
    },
  ];
}

/**
 * The paper's full objective `L = L_RPN + L_RCN + γ·L_hint` with
 * `L_cls = μ·L_hard + (1−μ)·L_soft(w_bg = 1.5)` and `L_reg = smoothL1 + ν·L_b` on both heads:
 *
 * | key | weight |
 * |---|---|
 * | `rpn_cls`, `rcn_cls` | μ |
 * | `rpn_kd_cls`, `rcn_kd_cls` | (1 − μ) · d |
 * | `rpn_reg`, `rcn_reg` | λ |
 * | `rpn_kd_reg`, `rcn_kd_reg` | λ · ν · d |
 * | `hint` (adapted features) | γ · d |
 *
 * (d = `distillWeight`, default 1.) Needs `student.adaptedFeatures` and `teacher.features`.
 */
export function paperObjective(options: PaperObjectiveOptions = {}): LossStack<DistillContext> {
  checkOptions(options);
  return lossStack<DistillContext>([
    ...detectionTerms(options, options.mu ?? 0.5),
    ...softTerms(options, 'paper'),
    ...boundTerms(options),
    hintEntry(options, 'adapted'),
  ]);
}

/** @internal rejects out-of-range constants before any training step runs. */
export function checkOptions(o: PaperObjectiveOptions): void {
  if (typeof o.mu === 'number' && !(o.mu >= 0 && o.mu <= 1)) {
    throw new Error(`paper objective: mu must be in [0, 1], got ${o.mu}`);
  }
  for (const k of ['lambda', 'gamma', 'nu', 'margin', 'backgroundWeight'] as const) {
    const v = o[k];
    if (v !== undefined && !(v >= 0 && Number.isFinite(v))) {
      throw new Error(`paper objective: ${k} must be a finite number ≥ 0, got ${v}`);
    }
  }
  if (o.temperature !== undefined && !(o.temperature > 0 && Number.isFinite(o.temperature))) {
    throw new Error(`paper objective: temperature must be > 0, got ${o.temperature}`);
  }
}

const d = (o: PaperObjectiveOptions): Schedule => asSchedule(o.distillWeight ?? 1);

/** @internal soft CE on both heads with weight (1 − μ)·d. */
export function softTerms(
  o: PaperObjectiveOptions,
  weights: 'paper' | 'uniform',
): WeightedTerm<DistillContext>[] {
  const w = product(complement(asSchedule(o.mu ?? 0.5)), d(o));
  const opts = {
    classWeights: weights,
    backgroundWeight: o.backgroundWeight ?? PAPER_BACKGROUND_WEIGHT,
    temperature: o.temperature ?? 1,
    scaleByTemperatureSquared: o.scaleByTemperatureSquared ?? false,
  } as const;
  return [
    { term: softTargetTerm('rpn', opts), weight: w },
    { term: softTargetTerm('rcn', opts), weight: w },
  ];
}

/** @internal teacher bound on both heads with weight λ·ν·d. */
export function boundTerms(o: PaperObjectiveOptions): WeightedTerm<DistillContext>[] {
  const w = product(o.lambda ?? 1, o.nu ?? 0.5, d(o));
  const opts = { margin: o.margin ?? 0, normalization: o.boundedNormalization ?? 'sampled' };
  return [
    { term: boundedRegressionTerm('rpn', opts), weight: w },
    { term: boundedRegressionTerm('rcn', opts), weight: w },
  ];
}

/** @internal the hint term with weight γ·d. */
export function hintEntry(
  o: PaperObjectiveOptions,
  source: 'adapted' | 'raw',
): WeightedTerm<DistillContext> {
  return {
    term: hintTerm({
      source,
      distance: o.hintDistance ?? 'l2',
      reduction: o.hintReduction ?? 'mean',
    }),
    weight: product(o.gamma ?? 0.5, d(o)),
  };
}
