import { type RunConfig, trainingIntraOpThreads } from '@kd/distill';
import { type BackendInfo, initBackend } from '@kd/tensor-ops';

/**
 * Starts the backend for a process that trains `configs`: with half the cores as TensorFlow's
 * intra-op threads when one of them computes its teacher on a teacher thread
 * (`trainingIntraOpThreads`), saying so on stderr in one line.
 */
export async function startTrainingBackend(
  configs: readonly RunConfig[],
  dataParallel = 1,
): Promise<BackendInfo> {
  const threads = trainingIntraOpThreads(configs, { dataParallel });
  const info = await initBackend(threads ? { intraOpThreads: threads } : {});
  if (threads && info.threads.source === threads.why)
    process.stderr.write(
      `TensorFlow: ${threads.count} intra-op thread${threads.count === 1 ? '' : 's'} (${threads.why})\n`,
    );
  return info;
}
