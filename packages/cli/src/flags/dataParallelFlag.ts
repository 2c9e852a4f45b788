import { dataParallelProblem, type RunConfig } from '@kd/distill';
import { usageError } from '../failCommand.js';
import { numberFlag } from './numberFlag.js';

/** `--data-parallel <n>` as every training command declares it (commander's `.option` arguments). */
export const DATA_PARALLEL_OPTION = [
  '--data-parallel <n>',
  'replicas computing each batch in slices on worker threads, gradients averaged (wasm and cpu backends; other numbers than one thread; default 1)',
  numberFlag('--data-parallel', { min: 1, integer: true }),
] as const;

/**
 * Checks `--data-parallel` against every run a command will train, before any data is made or
 * model trained (a usage error naming the reason), and returns what to spread into each
 * `runTraining` call.
 */
export function dataParallelRuns(
  command: string,
  replicas: number | undefined,
  configs: readonly RunConfig[],
  backend: string,
): { readonly dataParallel?: number } {
  if (replicas === undefined) return {};
  for (const c of configs) {
    const problem = dataParallelProblem({
      replicas,
      batchSize: c.optim.batchSize,
      backend,
      customLossStack: false,
      teacherThread: c.distill?.teacherThread,
      proposalThread: c.model.proposalThread,
    });
    if (problem) usageError(command, problem);
  }
  return { dataParallel: replicas };
}
