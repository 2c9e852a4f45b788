import * as tf from '@tensorflow/tfjs-core';

/** Why a detector cannot be compiled on the active backend, or undefined when it can. */
export function nativeBackendRequired(): string | undefined {
  const name = tf.getBackend();
  return name === 'tensorflow'
    ? undefined
    : `compiling a detector needs the native tensorflow backend (tfjs-node); the backend is '${name}'`;
}
