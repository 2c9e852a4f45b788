import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import type { GraphConstant, GraphOp, GraphPlaceholder } from './savedModelBytes.js';
import {
  fetchName,
  graphDtype,
  loadNativeSession,
  type NativeBackend,
  type NativeSession,
  type NativeTrace,
  nativeBackend,
  nodeOf,
  traceNative,
} from './traceNative.js';

/**
 * A traced differentiable function as two TensorFlow graphs, its forward and its backward, in
 * native sessions (see {@link compileNativeGradient}).
 */
export interface NativeGradient<I extends string, O extends string> {
  /**
   * `fn`'s outputs on `inputs` with the parameters' current values, computed by the forward
   * graph. Under a gradient tape (`tf.variableGrads`, `tf.grads`) the call is one tape node whose
   * gradient with respect to each parameter is computed by the backward graph from the
   * activations the forward graph handed over; the inputs get zero gradients. Inputs must have
   * the traced shapes and dtypes.
   */
  apply(inputs: Readonly<Record<I, tf.Tensor>>): Record<O, tf.Tensor>;
  /** Ops traced into each graph (before TensorFlow's own graph optimisations). */
  readonly forwardOps: number;
  readonly backwardOps: number;
  /** Tensors the forward graph hands the backward graph (the saved activations). */
  readonly saved: number;
  /** Closes both sessions. */
  dispose(): void;
}

/**
 * Compiles `fn` and its gradient with respect to `params` into native TensorFlow graphs: what
 * `tf.function` does for a training step's differentiable part. One eager run on `example` is
 * traced, the forward ops and then the backward ops tfjs issues for the gradient of
 * Σₖ ⟨outputₖ, dyₖ⟩; the trace is cut between the two, the forward graph also returning every
 * tensor the backward ops read from it. Each graph then runs as one native call with
 * TensorFlow's graph optimisations and inter-op parallelism (independent ops, such as a
 * convolution's filter and input gradients, run at once), instead of one call per op.
 *
 * The parameters are fed their current values on every call (training may change them); every
 * other tensor `fn` reads that it does not compute — frozen weights, constants — is frozen into
 * the graphs with its value at compile time. Results equal the eager ops' up to float32 rounding
 * (fused kernels sum in another order).
 *
 * @returns Left with the reason when the backend is not `tensorflow`, `fn` reads a tensor on the
 *   host, assigns a variable (state such as batch-norm statistics cannot live in these graphs),
 *   returns a non-float32 output or one it did not compute, or TensorFlow rejects a graph.
 */
export function compileNativeGradient<I extends string, O extends string>(
  fn: (inputs: Readonly<Record<I, tf.Tensor>>) => Readonly<Record<O, tf.Tensor>>,
  params: readonly tf.Variable[],
  example: Readonly<Record<I, tf.Tensor>>,
): E.Either<string, NativeGradient<I, O>> {
  return E.flatMap(nativeBackend(), (be) => {
    try {
      return E.right(compileWith(be, fn, params, example));
    } catch (e) {
      return E.left(`compiling a TensorFlow gradient: ${(e as Error).message}`);
    }
  });
}

/** The ops of one graph, with the placeholders and constants they read (nothing else). */
function graphOf(
  ops: readonly GraphOp[],
  placeholders: readonly GraphPlaceholder[],
  constants: readonly GraphConstant[],
) {
  const read = new Set(ops.flatMap((o) => o.inputs.map(nodeOf)));
  return {
    placeholders: placeholders.filter((p) => read.has(p.name)),
    constants: constants.filter((c) => read.has(c.name)),
    ops,
  };
}

function compileWith<I extends string, O extends string>(
  be: NativeBackend,
  fn: (inputs: Readonly<Record<I, tf.Tensor>>) => Readonly<Record<O, tf.Tensor>>,
  params: readonly tf.Variable[],
  example: Readonly<Record<I, tf.Tensor>>,
): NativeGradient<I, O> {
  const inputKeys = Object.keys(example) as I[];
  for (const k of inputKeys) graphDtype(example[k].dtype, `input '${k}'`);
  if (params.length === 0) throw new Error('no parameters to differentiate');
  // Running `fn` must leave no trace in the caller's state: every variable it assigns (the
  // reason to refuse) gets its value back. A clone shares the data, nothing is copied.
  const snapshot = Object.values(tf.engine().registeredVariables).map((v) => ({
    v,
    dataId: v.dataId,
    value: tf.clone(v),
  }));
  let assigned: string | undefined;
  let trace: GradientTrace;
  let outputs: Array<{ key: O; shape: number[] }>;
  try {
    // The output shapes, for the dy placeholders: one untraced run.
    outputs = tf.tidy(() =>
      Object.entries<tf.Tensor>(fn(example)).map(([key, t]) => {
        if (t.dtype !== 'float32') throw new Error(`output '${key}' is ${t.dtype}, not float32`);
        return { key: key as O, shape: t.shape };
      }),
    );
    if (outputs.length === 0) throw new Error('the function returned no outputs');
    trace = traceGradient(be, fn, params, example, outputs);
  } finally {
    for (const s of snapshot) {
      if (s.v.dataId !== s.dataId) {
        assigned ??= s.v.name;
        s.v.assign(s.value);
      }
      s.value.dispose();
    }
    // Updating state is the reason to give, whatever else the trace ran into.
    if (assigned !== undefined)
      // biome-ignore lint/correctness/noUnsafeFinally: this error replaces any other
      throw new Error(
        `the function assigned variable '${assigned}' (state such as batch-norm statistics); a compiled graph cannot update it`,
      );
  }
  return buildGraphs(be, trace, inputKeys, outputs, params);
}

