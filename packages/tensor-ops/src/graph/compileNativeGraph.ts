import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import {
  type GraphAttr,
  type GraphConstant,
  type GraphDtype,
  type GraphOp,
  type GraphPlaceholder,
  savedModelBytes,
} from './savedModelBytes.js';

/** What tfjs-node's kernels hand its binding for one attribute. */
interface BindingAttr {
  readonly name: string;
  readonly type: number;
  readonly value: unknown;
}

interface OutputMetadata {
  readonly id: number;
}

/** The parts of tfjs-node's binding that tracing uses (it has no public tracing API). */
interface NativeBinding {
  executeOp(
    name: string,
    attrs: BindingAttr[],
    inputIds: number[],
    numOutputs: number,
  ): OutputMetadata[];
  tensorDataSync(id: number): Float32Array | Int32Array | Uint8Array;
  readonly TF_ATTR_STRING: number;
  readonly TF_ATTR_INT: number;
  readonly TF_ATTR_FLOAT: number;
  readonly TF_ATTR_BOOL: number;
  readonly TF_ATTR_TYPE: number;
  readonly TF_ATTR_SHAPE: number;
}

/** The parts of tfjs-node's `NodeJSKernelBackend` that tracing and running a graph use. */
interface NativeBackend {
  binding: NativeBinding;
  getInputTensorIds(tensors: tf.TensorInfo[]): number[];
  readonly tensorMap: { get(dataId: object): { id: number } | undefined };
  loadSavedModelMetaGraph(path: string, tags: string): number;
  runSavedModel(
    id: number,
    inputs: tf.Tensor[],
    inputInfos: ReadonlyArray<{ name: string }>,
    outputNames: string[],
  ): tf.Tensor[];
  deleteSavedModel(id: number): void;
}

function nativeBackend(): E.Either<string, NativeBackend> {
  const name = tf.getBackend();
  const be = tf.backend() as unknown as Partial<NativeBackend>;
  if (
    name !== 'tensorflow' ||
    typeof be.loadSavedModelMetaGraph !== 'function' ||
    be.binding === undefined
  ) {
    return E.left(
      `compiling a TensorFlow graph needs the native tensorflow backend (tfjs-node); the backend is '${name}'`,
    );
  }
  return E.right(be as NativeBackend);
}

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

function toGraphAttr(a: BindingAttr, b: NativeBinding): GraphAttr {
  const v = a.value as never;
  switch (a.type) {
    case b.TF_ATTR_STRING:
      return { kind: 'string', value: v };
    case b.TF_ATTR_INT:
      return { kind: 'int', value: v };
    case b.TF_ATTR_FLOAT:
      return { kind: 'float', value: v };
    case b.TF_ATTR_BOOL:
      return { kind: 'bool', value: v };
    case b.TF_ATTR_TYPE:
      return { kind: 'type', value: v };
    case b.TF_ATTR_SHAPE:
      return { kind: 'shape', value: v };
    default:
      throw new Error(`attribute '${a.name}' has a type (${a.type}) a graph cannot hold`);
  }
}

