import type * as tf from '@tensorflow/tfjs-core';

/** Host values of a tensor (async read) or the array itself. */
export async function hostFloat32(
  x: tf.Tensor | Float32Array | readonly number[],
): Promise<Float32Array> {
  if (x instanceof Float32Array) return x;
  if (Array.isArray(x)) return Float32Array.from(x as readonly number[]);
  const d = await (x as tf.Tensor).data();
  return d instanceof Float32Array ? d : Float32Array.from(d as ArrayLike<number>);
}

/** Host values of a tensor (sync read) or the array itself. */
export function hostFloat32Sync(x: tf.Tensor | Float32Array | readonly number[]): Float32Array {
  if (x instanceof Float32Array) return x;
  if (Array.isArray(x)) return Float32Array.from(x as readonly number[]);
  const d = (x as tf.Tensor).dataSync();
  return d instanceof Float32Array ? d : Float32Array.from(d as ArrayLike<number>);
}

export function hostInt32Sync(x: tf.Tensor | Int32Array | readonly number[]): Int32Array {
  if (x instanceof Int32Array) return x;
  if (Array.isArray(x)) return Int32Array.from(x as readonly number[]);
  const d = (x as tf.Tensor).dataSync();
  return d instanceof Int32Array ? d : Int32Array.from(d as ArrayLike<number>);
}

export async function hostInt32(
  x: tf.Tensor | Int32Array | readonly number[],
): Promise<Int32Array> {
  if (x instanceof Int32Array) return x;
  if (Array.isArray(x)) return Int32Array.from(x as readonly number[]);
  const d = await (x as tf.Tensor).data();
  return d instanceof Int32Array ? d : Int32Array.from(d as ArrayLike<number>);
}
