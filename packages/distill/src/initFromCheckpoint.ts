import type { FasterRcnn } from '@kd/faster-rcnn';
import { loadCheckpoint } from '@kd/faster-rcnn';
import * as tf from '@tensorflow/tfjs-core';
import { resolveCheckpoint } from './resolveCheckpoint.js';

/** What {@link initFromCheckpoint} loaded. */
export interface InitializedFrom {
  /** The checkpoint folder read (resolved from a run or `checkpoints/` folder). */
  readonly checkpoint: string;
  /** The step at which that checkpoint was written by its own run. */
  readonly step: number;
  /** Parameters copied in (every parameter of the model). */
  readonly loaded: number;
}

/**
 * Fine-tuning's starting point (`model.init`; detectron2's `MODEL.WEIGHTS`, MMDetection's
 * `load_from`): copies every parameter of a kd checkpoint into `model`, weights only — the
 * checkpoint's optimiser state, step and RNG are not taken, so the run starts at step 0 with a
 * fresh optimiser. `path` is resolved like `distill.teacher` (a checkpoint folder, a run's
 * `checkpoints/` folder or a run folder). All or nothing: when the architectures differ, nothing
 * is assigned and the error names the checkpoint and every missing, unexpected or
 * shape-mismatched parameter. Leaves no tensor behind either way.
 */
export async function initFromCheckpoint(
  model: FasterRcnn,
  path: string,
): Promise<InitializedFrom> {
  let dir: string;
  try {
    dir = resolveCheckpoint(path);
  } catch (e) {
    throw new Error(`model.init: ${(e as Error).message}`);
  }
  const ckpt = await loadCheckpoint(dir);
  try {
    const problems: string[] = [];
    const names = new Set(model.params.names());
    for (const [name, v] of model.params.entries()) {
      const t = ckpt.weights[name];
      if (t === undefined) problems.push(`missing '${name}' [${v.shape}]`);
      else if (t.shape.join(',') !== v.shape.join(','))
        problems.push(`'${name}': checkpoint [${t.shape}], model [${v.shape}]`);
    }
    for (const [name, t] of Object.entries(ckpt.weights))
      if (!names.has(name)) problems.push(`unexpected '${name}' [${t.shape}] (not in the model)`);
    if (problems.length > 0)
      throw new Error(
        `model.init: ${dir} does not fit the configured detector (${problems.length} parameter(s)):\n  ${problems.join('\n  ')}`,
      );
    model.params.assign(ckpt.weights);
    return { checkpoint: dir, step: ckpt.metadata.step, loaded: names.size };
  } finally {
    tf.dispose([
      ...Object.values(ckpt.weights),
      ...Object.values(ckpt.extraWeights),
      ...ckpt.optimizerWeights.map((w) => w.tensor),
    ]);
  }
}
