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
  type GraphSpec,
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
export interface NativeBackend {
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

/** The active backend as tfjs-node's, or the reason it is not. */
export function nativeBackend(): E.Either<string, NativeBackend> {
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

export const graphDtype = (d: tf.DataType, what: string): GraphDtype => {
  if (d === 'float32' || d === 'int32' || d === 'bool') return d;
  throw new Error(`${what} has dtype ${d}; a compiled graph takes float32, int32 and bool`);
};

/** What one eager run recorded: every op issued, in order, over named placeholders and constants. */
export interface NativeTrace<R> {
  readonly placeholders: readonly GraphPlaceholder[];
  /** Tensors read that were neither placeholders nor computed in the trace, frozen by value. */
  readonly constants: readonly GraphConstant[];
  /** Op `i` is named `op_i`; its output `k > 0` is `op_i:k`. */
  readonly ops: readonly GraphOp[];
  /** Shape and dtype of every node output an op read (`name` or `name:k`). */
  readonly shapes: ReadonlyMap<string, { readonly shape: number[]; readonly dtype: tf.DataType }>;
  /** What `body` returned. */
  readonly result: R;
}

/**
 * Runs `body` eagerly on the native backend while recording every op it issues (tfjs-node has no
 * tracing API: the binding's `executeOp` is wrapped for the duration). `placeholders` name the
 * tensors the graph will take as inputs; any other tensor an op reads that was not computed in
 * the trace becomes a constant holding its current value. `body` gets `nameOf`, a tensor's node
 * name (`undefined` for a tensor the trace has not seen), and `opCount`, the ops recorded so far;
 * it is responsible for disposing what it makes. Throws when `body` throws or reads a tensor on the host (the value would be frozen).
 */
export function traceNative<R>(
  be: NativeBackend,
  placeholders: ReadonlyArray<{ readonly name: string; readonly tensor: tf.Tensor }>,
  body: (nameOf: (t: tf.Tensor) => string | undefined, opCount: () => number) => R,
): NativeTrace<R> {
  const binding = be.binding;
  const idOf = (t: tf.Tensor): number => {
    be.getInputTensorIds([t]);
    const info = be.tensorMap.get(t.dataId);
    if (info === undefined) throw new Error('a tensor is not on the tensorflow backend');
    return info.id;
  };
  const graphPlaceholders: GraphPlaceholder[] = [];
  const names = new Map<number, string>();
  const nodeShapes = new Map<string, { shape: number[]; dtype: tf.DataType }>();
  for (const { name, tensor } of placeholders) {
    graphPlaceholders.push({
      name,
      dtype: graphDtype(tensor.dtype, `input '${name}'`),
      shape: tensor.shape,
    });
    const id = idOf(tensor);
    if (names.has(id)) throw new Error(`'${name}' is the same tensor as '${names.get(id)}'`);
    names.set(id, name);
  }
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
        const s = shapes.get(id);
        const known = names.get(id);
        if (known !== undefined) {
          if (s) nodeShapes.set(known, s);
          return known;
        }
        if (s === undefined) throw new Error(`op ${name} reads a tensor of unknown shape`);
        const c = `const_${constants.length}`;
        constants.push({
          name: c,
          dtype: graphDtype(s.dtype, `a constant of op ${name}`),
          shape: s.shape,
          values: binding.tensorDataSync(id).slice(),
        });
        names.set(id, c);
        nodeShapes.set(c, s);
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
  let result: R;
  try {
    result = body(
      (t) => names.get(idOf(t)),
      () => ops.length,
    );
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
  return { placeholders: graphPlaceholders, constants, ops, shapes: nodeShapes, result };
}

/** An output name as a session fetches it (`op_3` → `op_3:0`). */
export const fetchName = (node: string): string => (node.includes(':') ? node : `${node}:0`);

/** The node an input name refers to (`op_3:1` → `op_3`). */
export const nodeOf = (input: string): string => input.split(':')[0]!;

/** A graph in a native TensorFlow session, run by node name. */
export interface NativeSession {
  /** Feeds `inputs` (in `feeds` order) and returns the fetched outputs as new tensors. */
  run(inputs: readonly tf.Tensor[]): tf.Tensor[];
  dispose(): void;
}

/**
 * Loads `spec` into a session that feeds `feeds` (placeholder names) and fetches `fetches`
 * (`node:k` names): written as a SavedModel to a temporary folder, loaded, the folder removed.
 */
export function loadNativeSession(
  be: NativeBackend,
  spec: GraphSpec,
  feeds: readonly string[],
  fetches: readonly string[],
): NativeSession {
  const dir = mkdtempSync(join(tmpdir(), 'kd-graph-'));
  let session: number;
  try {
    writeFileSync(join(dir, 'saved_model.pb'), savedModelBytes(spec));
    session = be.loadSavedModelMetaGraph(dir, 'serve');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const feedInfos = feeds.map((name) => ({ name: `${name}:0` }));
  const fetchNames = [...fetches];
  let open = true;
  return {
    run(inputs) {
      if (!open) throw new Error('this compiled graph was disposed');
      return be.runSavedModel(session, [...inputs], feedInfos, fetchNames);
    },
    dispose() {
      if (open) be.deleteSavedModel(session);
      open = false;
    },
  };
}
