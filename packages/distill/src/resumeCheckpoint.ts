import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type HintPairing, restoreAdaptationVariables } from '@kd/adaptation';
import {
  type FasterRcnn,
  latestCheckpoint,
  loadCheckpoint,
  restoreOptimizer,
} from '@kd/faster-rcnn';
import * as tf from '@tensorflow/tfjs-core';

/** Where a resumed run stands: the checkpoint read, its step and the sampling RNG's state. */
export interface ResumedState {
  readonly checkpoint: string;
  readonly step: number;
  readonly rngState: number;
  /** What the run recorded with the checkpoint (`runTraining`: its config, input size, replicas). */
  readonly extra: unknown;
}

/**
 * The checkpoint a run folder's `checkpoints/` resumes from: `undefined` for a fresh run (no
 * `LATEST`, no checkpoint folder). A `LATEST` naming a missing or incomplete checkpoint, or
 * checkpoints without a `LATEST`, is an error: restarting would overwrite the run's checkpoints
 * and log its steps twice.
 */
export function checkpointToResume(checkpointsDir: string): string | undefined {
  const latestFile = join(checkpointsDir, 'LATEST');
  if (existsSync(latestFile)) {
    const found = latestCheckpoint(checkpointsDir);
    if (found) return found;
    const name = readFileSync(latestFile, 'utf8').trim();
    throw new Error(
      `${latestFile} names '${name}', but ${join(checkpointsDir, name)} is missing or incomplete (no model.json): ` +
        `point LATEST at a complete checkpoint of ${checkpointsDir} to resume from it, or start over with --restart`,
    );
  }
  const orphans = existsSync(checkpointsDir)
    ? readdirSync(checkpointsDir).filter((f) => f.startsWith('ckpt-'))
    : [];
  if (orphans.length > 0)
    throw new Error(
      `${checkpointsDir} holds ${orphans.join(', ')} but no LATEST: write the name of the checkpoint ` +
        `to resume from into ${latestFile}, or start over with --restart`,
    );
  return undefined;
}

/**
 * Restores a run from the checkpoint `checkpointToResume` finds: the student's weights, the
 * optimiser's slots and the adaptation weights. Returns `undefined` for a fresh run.
 */
export async function resumeCheckpoint(
  checkpointsDir: string,
  target: { model: FasterRcnn; optimizer: tf.Optimizer; pairing?: HintPairing | undefined },
): Promise<ResumedState | undefined> {
  const dir = checkpointToResume(checkpointsDir);
  if (dir === undefined) return undefined;
  const ckpt = await loadCheckpoint(dir);
  // The adaptation weights first: a checkpoint that cannot restore them changes nothing.
  const problems = target.pairing
    ? restoreAdaptationVariables(target.pairing.variables(), ckpt.extraWeights)
    : [];
  tf.dispose(Object.values(ckpt.extraWeights));
  if (problems.length > 0) {
    tf.dispose([...Object.values(ckpt.weights), ...ckpt.optimizerWeights.map((w) => w.tensor)]);
    throw new Error(
      `${join(dir, 'model.json')}: the adaptation layer's weights cannot be restored (${problems.join('; ')}): ` +
        'the run folder was written with another distill.hint; start over with --restart',
    );
  }
  target.model.params.assign(ckpt.weights);
  tf.dispose(Object.values(ckpt.weights));
  await restoreOptimizer(target.optimizer, ckpt);
  return {
    checkpoint: dir,
    step: ckpt.metadata.step,
    rngState: ckpt.metadata.rngState,
    extra: ckpt.metadata.extra,
  };
}