const opIndex = (name: string): number => Number(nodeOf(name).slice('op_'.length));

type GradientTrace = NativeTrace<{
  cut: number;
  outputNames: string[];
  gradNames: (string | undefined)[];
}>;

/** One eager run of `fn` and of its gradient with respect to `params`, traced; where they part. */
function traceGradient<I extends string, O extends string>(
  be: NativeBackend,
  fn: (inputs: Readonly<Record<I, tf.Tensor>>) => Readonly<Record<O, tf.Tensor>>,
  params: readonly tf.Variable[],
  example: Readonly<Record<I, tf.Tensor>>,
  outputs: ReadonlyArray<{ key: O; shape: number[] }>,
): GradientTrace {
  const inputKeys = Object.keys(example) as I[];
  const dys = outputs.map((o) => tf.zeros(o.shape));
  try {
    return traceNative(
      be,
      [
        ...inputKeys.map((k, i) => ({ name: `input_${i}`, tensor: example[k] })),
        ...params.map((p, j) => ({ name: `param_${j}`, tensor: p as tf.Tensor })),
        ...dys.map((dy, k) => ({ name: `dy_${k}`, tensor: dy })),
      ],
      (nameOf, opCount) =>
        tf.tidy(() => {
          let cut = -1;
          let outputNames: (string | undefined)[] = [];
          // Nothing thrown inside `variableGrads`' function: tfjs leaks the tape's tensors then.
          const { value, grads } = tf.variableGrads(() => {
            const out = fn(example);
            outputNames = outputs.map(({ key }) => {
              const n = nameOf(out[key]);
              return n?.startsWith('op_') ? n : undefined;
            });
            cut = opCount();
            return tf.addN(
              outputs.map(({ key }, k) => tf.sum(tf.mul(out[key], dys[k]!))),
            ) as tf.Scalar;
          }, params as tf.Variable[]);
          value.dispose();
          outputNames.forEach((n, k) => {
            if (n === undefined)
              throw new Error(
                `output '${outputs[k]!.key}' is not computed by an op of the traced function`,
              );
          });
          const gradNames = params.map((p) => {
            const g = grads[p.name];
            if (g === undefined) return undefined;
            const n = nameOf(g);
            if (n === undefined || !n.startsWith('op_') || opIndex(n) < cut) {
              throw new Error(`the gradient of '${p.name}' is not computed by a backward op`);
            }
            return n;
          });
          return { cut, outputNames: outputNames as string[], gradNames };
        }),
    );
  } finally {
    tf.dispose(dys);
  }
}

