import type * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import { compileNativeGraph, type NativeGraph } from './compileNativeGraph.js';

/** A traced function compiled once per input shape (see {@link compileNativeGraphPerShape}). */
export interface NativeGraphPerShape<I extends string, O extends string> {
  /** Runs the graph of these inputs' shapes, compiling it first when it is the first call with them. */
  run(inputs: Readonly<Record<I, tf.Tensor>>): Record<O, tf.Tensor>;
  /** Graphs compiled so far. */
  readonly graphs: number;
  /** Closes every session. */
  dispose(): void;
}

/**
 * {@link compileNativeGraph} for inputs whose shapes vary between calls (image sizes, batch
 * sizes): the first call with new shapes traces `fn` on those inputs and compiles a graph for
 * them (typically 0.1–1 s); later calls with the same shapes reuse it. Each graph holds its own
 * copy of the weights, so at most `maxGraphs` are kept (least recently used closed first).
 * Throws the compile error.
 */
export function compileNativeGraphPerShape<I extends string, O extends string>(
  fn: (inputs: Readonly<Record<I, tf.Tensor>>) => Readonly<Record<O, tf.Tensor>>,
  { maxGraphs = 8 }: { readonly maxGraphs?: number } = {},
): NativeGraphPerShape<I, O> {
  const bySignature = new Map<string, NativeGraph<I, O>>();
  let open = true;
  return {
    run(inputs) {
      if (!open) throw new Error('this compiled graph was disposed');
      const signature = Object.entries<tf.Tensor>(inputs)
        .map(([k, t]) => `${k}:${t.dtype}[${t.shape.join(',')}]`)
        .join(' ');
      let g = bySignature.get(signature);
      if (g === undefined) {
        const compiled = compileNativeGraph(fn, inputs);
        if (E.isLeft(compiled)) throw new Error(compiled.left);
        g = compiled.right;
        if (bySignature.size >= maxGraphs) {
          const [oldest, graph] = bySignature.entries().next().value as [string, NativeGraph<I, O>];
          graph.dispose();
          bySignature.delete(oldest);
        }
      } else bySignature.delete(signature);
      // A Map iterates in insertion order: re-inserting keeps the most recently used last.
      bySignature.set(signature, g);
      return g.run(inputs);
    },
    get graphs() {
      return bySignature.size;
    },
    dispose() {
      for (const g of bySignature.values()) g.dispose();
      bySignature.clear();
      open = false;
    },
  };
}
