import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatDecodeErrors } from '@kd/codecs';
import { readFileInside, writeFileAtomically } from '@kd/data-voc-coco-kitti';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { decodeFasterRcnnConfig, type FasterRcnnConfig } from '../config/fasterRcnnConfig.js';
import { FasterRcnn } from '../model/FasterRcnn.js';
import { fileIOHandler } from './fileIOHandler.js';
import { nonFiniteWeights } from './nonFiniteWeights.js';

/** A named tensor, as tfjs optimisers and `tf.io.encodeWeights` exchange them. */
export interface NamedTensor {
  readonly name: string;
  readonly tensor: tf.Tensor;
}

const FORMAT = 'kd-faster-rcnn-checkpoint';
const MODEL_PREFIX = 'model/';
const OPTIMIZER_PREFIX = 'optimizer/';
const EXTRA_PREFIX = 'extra/';

/** What a checkpoint records besides the weights. */
export const CheckpointMetadataCodec = t.type({
  kdFormat: t.literal(FORMAT),
  version: t.literal(1),
  config: t.unknown,
  /** Optimisation steps completed. */
  step: t.number,
  /** State of the sampling RNG after `step` steps (resume with `createRng(rngState)`). */
  rngState: t.number,
  /** Anything the pipeline needs to resume exactly (schedule, data order, loss history…). */
  extra: t.unknown,
});
export type CheckpointMetadata = t.TypeOf<typeof CheckpointMetadataCodec>;

export interface SaveCheckpointOptions {
  readonly step: number;
  readonly rngState: number;
  /** Saved with its slots (momentum…) so training resumes exactly. */
  readonly optimizer?: tf.Optimizer;
  readonly extra?: unknown;
  /** More tensors to save with the model (e.g. adaptation layers trained alongside it). */
  readonly extraWeights?: Readonly<Record<string, tf.Tensor>>;
  /**
   * Replace whatever folder is at `dir`. Without it, only an empty folder or a kd checkpoint
   * (`model.json` + `weights.bin` written by {@link saveCheckpoint}) is replaced.
   */
  readonly force?: boolean;
}

/**
 * Whether `dir` holds a checkpoint written by {@link saveCheckpoint} and nothing else, so that
 * saving over it loses nothing kd did not create.
 */
export function isKdCheckpointFolder(dir: string): boolean {
  const entries = readdirSync(dir);
  if (!entries.every((e) => e === 'model.json' || e === 'weights.bin')) return false;
  const bytes = readFileInside(dir, 'model.json', 64 * 1024 * 1024);
  if (E.isLeft(bytes)) return false;
  try {
    const json = JSON.parse(bytes.right.toString('utf8')) as {
      userDefinedMetadata?: { kdFormat?: unknown };
    };
    return json.userDefinedMetadata?.kdFormat === FORMAT;
  } catch {
    return false;
  }
}

/**
 * Saves the model (every weight, batch-norm statistics included), the optimiser's state and the
 * metadata to `dir` atomically, in the TensorFlow.js weights format, through {@link fileIOHandler}.
 * A folder at `dir` that is not a kd checkpoint is refused unless `options.force`.
 */
export async function saveCheckpoint(
  model: FasterRcnn,
  dir: string,
  options: SaveCheckpointOptions,
): Promise<void> {
  const named: NamedTensor[] = model.params
    .entries()
    .map(([name, v]) => ({ name: MODEL_PREFIX + name, tensor: v }));
  // getWeights() returns the slot variables plus a fresh `iter` scalar, which is ours to free.
  const transient: tf.Tensor[] = [];
  if (options.optimizer) {
    for (const w of await options.optimizer.getWeights()) {
      named.push({ name: OPTIMIZER_PREFIX + w.name, tensor: w.tensor });
      if (!(w.tensor instanceof tf.Variable)) transient.push(w.tensor);
    }
  }
  for (const [name, tensor] of Object.entries(options.extraWeights ?? {}))
    named.push({ name: EXTRA_PREFIX + name, tensor });
  const { data, specs } = await tf.io.encodeWeights(named);
  tf.dispose(transient);
  const metadata: CheckpointMetadata = {
    kdFormat: FORMAT,
    version: 1,
    config: model.config,
    step: options.step,
    rngState: options.rngState,
    extra: options.extra ?? null,
  };
  await fileIOHandler(dir, { replace: options.force ? 'force' : isKdCheckpointFolder }).save!({
    format: FORMAT,
    weightSpecs: specs,
    weightData: data,
    userDefinedMetadata: metadata as unknown as Record<string, object>,
  });
}

