import * as t from 'io-ts';

/** Learning-rate schedules as in the detection literature. */
export const LearningRateScheduleCodec = t.intersection([
  t.type({ base: t.number }),
  t.partial({
    /** Linear warm-up from `warmupFactor·base` over the first `warmupSteps` steps. */
    warmupSteps: t.number,
    warmupFactor: t.number,
    /** Step decay: multiply by `gamma` at each of these steps. */
    milestones: t.array(t.number),
    gamma: t.number,
    /** Cosine decay to `base·minFactor` at `totalSteps` (instead of step decay). */
    cosine: t.boolean,
    totalSteps: t.number,
    minFactor: t.number,
  }),
]);
export type LearningRateSchedule = t.TypeOf<typeof LearningRateScheduleCodec>;

/** The learning rate at `step` (0-based). Pure: resuming at step s gives the same rate. */
export function learningRateAt(schedule: LearningRateSchedule, step: number): number {
  let lr = schedule.base;
  if (schedule.cosine && schedule.totalSteps) {
    const p = Math.min(1, step / schedule.totalSteps);
    const min = schedule.minFactor ?? 0;
    lr = schedule.base * (min + (1 - min) * 0.5 * (1 + Math.cos(Math.PI * p)));
  } else if (schedule.milestones) {
    const passed = schedule.milestones.filter((m) => step >= m).length;
    lr *= (schedule.gamma ?? 0.1) ** passed;
  }
  const warm = schedule.warmupSteps ?? 0;
  if (step < warm) {
    const f = schedule.warmupFactor ?? 0.001;
    lr *= f + (1 - f) * (step / warm);
  }
  return lr;
}
