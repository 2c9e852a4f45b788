import type * as t from 'io-ts';

/** How a path through decoded data is written: JSON (`a.b[2].c`) or XML (`a/b[3]/c`). */
export type PathStyle = 'json' | 'xml';

// Read by tag, not `instanceof`: a codec built with another copy of io-ts must be located alike.
const tagOf = (type: t.Decoder<unknown, unknown>): string | undefined =>
  (type as { _tag?: string })._tag;

// Exact, readonly and refinement (brand) wrappers validate their inner type in the same context
// entry, so the keys below them belong to the inner type.
const unwrap = (type: t.Decoder<unknown, unknown>): t.Decoder<unknown, unknown> => {
  let inner = type;
  for (
    let tag = tagOf(inner);
    tag === 'ExactType' || tag === 'ReadonlyType' || tag === 'RefinementType';
    tag = tagOf(inner)
  )
    inner = (inner as unknown as { type: t.Decoder<unknown, unknown> }).type;
  return inner;
};

/** Whether the keys below `type` select a member type (intersection/union) rather than a property. */
const selectsMember = (type: t.Decoder<unknown, unknown>): boolean => {
  const tag = tagOf(unwrap(type));
  return tag === 'IntersectionType' || tag === 'UnionType';
};

const indexesArray = (type: t.Decoder<unknown, unknown>): boolean => {
  const tag = tagOf(unwrap(type));
  return tag === 'ArrayType' || tag === 'ReadonlyArrayType' || tag === 'TupleType';
};

/**
 * Where in the input an io-ts error is: `annotations[3].bbox[2]` (JSON, 0-based indices) or
 * `annotation/object[2]/bndbox/xmin` (XML, XPath-style 1-based indices), after `root`. Keys that
 * only select a member of an intersection, union or refinement are left out: they are not in the
 * input.
 * @param context an io-ts validation context (root first)
 */
export const decodeErrorPath = (
  context: t.Context,
  style: PathStyle = 'json',
  root = '',
): string => {
  let out = root;
  for (let i = 1; i < context.length; i++) {
    const parent = context[i - 1]!.type;
    if (selectsMember(parent)) continue;
    const key = context[i]!.key;
    if (key === '') continue;
    const isIndex = /^\d+$/.test(key) && indexesArray(parent);
    if (style === 'json') out += isIndex ? `[${key}]` : out === '' ? key : `.${key}`;
    else out += isIndex ? `[${Number(key) + 1}]` : out === '' ? key : `/${key}`;
  }
  return out;
};
