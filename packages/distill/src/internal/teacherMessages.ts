// The messages between `TeacherThread` (the training thread) and its teacher worker.
import type { PreparedImage } from '@kd/data-voc-coco-kitti';
import type { FasterRcnnConfig } from '@kd/faster-rcnn';
import type { BackendName } from '@kd/tensor-ops';

/** A tensor's values on the host, as a worker sends them. */
export interface HostTensor {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}

/** What a teacher's trunk computes on a batch (`TrunkOutputs`), as host arrays. */
export interface TrunkArrays {
  readonly featureMap: HostTensor;
  /** The `collect`ed backbone layers, by name. */
  readonly features: Readonly<Record<string, HostTensor>>;
  readonly logits: HostTensor;
  readonly deltas: HostTensor;
}

/** `workerData` of a teacher worker: the teacher to rebuild, and the layers to return. */
export interface TeacherWorkerData {
  /** The training thread's backend: the worker computes with the same kernels. */
  readonly backend: BackendName;
  /** The trunk as compiled graphs (tensorflow), else op by op. */
  readonly compile: boolean;
  readonly config: FasterRcnnConfig;
  /** Parameter names and shapes, in the order of `weights`. */
  readonly names: readonly string[];
  readonly shapes: readonly (readonly number[])[];
  readonly weights: Float32Array;
  readonly collect: readonly string[];
}

export interface TeacherRequest {
  readonly id: number;
  /** One step's teacher images, padded into a batch by the worker. */
  readonly images: readonly PreparedImage[];
}

export type TeacherReply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'trunk'; readonly id: number; readonly trunk: TrunkArrays }
  | { readonly kind: 'error'; readonly id: number; readonly message: string };
