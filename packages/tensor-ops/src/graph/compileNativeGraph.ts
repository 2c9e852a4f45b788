import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import type { GraphDtype } from './savedModelBytes.js';
import {
  fetchName,
  graphDtype,
  loadNativeSession,
  type NativeBackend,
  nativeBackend,
  traceNative,
} from './traceNative.js';

/**
 * A traced function as one TensorFlow graph in a native session: `run` feeds the inputs and
 * returns new tensors (the caller owns them). The graph is fixed to the traced input shapes.
 */
export interface NativeGraph<I extends string, O extends string> {
  /** Input names, shapes and dtypes the graph was traced with. */
  readonly inputs: Readonly<
    Record<I, { readonly shape: readonly number[]; readonly dtype: GraphDtype }>
  >;
  readonly outputs: readonly O[];
  /** Ops in the traced graph (before TensorFlow's own graph optimisations). */
  readonly opCount: number;
  run(inputs: Readonly<Record<I, tf.Tensor>>): Record<O, tf.Tensor>;
  /** Closes the session. */
  dispose(): void;
}

/**
 * Traces `fn` on the native TensorFlow backend and compiles it into one TensorFlow graph, run
 * by a native session: one call instead of one per op, and TensorFlow's graph optimisations
 * (constant folding, convolution + bias + activation fusion, oneDNN kernels where built) that
 * tfjs's op-by-op execution cannot use. The results equal `fn`'s up to float32 rounding (fused
 * kernels sum in another order).
 *
 * `fn` runs once, eagerly, on `example` (the trace): every op it issues becomes a node; every
 * tensor it reads that was not computed inside the trace — weights, constants — is frozen into
 * the graph with its current value, so later changes to those tensors are not seen. `fn` must
 * compute its outputs from its inputs with tensor ops only: reading a tensor on the host during
 * the trace (`dataSync`, `arraySync`) is an error, because the graph would freeze the value read;
 * tensors `fn` makes from host data become constants too. Shapes are those of `example`.
 *
 * @returns Left with the reason when the backend is not `tensorflow`, `fn` reads tensors on the
 *   host, an output is not computed by `fn`, or TensorFlow rejects the graph.
 */
export function compileNativeGraph<I extends string, O extends string>(
  fn: (inputs: Readonly<Record<I, tf.Tensor>>) => Readonly<Record<O, tf.Tensor>>,
  example: Readonly<Record<I, tf.Tensor>>,
): E.Either<string, NativeGraph<I, O>> {
  return E.flatMap(nativeBackend(), (be) => {
    try {
      return E.right(compileWith(be, fn, example));
    } catch (e) {
      return E.left(`compiling a TensorFlow graph: ${(e as Error).message}`);
    }
  });
}

function compileWith<I extends string, O extends string>(
  be: NativeBackend,
  fn: (inputs: Readonly<Record<I, tf.Tensor>>) => Readonly<Record<O, tf.Tensor>>,
  example: Readonly<Record<I, tf.Tensor>>,
): NativeGraph<I, O> {
  const inputNames = Object.keys(example) as I[];
  for (const k of inputNames) graphDtype(example[k].dtype, `input '${k}'`);
  const trace = traceNative(
    be,
    inputNames.map((k, i) => ({ name: `input_${i}`, tensor: example[k] })),
    (nameOf) =>
      tf.tidy(() => {
        const out = fn(example);
        const keys = Object.keys(out) as O[];
        const fetches = keys.map((k) => {
          const n = nameOf(out[k]);
          if (n === undefined || !n.startsWith('op_')) {
            throw new Error(`output '${k}' is not computed by an op of the traced function`);
          }
          return fetchName(n);
        });
        return { keys, fetches };
      }),
  );
  const { placeholders } = trace;
  const session = loadNativeSession(
    be,
    trace,
    placeholders.map((p) => p.name),
    trace.result.fetches,
  );
  const inputs = Object.fromEntries(
    inputNames.map((k, i) => [k, { shape: placeholders[i]!.shape, dtype: placeholders[i]!.dtype }]),
  ) as Record<I, { shape: readonly number[]; dtype: GraphDtype }>;
  const outputKeys = trace.result.keys;
  let open = true;
  return {
    inputs,
    outputs: outputKeys,
    opCount: trace.ops.length,
    run(given) {
      if (!open) throw new Error('this compiled graph was disposed');
      const tensors = inputNames.map((k, i) => {
        const t = given[k];
        const p = placeholders[i]!;
        if (t === undefined) throw new Error(`missing input '${k}'`);
        if (t.dtype !== p.dtype || !tf.util.arraysEqual(t.shape, [...p.shape])) {
          throw new Error(
            `input '${k}' must be ${p.dtype} [${p.shape.join(', ')}] (the traced shape); got ${t.dtype} [${t.shape.join(', ')}]`,
          );
        }
        return t;
      });
      const out = session.run(tensors);
      return Object.fromEntries(outputKeys.map((k, i) => [k, out[i]!])) as Record<O, tf.Tensor>;
    },
    dispose() {
      if (open) session.dispose();
      open = false;
    },
  };
}
