import { availableParallelism } from 'node:os';
import type { RunConfig } from './runConfig.js';

/** Whether a run of `config` computes its teacher on a `TeacherThread` on the native backend. */
export const runsTeacherThread = (config: RunConfig, dataParallel = 1): boolean => {
  const d = config.distill;
  if (!d || dataParallel !== 1) return false;
  const thread = d.teacherThread ?? 'auto';
  return thread === true || (thread === 'auto' && (d.compileTeacher ?? false) !== false);
};

/**
 * TensorFlow's intra-op thread count for a process that trains `configs` (pass it to
 * `initBackend`'s `intraOpThreads`): half the cores when a run computes its teacher on a
 * `TeacherThread`, else `undefined` (TensorFlow's default, one per core). TensorFlow shares one
 * pool among every thread of the process; two training threads feeding one pool of all cores
 * wait on each other, while half the cores each let them run side by side: on 2 cores the
 * pretrained pair's distillation steps took 215 ms instead of 285 ms (docs/native-backend.md).
 * The number is fixed for the process, so runs without a teacher thread in it (the demo's
 * baseline) use it too.
 */
export function trainingIntraOpThreads(
  configs: readonly RunConfig[],
  o: { readonly dataParallel?: number; readonly cores?: number } = {},
): { readonly count: number; readonly why: string } | undefined {
  if (!configs.some((c) => runsTeacherThread(c, o.dataParallel))) return undefined;
  const cores = o.cores ?? availableParallelism();
  const count = Math.max(1, Math.floor(cores / 2));
  return {
    count,
    why: `half of the ${cores} cores: a teacher thread (distill.teacherThread) computes beside the training step; TF_NUM_INTRAOP_THREADS overrides it`,
  };
}
