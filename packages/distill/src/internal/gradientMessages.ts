// The messages between `DataParallel` (the main thread, replica 0) and its gradient workers.
import type { PreparedImage, Sample, TransformOptions } from '@kd/data-voc-coco-kitti';
import type { BackendName } from '@kd/tensor-ops';
import type { RunConfig } from '../runConfig.js';

/** `workerData` of a gradient worker: what it needs to build the same student (and teacher). */
export interface GradientWorkerData {
  readonly replica: number;
  /** The main thread's tfjs backend: the worker must compute with the same kernels. */
  readonly backend: BackendName;
  readonly config: RunConfig;
  readonly classNames: readonly string[];
  /** A training sample: `createDistillation` fixes the hint pairing's shapes from it. */
  readonly sample: Sample;
  readonly transform: TransformOptions;
  /** `layoutOf` the variables sent with every request (checked against the worker's own). */
  readonly stateLayout: readonly string[];
  /** `layoutOf` the gradients sent back. */
  readonly gradientLayout: readonly string[];
}

/** One step's work for a replica. */
export interface GradientRequest {
  readonly step: number;
  /** Seed of this replica's anchor and RoI sampling stream at this step. */
  readonly seed: number;
  /** Every variable of `stateNames`, packed: the weights to compute the gradients at. */
  readonly state: Float32Array;
  readonly student: readonly PreparedImage[];
  readonly teacher: readonly PreparedImage[] | undefined;
}

/** A replica's gradients of its slice's mean losses, packed in `gradientNames` order. */
export interface GradientReply {
  readonly kind: 'gradients';
  readonly grads: Float32Array;
  /** Whether each variable got a gradient (a missing one is packed as zeros). */
  readonly present: readonly boolean[];
  readonly total: number;
  readonly losses: Readonly<Record<string, number>>;
}

export type WorkerReply =
  | { readonly kind: 'ready' }
  | GradientReply
  | { readonly kind: 'error'; readonly message: string };