function buildGraphs<I extends string, O extends string>(
  be: NativeBackend,
  trace: GradientTrace,
  inputKeys: readonly I[],
  outputs: ReadonlyArray<{ key: O; shape: number[] }>,
  params: readonly tf.Variable[],
): NativeGradient<I, O> {
  const { cut, outputNames, gradNames } = trace.result;
  const forwardOps = trace.ops.slice(0, cut);
  // What the backward ops read from the forward graph: its saved activations, fed back in.
  const saved: string[] = [];
  const savedName = new Map<string, string>();
  const backwardOps = trace.ops.slice(cut).map((o) => ({
    ...o,
    inputs: o.inputs.map((input) => {
      if (!input.startsWith('op_') || opIndex(input) >= cut) return input;
      let p = savedName.get(input);
      if (p === undefined) {
        p = `saved_${saved.length}`;
        saved.push(input);
        savedName.set(input, p);
      }
      return p;
    }),
  }));
  const savedPlaceholders: GraphPlaceholder[] = saved.map((n) => {
    const s = trace.shapes.get(n);
    if (s === undefined) throw new Error(`the shape of ${n} was not recorded`);
    return {
      name: savedName.get(n)!,
      dtype: graphDtype(s.dtype, `saved tensor ${n}`),
      shape: s.shape,
    };
  });
  const inputsAndParams = trace.placeholders.filter((p) => !p.name.startsWith('dy_'));
  const forwardSpec = graphOf(forwardOps, inputsAndParams, trace.constants);
  const backwardSpec = graphOf(
    backwardOps,
    [...trace.placeholders, ...savedPlaceholders],
    trace.constants,
  );
  const computed = gradNames.flatMap((n, j) => (n === undefined ? [] : [{ n, j }]));
  let forward: NativeSession | undefined;
  let backward: NativeSession | undefined;
  try {
    forward = loadNativeSession(
      be,
      forwardSpec,
      forwardSpec.placeholders.map((p) => p.name),
      [...outputNames, ...saved].map(fetchName),
    );
    backward = loadNativeSession(
      be,
      backwardSpec,
      backwardSpec.placeholders.map((p) => p.name),
      computed.map(({ n }) => fetchName(n)),
    );
  } catch (e) {
    forward?.dispose();
    throw e;
  }
  const fwd = forward;
  const bwd = backward;
  const traced = new Map(trace.placeholders.map((p) => [p.name, p]));
  const check = (name: string, t: tf.Tensor, what: string) => {
    const p = traced.get(name)!;
    if (t.dtype !== p.dtype || !tf.util.arraysEqual(t.shape, [...p.shape])) {
      throw new Error(
        `${what} must be ${p.dtype} [${p.shape.join(', ')}] (the traced shape); got ${t.dtype} [${t.shape.join(', ')}]`,
      );
    }
  };
  const nIn = inputKeys.length;
  const m = outputs.length;
  const sizes = outputs.map((o) => o.shape.reduce((a, b) => a * b, 1));
  let open = true;
  const apply = (given: Readonly<Record<I, tf.Tensor>>): Record<O, tf.Tensor> => {
    if (!open) throw new Error('this compiled gradient was disposed');
    const xs = inputKeys.map((k, i) => {
      const t = given[k];
      if (t === undefined) throw new Error(`missing input '${k}'`);
      check(`input_${i}`, t, `input '${k}'`);
      return t;
    });
    const byName = (args: readonly tf.Tensor[], name: string, extra: readonly tf.Tensor[]) => {
      if (name.startsWith('input_')) return args[Number(name.slice(6))]!;
      if (name.startsWith('param_')) return args[nIn + Number(name.slice(6))]!;
      if (name.startsWith('dy_')) return extra[Number(name.slice(3))]!;
      return extra[m + Number(name.slice(6))]!;
    };
    const op = tf.customGrad((...all: unknown[]) => {
      const save = all.pop() as tf.GradSaveFunc;
      const args = all as tf.Tensor[];
      const out = fwd.run(forwardSpec.placeholders.map((p) => byName(args, p.name, [])));
      const results = out.slice(0, m);
      save(out.slice(m));
      const value = m === 1 ? results[0]! : tf.concat(results.map((r) => tf.reshape(r, [-1])));
      return {
        value,
        gradFunc: (dy: tf.Tensor, kept: tf.Tensor[]) => {
          const dyParts =
            m === 1
              ? [dy]
              : tf.split(dy as tf.Tensor1D, sizes).map((d, k) => tf.reshape(d, outputs[k]!.shape));
          const grads = bwd.run(
            backwardSpec.placeholders.map((p) => byName(args, p.name, [...dyParts, ...kept])),
          );
          const byParam = new Map(computed.map(({ j }, i) => [j, grads[i]!]));
          return [
            ...xs.map((x) => tf.zerosLike(x)),
            ...params.map((p, j) => byParam.get(j) ?? tf.zerosLike(p)),
          ];
        },
      };
    });
    const value = op(...xs, ...params);
    if (m === 1) return { [outputs[0]!.key]: value } as Record<O, tf.Tensor>;
    const parts = tf.split(value as tf.Tensor1D, sizes);
    value.dispose();
    return Object.fromEntries(
      outputs.map((o, k) => {
        const r = tf.reshape(parts[k]!, o.shape);
        parts[k]!.dispose();
        return [o.key, r];
      }),
    ) as Record<O, tf.Tensor>;
  };
  return {
    apply,
    forwardOps: forwardOps.length,
    backwardOps: backwardOps.length,
    saved: saved.length,
    dispose() {
      if (open) {
        fwd.dispose();
        bwd.dispose();
      }
      open = false;
    },
  };
}