const graphDtype = (d: tf.DataType, what: string): GraphDtype => {
  if (d === 'float32' || d === 'int32' || d === 'bool') return d;
  throw new Error(`${what} has dtype ${d}; a compiled graph takes float32, int32 and bool`);
};

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
  const binding = be.binding;
  const idOf = (t: tf.Tensor): number => {
    be.getInputTensorIds([t]);
    const info = be.tensorMap.get(t.dataId);
    if (info === undefined) throw new Error('a tensor is not on the tensorflow backend');
    return info.id;
  };
  const inputNames = Object.keys(example) as I[];
  const placeholders: GraphPlaceholder[] = [];
  const names = new Map<number, string>();
  inputNames.forEach((k, i) => {
    const t = example[k];
    const name = `input_${i}`;
    placeholders.push({ name, dtype: graphDtype(t.dtype, `input '${k}'`), shape: t.shape });
    names.set(idOf(t), name);
  });
  const shapes = new Map<number, { shape: number[]; dtype: tf.DataType }>();
  const constants: GraphConstant[] = [];
  const ops: GraphOp[] = [];
  let hostRead = false;

  const tracing: NativeBinding = Object.create(null);
  for (const k of Object.getOwnPropertyNames(binding)) {
    (tracing as unknown as Record<string, unknown>)[k] = (
      binding as unknown as Record<string, unknown>
    )[k];
  }
  Object.assign(tracing, {
    executeOp(name: string, attrs: BindingAttr[], ids: number[], numOutputs: number) {
      const inputs = ids.map((id) => {
        const known = names.get(id);
        if (known !== undefined) return known;
        const s = shapes.get(id);
        if (s === undefined) throw new Error(`op ${name} reads a tensor of unknown shape`);
        const c = `const_${constants.length}`;
        constants.push({
          name: c,
          dtype: graphDtype(s.dtype, `a constant of op ${name}`),
          shape: s.shape,
          values: binding.tensorDataSync(id).slice(),
        });
        names.set(id, c);
        return c;
      });
      const out = binding.executeOp(name, attrs, ids, numOutputs);
      const node = `op_${ops.length}`;
      const graphAttrs: Record<string, GraphAttr> = {};
      for (const a of attrs) graphAttrs[a.name] = toGraphAttr(a, binding);
      ops.push({ name: node, op: name, inputs, attrs: graphAttrs });
      out.forEach((m, k) => names.set(m.id, k === 0 ? node : `${node}:${k}`));
      return out;
    },
    tensorDataSync(id: number) {
      hostRead = true;
      return binding.tensorDataSync(id);
    },
  });
  const getIds = be.getInputTensorIds;
  const ownGetIds = Object.hasOwn(be, 'getInputTensorIds');
  be.getInputTensorIds = function (tensors: tf.TensorInfo[]) {
    const ids = getIds.call(this, tensors);
    ids.forEach((id, i) =>
      shapes.set(id, { shape: [...tensors[i]!.shape], dtype: tensors[i]!.dtype }),
    );
    return ids;
  };
  be.binding = tracing;
  let outputNames: string[];
  let outputKeys: O[];
  try {
    tf.tidy(() => {
      const out = fn(example);
      outputKeys = Object.keys(out) as O[];
      outputNames = outputKeys.map((k) => {
        const n = names.get(idOf(out[k]));
        if (n === undefined || !n.startsWith('op_')) {
          throw new Error(`output '${k}' is not computed by an op of the traced function`);
        }
        return n.includes(':') ? n : `${n}:0`;
      });
    });
  } finally {
    be.binding = binding;
    if (ownGetIds) be.getInputTensorIds = getIds;
    else delete (be as Partial<NativeBackend>).getInputTensorIds;
  }
  if (hostRead) {
    throw new Error(
      'the traced function read a tensor on the host (dataSync/arraySync/data); the graph would freeze the value it read',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'kd-graph-'));
  let session: number;
  try {
    writeFileSync(join(dir, 'saved_model.pb'), savedModelBytes({ placeholders, constants, ops }));
    session = be.loadSavedModelMetaGraph(dir, 'serve');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const feeds = placeholders.map((p) => ({ name: `${p.name}:0` }));
  const inputs = Object.fromEntries(
    inputNames.map((k, i) => [k, { shape: placeholders[i]!.shape, dtype: placeholders[i]!.dtype }]),
  ) as Record<I, { shape: readonly number[]; dtype: GraphDtype }>;
  let open = true;
  return {
    inputs,
    outputs: outputKeys!,
    opCount: ops.length,
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
      const out = be.runSavedModel(session, tensors, feeds, outputNames!);
      return Object.fromEntries(outputKeys!.map((k, i) => [k, out[i]!])) as Record<O, tf.Tensor>;
    },
    dispose() {
      if (open) be.deleteSavedModel(session);
      open = false;
    },
  };
}
