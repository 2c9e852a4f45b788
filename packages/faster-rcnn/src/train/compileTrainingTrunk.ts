import { compileNativeGradient, type NativeGradient } from '@kd/tensor-ops';
import type * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import { nativeBackendRequired } from '../inference/nativeBackendRequired.js';
import type { FasterRcnn, TrunkOutputs } from '../model/FasterRcnn.js';

/** A detector's training trunk as native TensorFlow graphs (see {@link compileTrainingTrunk}). */
export interface CompiledTrainingTrunk {
  /**
   * The backbone in training mode (with the `collect`ed layers) and the RPN head on `images`, on
   * the gradient tape: the gradients of their trainable weights come from the compiled backward
   * graph. The first call with a new image shape or `collect` compiles its graphs (about a
   * second). Throws when they cannot be compiled (the reason, e.g. a backbone updating batch-norm
   * statistics).
   */
  run(images: tf.Tensor4D, collect: readonly string[]): TrunkOutputs;
  /**
   * Compiles the graphs for this image shape and `collect` now, so that the first step does not
   * pay for it: Left with the reason when they cannot be compiled.
   */
  prepare(images: tf.Tensor4D, collect: readonly string[]): E.Either<string, void>;
  /** Graph pairs compiled so far (one per image shape and `collect`). */
  readonly graphs: number;
  dispose(): void;
}

interface Compiled {
  readonly gradient: NativeGradient<'images', string>;
  /** The variables the graphs take as inputs, and the frozen ones they hold as constants. */
  readonly trainable: readonly tf.Variable[];
  readonly frozen: ReadonlyArray<{ readonly v: tf.Variable; readonly dataId: object }>;
}

/**
 * The trunk (backbone and RPN head) of a detector being trained, compiled with its gradient into
 * native TensorFlow graphs (`compileNativeGradient` of @kd/tensor-ops): a forward graph and a
 * backward graph per image shape, each one native call instead of one per op, with TensorFlow's
 * graph optimisations and independent ops (a convolution's filter and input gradients) on both
 * cores at once. The trainable weights are fed on every call; frozen ones (frozen stages, frozen
 * batch-norm statistics) are held by the graphs, which are compiled again when one is reassigned
 * (a checkpoint loaded). Outputs and gradients equal the op-by-op trunk's up to float32 rounding.
 *
 * At most `maxGraphs` shapes are kept (least recently used closed first). Pass `run` as the
 * `trainingTrunk` option of `forwardTrain` / `computeGradients`.
 *
 * @returns Left when the backend is not `tensorflow` or no trunk weight is trainable.
 */
export function compileTrainingTrunk(
  model: FasterRcnn,
  { maxGraphs = 4 }: { readonly maxGraphs?: number } = {},
): E.Either<string, CompiledTrainingTrunk> {
  const unavailable = nativeBackendRequired();
  if (unavailable !== undefined) return E.left(unavailable);
  const trunkVariables = () =>
    model.params
      .entries()
      .filter(([name]) => name.startsWith('backbone/') || name.startsWith('rpn/'));
  if (!trunkVariables().some(([name]) => model.params.isTrainable(name)))
    return E.left('compiling the training trunk: no backbone or RPN weight is trainable');
  const bySignature = new Map<string, Compiled>();
  let open = true;

  const current = (c: Compiled): boolean => {
    const trainable = trunkVariables().filter(([n]) => model.params.isTrainable(n));
    return (
      trainable.length === c.trainable.length &&
      trainable.every(([, v], i) => v === c.trainable[i]) &&
      c.frozen.every(({ v, dataId }) => v.dataId === dataId)
    );
  };
  const compile = (images: tf.Tensor4D, collect: readonly string[]): E.Either<string, Compiled> => {
    const entries = trunkVariables();
    const trainable = entries.filter(([n]) => model.params.isTrainable(n)).map(([, v]) => v);
    const frozen = entries
      .filter(([n]) => !model.params.isTrainable(n))
      .map(([, v]) => ({ v, dataId: v.dataId }));
    const gradient = compileNativeGradient(
      ({ images: x }) => {
        const f = model.backbone.forward(x as tf.Tensor4D, { training: true, collect });
        const rpn = model.rpn.apply(f.output);
        const out: Record<string, tf.Tensor> = {
          featureMap: f.output,
          logits: rpn.logits,
          deltas: rpn.deltas,
        };
        collect.forEach((name, i) => {
          out[`feature_${i}`] = f.features[name]!;
        });
        return out;
      },
      trainable,
      { images },
    );
    return E.isLeft(gradient) ? gradient : E.right({ gradient: gradient.right, trainable, frozen });
  };
  const graphFor = (
    images: tf.Tensor4D,
    collect: readonly string[],
  ): E.Either<string, Compiled> => {
    if (!open) return E.left('this compiled training trunk was disposed');
    const signature = `${images.shape.join('x')} ${JSON.stringify(collect)}`;
    const known = bySignature.get(signature);
    if (known !== undefined && current(known)) {
      // A Map iterates in insertion order: re-inserting keeps the most recently used last.
      bySignature.delete(signature);
      bySignature.set(signature, known);
      return E.right(known);
    }
    if (known !== undefined) {
      known.gradient.dispose();
      bySignature.delete(signature);
    }
    const made = compile(images, collect);
    if (E.isLeft(made)) return made;
    if (bySignature.size >= maxGraphs) {
      const [oldest, c] = bySignature.entries().next().value as [string, Compiled];
      c.gradient.dispose();
      bySignature.delete(oldest);
    }
    bySignature.set(signature, made.right);
    return made;
  };
  return E.right({
    run(images, collect) {
      const g = graphFor(images, collect);
      if (E.isLeft(g)) throw new Error(g.left);
      const out = g.right.gradient.apply({ images });
      return {
        featureMap: out.featureMap as tf.Tensor4D,
        features: Object.fromEntries(
          collect.map((name, i) => [name, out[`feature_${i}`] as tf.Tensor4D]),
        ),
        rpn: { logits: out.logits as tf.Tensor3D, deltas: out.deltas as tf.Tensor3D },
      };
    },
    prepare(images, collect) {
      const g = graphFor(images, collect);
      return E.isLeft(g) ? g : E.right(undefined);
    },
    get graphs() {
      return bySignature.size;
    },
    dispose() {
      for (const c of bySignature.values()) c.gradient.dispose();
      bySignature.clear();
      open = false;
    },
  });
}
