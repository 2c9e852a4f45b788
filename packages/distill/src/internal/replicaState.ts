// What data-parallel replicas exchange each step, packed into one transferable array each way.
import { type FasterRcnn, packTensors, unpackTensors } from '@kd/faster-rcnn';
import * as tf from '@tensorflow/tfjs-core';
import type { Distillation } from '../createDistillation.js';

/** A variable with the name replicas agree on. */
export type NamedVariable = readonly [name: string, variable: tf.Variable];

/**
 * Everything a replica computes with that training changes: every student parameter (trainable
 * weights, and buffers such as batch-norm running statistics, which DDP broadcasts from replica 0
 * too), then the adaptation layer's weights. Frozen teacher weights are loaded by each replica.
 */
export function replicaState(
  student: FasterRcnn,
  distillation: Distillation | undefined,
): NamedVariable[] {
  return [
    ...student.params.entries(),
    ...(distillation?.pairing?.variables() ?? []).map((v): NamedVariable => [v.name, v]),
  ];
}

/**
 * What replicas compare to agree on a packed layout: each variable's shape, and for student
 * parameters their store name (tfjs variable names carry a per-thread counter: they differ).
 */
export function layoutOf(student: FasterRcnn, vars: readonly tf.Variable[]): string[] {
  const storeName = new Map(student.params.entries().map(([n, v]) => [v.name, n]));
  return vars.map((v) => `${storeName.get(v.name) ?? 'extra'} [${v.shape}]`);
}

/**
 * Copies packed values (`replicaState` order) into the replica's variables. The student's go
 * through its parameter store, which then counts as loaded (a `backbone.pretrained` config
 * refuses to train on weights that never were).
 */
export function assignState(
  student: FasterRcnn,
  distillation: Distillation | undefined,
  packed: Float32Array,
): void {
  const state = replicaState(student, distillation);
  const values = unpackTensors(
    packed,
    state.map(([, v]) => v.shape),
  );
  try {
    const own = student.params.entries().length;
    student.params.assign(
      Object.fromEntries(state.slice(0, own).map(([name], i) => [name, values[i]!])),
    );
    state.slice(own).forEach(([, v], i) => {
      v.assign(values[own + i]!);
    });
  } finally {
    tf.dispose(values);
  }
}

/**
 * Packs gradients in `vars` order; a variable without a gradient (the losses did not reach it) is
 * packed as zeros and flagged absent, so that the average leaves it out unless a replica has one.
 */
export function packGradients(
  vars: readonly tf.Variable[],
  grads: tf.NamedTensorMap,
): { grads: Float32Array; present: boolean[] } {
  const present = vars.map((v) => grads[v.name] !== undefined);
  const zeros = vars.map((v, i) => (present[i] ? undefined : tf.zerosLike(v)));
  try {
    return {
      grads: packTensors(vars.map((v, i) => grads[v.name] ?? zeros[i]!)),
      present,
    };
  } finally {
    tf.dispose(zeros.filter((z) => z !== undefined));
  }
}
