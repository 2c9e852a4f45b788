import * as tf from '@tensorflow/tfjs-core';

/**
 * Reads float32 tensors back and packs them, in the given order, into one array: one transferable
 * buffer that a worker thread takes ownership of without a copy (how data-parallel replicas move
 * weights and gradients). `into` is filled when given (its length must be the sum of the sizes).
 * Not differentiable; the tensors are not disposed.
 * @returns `[Σ sizes]` float32, tensor i at offset Σ_{j<i} size_j.
 */
export function packTensors(tensors: readonly tf.Tensor[], into?: Float32Array): Float32Array {
  const total = tensors.reduce((a, t) => a + t.size, 0);
  if (into !== undefined && into.length !== total)
    throw new Error(`packTensors: 'into' holds ${into.length} floats, the tensors ${total}`);
  const out = into ?? new Float32Array(total);
  let offset = 0;
  for (const t of tensors) {
    if (t.dtype !== 'float32')
      throw new Error(`packTensors: a ${t.dtype} tensor; expected float32`);
    out.set(t.dataSync() as Float32Array, offset);
    offset += t.size;
  }
  return out;
}

/**
 * The inverse of `packTensors`: one tensor per shape, read from consecutive stretches of `flat`
 * (the caller disposes them). Throws when the shapes do not cover `flat` exactly.
 */
export function unpackTensors(
  flat: Float32Array,
  shapes: readonly (readonly number[])[],
): tf.Tensor[] {
  const sizes = shapes.map((s) => s.reduce((a, d) => a * d, 1));
  const total = sizes.reduce((a, n) => a + n, 0);
  if (total !== flat.length)
    throw new Error(`unpackTensors: the shapes hold ${total} floats, the array ${flat.length}`);
  let offset = 0;
  return shapes.map((shape, i) => {
    const t = tf.tensor(flat.subarray(offset, offset + sizes[i]!), [...shape], 'float32');
    offset += sizes[i]!;
    return t;
  });
}
