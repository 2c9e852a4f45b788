/**
 * A weight as a function of the training step (0-based). Pure: the same step gives the same value.
 * `describe` is for logs.
 */
export interface Schedule {
  readonly at: (step: number) => number;
  readonly describe: string;
}

const finite = (name: string, v: number): number => {
  if (!Number.isFinite(v)) throw new Error(`${name} must be a finite number, got ${v}`);
  return v;
};

/** The same weight at every step. */
export function constant(value: number): Schedule {
  finite('constant schedule value', value);
  return { at: () => value, describe: String(value) };
}

/**
 * `from` until `startStep`, then a straight line to `to` at `endStep`, then `to`.
 * @example linear({ from: 1, to: 0.5, endStep: 1000 }) // μ from 1 down to 0.5
 */
export function linear(o: {
  readonly from: number;
  readonly to: number;
  readonly startStep?: number;
  readonly endStep: number;
}): Schedule {
  const start = o.startStep ?? 0;
  finite('linear from', o.from);
  finite('linear to', o.to);
  if (!(o.endStep > start)) {
    throw new Error(`linear schedule: endStep (${o.endStep}) must be after startStep (${start})`);
  }
  return {
    at: (step) => {
      if (step <= start) return o.from;
      if (step >= o.endStep) return o.to;
      return o.from + ((o.to - o.from) * (step - start)) / (o.endStep - start);
    },
    describe: `linear(${o.from}→${o.to}, steps ${start}–${o.endStep})`,
  };
}

/**
 * Piecewise constant: `initial`, then `value` from each `step` on (changes sorted by step).
 * @example stepwise({ initial: 0, changes: [{ step: 500, value: 1 }] }) // distillation on at 500
 */
export function stepwise(o: {
  readonly initial: number;
  readonly changes: readonly { readonly step: number; readonly value: number }[];
}): Schedule {
  finite('stepwise initial', o.initial);
  const changes = [...o.changes].sort((a, b) => a.step - b.step);
  for (const c of changes) finite(`stepwise value at step ${c.step}`, c.value);
  return {
    at: (step) => {
      let v = o.initial;
      for (const c of changes) if (step >= c.step) v = c.value;
      return v;
    },
    describe: `step(${o.initial}${changes.map((c) => `, @${c.step}→${c.value}`).join('')})`,
  };
}

/**
 * Half-cosine warm-up from `from` (default 0) at `startStep` (default 0) to `to` at
 * `startStep + warmupSteps`, constant `to` afterwards: `to + (from − to)·(1 + cos(π·p))/2`.
 */
export function cosineWarmup(o: {
  readonly to: number;
  readonly warmupSteps: number;
  readonly from?: number;
  readonly startStep?: number;
}): Schedule {
  const from = o.from ?? 0;
  const start = o.startStep ?? 0;
  finite('cosineWarmup to', o.to);
  if (!(o.warmupSteps > 0)) {
    throw new Error(`cosineWarmup: warmupSteps must be > 0, got ${o.warmupSteps}`);
  }
  return {
    at: (step) => {
      if (step <= start) return from;
      const p = Math.min(1, (step - start) / o.warmupSteps);
      return o.to + ((from - o.to) * (1 + Math.cos(Math.PI * p))) / 2;
    },
    describe: `cosineWarmup(${from}→${o.to}, steps ${start}–${start + o.warmupSteps})`,
  };
}

/** `1 − s(step)`: the soft-loss weight that goes with a hard-loss weight μ. */
export function complement(s: Schedule): Schedule {
  return { at: (step) => 1 - s.at(step), describe: `1−${s.describe}` };
}

/** The product of schedules (and constants) step by step, e.g. λ · ν · warm-up. */
export function product(...factors: readonly (Schedule | number)[]): Schedule {
  const fs = factors.map(asSchedule);
  return {
    at: (step) => fs.reduce((acc, f) => acc * f.at(step), 1),
    describe: fs.map((f) => f.describe).join('·'),
  };
}

/** A number becomes a constant schedule. */
export function asSchedule(w: Schedule | number): Schedule {
  return typeof w === 'number' ? constant(w) : w;
}