export interface LoadedCheckpoint {
  readonly config: FasterRcnnConfig;
  readonly metadata: CheckpointMetadata;
  /** Model weights by parameter name. Owned by the caller (dispose after use). */
  readonly weights: Record<string, tf.Tensor>;
  /** Optimiser slots by name, for `optimizer.setWeights`. Owned by the caller. */
  readonly optimizerWeights: NamedTensor[];
  /** The `extraWeights` saved with the model, by name. Owned by the caller. */
  readonly extraWeights: Record<string, tf.Tensor>;
}

/**
 * Reads and validates a checkpoint folder written by {@link saveCheckpoint}. A checkpoint whose
 * model or extra weights hold NaN or ±Infinity is refused with the tensors named.
 */
export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  const artifacts = await fileIOHandler(dir).load!();
  const meta = CheckpointMetadataCodec.decode(artifacts.userDefinedMetadata);
  if (E.isLeft(meta)) {
    throw new Error(
      `${join(dir, 'model.json')}: not a kd Faster R-CNN checkpoint\n  ${formatDecodeErrors(meta.left, undefined).join('\n  ')}`,
    );
  }
  const config = decodeFasterRcnnConfig(meta.right.config, `${join(dir, 'model.json')} (config)`);
  if (E.isLeft(config)) throw new Error(config.left);
  const decoded = tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!);
  const weights: Record<string, tf.Tensor> = {};
  const optimizerWeights: NamedTensor[] = [];
  const extraWeights: Record<string, tf.Tensor> = {};
  for (const [name, tensor] of Object.entries(decoded)) {
    if (name.startsWith(MODEL_PREFIX)) weights[name.slice(MODEL_PREFIX.length)] = tensor;
    else if (name.startsWith(OPTIMIZER_PREFIX))
      optimizerWeights.push({ name: name.slice(OPTIMIZER_PREFIX.length), tensor });
    else if (name.startsWith(EXTRA_PREFIX)) extraWeights[name.slice(EXTRA_PREFIX.length)] = tensor;
    else tensor.dispose();
  }
  const bad = nonFiniteWeights({ ...weights, ...extraWeights });
  if (bad.length > 0) {
    tf.dispose([...Object.values(weights), ...Object.values(extraWeights)]);
    tf.dispose(optimizerWeights.map((w) => w.tensor));
    const list = bad.map(([n, c]) => `${n} (${c})`);
    throw new Error(
      `${join(dir, 'model.json')}: ${bad.length} weight tensor(s) hold NaN or infinite values: ${list.slice(0, 5).join(', ')}${list.length > 5 ? ', …' : ''}; the checkpoint is corrupt or its training diverged`,
    );
  }
  return { config: config.right, metadata: meta.right, weights, optimizerWeights, extraWeights };
}

/**
 * Builds a model from a checkpoint (the caller owns and disposes `checkpoint.extraWeights` and
 * `checkpoint.optimizerWeights`, e.g. through {@link restoreOptimizer}). With `frozen` (a teacher) the optimiser state is dropped; the
 * model is used through `predict` / `forwardOnRows`, which never update batch-norm statistics.
 */
export async function loadFasterRcnn(
  dir: string,
): Promise<{ model: FasterRcnn; checkpoint: LoadedCheckpoint }> {
  const checkpoint = await loadCheckpoint(dir);
  const model = new FasterRcnn(checkpoint.config);
  model.params.assign(checkpoint.weights);
  tf.dispose(Object.values(checkpoint.weights));
  return { model, checkpoint };
}

/** Restores an optimiser's slots from a checkpoint (then disposes them). */
export async function restoreOptimizer(
  optimizer: tf.Optimizer,
  checkpoint: LoadedCheckpoint,
): Promise<void> {
  if (checkpoint.optimizerWeights.length > 0) {
    await optimizer.setWeights(
      checkpoint.optimizerWeights as { name: string; tensor: tf.Tensor }[],
    );
  }
  tf.dispose(checkpoint.optimizerWeights.map((w) => w.tensor));
}

/** Points `<runDir>/LATEST` at a checkpoint folder name, atomically (write + rename). */
export function markLatest(checkpointsDir: string, name: string): void {
  writeFileAtomically(join(checkpointsDir, 'LATEST'), `${name}\n`, 'force');
}

/** The checkpoint folder `LATEST` points at, if any. */
export function latestCheckpoint(checkpointsDir: string): string | undefined {
  const p = join(checkpointsDir, 'LATEST');
  if (!existsSync(p)) return undefined;
  const name = readFileSync(p, 'utf8').trim();
  const dir = join(checkpointsDir, name);
  return existsSync(join(dir, 'model.json')) ? dir : undefined;
}
