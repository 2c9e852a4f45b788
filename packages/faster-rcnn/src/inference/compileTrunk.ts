import { compileNativeGraphPerShape } from '@kd/tensor-ops';
import type * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import type { FasterRcnn, TrunkOutputs } from '../model/FasterRcnn.js';
import { nativeBackendRequired } from './nativeBackendRequired.js';

/** A detector's trunk as native TensorFlow graphs, one per input shape (see {@link compileTrunk}). */
export interface CompiledTrunk {
  /** As `model.trunk(images, collect)`: new tensors, owned by the caller (or its `tf.tidy`). */
  run(images: tf.Tensor4D): TrunkOutputs;
  dispose(): void;
}

/**
 * The backbone and RPN head of a trained (or frozen) detector compiled into native TensorFlow
 * graphs, one per input shape, returning the `collect`ed backbone layers too: what a frozen
 * teacher computes on every distillation batch (`forwardOnRows`' `trunk` option), at a fraction
 * of the op-by-op time. Outputs equal `model.trunk`'s up to float32 rounding; the weights are
 * frozen into each graph when it is compiled, so only for models that no longer train.
 *
 * @returns Left when the backend is not `tensorflow`.
 */
export function compileTrunk(
  model: FasterRcnn,
  collect: readonly string[] = [],
): E.Either<string, CompiledTrunk> {
  const unavailable = nativeBackendRequired();
  if (unavailable !== undefined) return E.left(unavailable);
  const graphs = compileNativeGraphPerShape(({ images }) => {
    const t = model.trunk(images as tf.Tensor4D, collect);
    const out: Record<string, tf.Tensor> = {
      featureMap: t.featureMap,
      logits: t.rpn.logits,
      deltas: t.rpn.deltas,
    };
    collect.forEach((name, i) => {
      out[`feature_${i}`] = t.features[name]!;
    });
    return out;
  });
  return E.right({
    run(images) {
      const out = graphs.run({ images });
      return {
        featureMap: out.featureMap as tf.Tensor4D,
        features: Object.fromEntries(
          collect.map((name, i) => [name, out[`feature_${i}`] as tf.Tensor4D]),
        ),
        rpn: { logits: out.logits as tf.Tensor3D, deltas: out.deltas as tf.Tensor3D },
      };
    },
    dispose: () => graphs.dispose(),
  });
}
