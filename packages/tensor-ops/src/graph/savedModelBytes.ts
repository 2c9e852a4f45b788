import { ProtoWriter } from './ProtoWriter.js';

/** TensorFlow `DataType` enum values (also the C API's `TF_DataType`) of the dtypes kd uses. */
export const TF_DTYPE = { float32: 1, int32: 3, bool: 10 } as const;
export type GraphDtype = keyof typeof TF_DTYPE;

/** An op attribute, as TensorFlow's `AttrValue` holds it. */
export type GraphAttr =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'int'; readonly value: number | readonly number[] }
  | { readonly kind: 'float'; readonly value: number | readonly number[] }
  | { readonly kind: 'bool'; readonly value: boolean }
  /** A `DataType` enum value, or a list of them. */
  | { readonly kind: 'type'; readonly value: number | readonly number[] }
  | { readonly kind: 'shape'; readonly value: readonly number[] };

export interface GraphPlaceholder {
  readonly name: string;
  readonly dtype: GraphDtype;
  readonly shape: readonly number[];
}

export interface GraphConstant {
  readonly name: string;
  readonly dtype: GraphDtype;
  readonly shape: readonly number[];
  readonly values: Float32Array | Int32Array | Uint8Array;
}

/** One op: its inputs are node names, `name:k` for output `k > 0`. */
export interface GraphOp {
  readonly name: string;
  readonly op: string;
  readonly inputs: readonly string[];
  readonly attrs: Readonly<Record<string, GraphAttr>>;
}

export interface GraphSpec {
  readonly placeholders: readonly GraphPlaceholder[];
  readonly constants: readonly GraphConstant[];
  readonly ops: readonly GraphOp[];
}

/**
 * A GraphDef producer version every op kd traces exists at (TensorFlow 2.x); the loader fills in
 * attributes left at their defaults.
 */
const GRAPH_DEF_PRODUCER = 1700;

function shapeProto(shape: readonly number[]): ProtoWriter {
  const w = new ProtoWriter();
  for (const d of shape) w.message(2, new ProtoWriter().int(1, d));
  return w;
}

function attrProto(a: GraphAttr): ProtoWriter {
  const w = new ProtoWriter();
  switch (a.kind) {
    case 'string':
      return w.string(2, a.value);
    case 'bool':
      return w.int(5, a.value);
    case 'shape':
      return w.message(7, shapeProto(a.value));
    case 'int':
      return typeof a.value === 'number'
        ? w.int(3, a.value)
        : w.message(1, new ProtoWriter().packedInts(3, a.value));
    case 'float':
      return typeof a.value === 'number'
        ? w.float(4, a.value)
        : w.message(1, new ProtoWriter().packedFloats(4, a.value));
    case 'type':
      return typeof a.value === 'number'
        ? w.int(6, a.value)
        : w.message(1, new ProtoWriter().packedInts(6, a.value));
  }
}

function nodeProto(
  name: string,
  op: string,
  inputs: readonly string[],
  attrs: Readonly<Record<string, ProtoWriter>>,
): ProtoWriter {
  const n = new ProtoWriter().string(1, name).string(2, op);
  for (const i of inputs) n.string(3, i);
  for (const [key, value] of Object.entries(attrs)) {
    n.message(5, new ProtoWriter().string(1, key).message(2, value));
  }
  return n;
}

/**
 * The bytes of a `saved_model.pb` holding one meta graph tagged `serve` whose GraphDef is `spec`:
 * placeholders, constants (values inline as `tensor_content`, little-endian) and ops. No variables
 * and no signatures: the graph is run by node name.
 */
export function savedModelBytes(spec: GraphSpec): Uint8Array {
  const graph = new ProtoWriter();
  for (const p of spec.placeholders) {
    graph.message(
      1,
      nodeProto(p.name, 'Placeholder', [], {
        dtype: new ProtoWriter().int(6, TF_DTYPE[p.dtype]),
        shape: new ProtoWriter().message(7, shapeProto(p.shape)),
      }),
    );
  }
  for (const c of spec.constants) {
    const tensor = new ProtoWriter()
      .int(1, TF_DTYPE[c.dtype])
      .message(2, shapeProto(c.shape))
      .bytes(4, new Uint8Array(c.values.buffer, c.values.byteOffset, c.values.byteLength));
    graph.message(
      1,
      nodeProto(c.name, 'Const', [], {
        dtype: new ProtoWriter().int(6, TF_DTYPE[c.dtype]),
        value: new ProtoWriter().message(8, tensor),
      }),
    );
  }
  for (const o of spec.ops) {
    const attrs: Record<string, ProtoWriter> = {};
    for (const [k, a] of Object.entries(o.attrs)) attrs[k] = attrProto(a);
    graph.message(1, nodeProto(o.name, o.op, o.inputs, attrs));
  }
  graph.message(4, new ProtoWriter().int(1, GRAPH_DEF_PRODUCER));
  const metaGraph = new ProtoWriter()
    .message(1, new ProtoWriter().string(4, 'serve'))
    .message(2, graph);
  return new ProtoWriter().int(1, 1).message(2, metaGraph).finish();
}
