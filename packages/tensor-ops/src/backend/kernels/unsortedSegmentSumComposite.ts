import * as tf from '@tensorflow/tfjs-core';

/**
 * `unsortedSegmentSum` as a scatter: `scatterND` sums updates that share an index, which is exactly
 * a segment sum. Ids outside `[0, numSegments)` are dropped, as TensorFlow does (a scatter would
 * otherwise write out of bounds). This is what the gradient of `tf.gather` needs on wasm.
 *
 * @param x `[S, ...rest]` where S is the number of segment ids
 * @param segmentIds `[S]` int32
 * @returns `[numSegments, ...rest]`
 */
export function unsortedSegmentSumComposite(
  x: tf.Tensor,
  segmentIds: tf.Tensor,
  numSegments: number,
): tf.Tensor {
  return tf.tidy(() => {
    const ids = tf.reshape(segmentIds, [-1]);
    const count = ids.shape[0] ?? 0;
    const rest = x.shape.slice(segmentIds.rank);
    const updates = tf.reshape(x, [count, ...rest]);
    const host = ids.dataSync();
    let valid = true;
    for (let i = 0; i < host.length; i++) {
      const id = host[i] as number;
      if (id < 0 || id >= numSegments) {
        valid = false;
        break;
      }
    }
    if (valid) {
      return tf.scatterND(tf.reshape(ids, [count, 1]), updates, [numSegments, ...rest]);
    }
    const keep: number[] = [];
    for (let i = 0; i < host.length; i++) {
      const id = host[i] as number;
      if (id >= 0 && id < numSegments) keep.push(i);
    }
    if (keep.length === 0) return tf.zeros([numSegments, ...rest], x.dtype);
    const keepT = tf.tensor1d(keep, 'int32');
    return tf.scatterND(
      tf.reshape(tf.gather(ids, keepT), [keep.length, 1]),
      tf.gather(updates, keepT),
      [numSegments, ...rest],
    );
  });
}
