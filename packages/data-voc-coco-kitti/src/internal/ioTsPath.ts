import * as t from 'io-ts';

/** How a path through decoded data is written in messages. */
export type PathStyle = 'json' | 'xml';

/**
 * The location of an io-ts error: `annotations[3].bbox[2]` (JSON, 0-based indices) or
 * `annotation/object[2]/bndbox/xmin` (XML, XPath-style 1-based indices), prefixed by `base`.
 * Keys that only select a member of an intersection or union are left out.
 */
/** Whether the keys below this type select a member type (intersection/union) rather than a property. */
const selectsMember = (type: t.Decoder<unknown, unknown>): boolean => {
  let inner: unknown = type;
  // exact/readonly wrappers validate their inner type in the same context entry
  while (inner instanceof t.ExactType || inner instanceof t.ReadonlyType) {
    inner = (inner as { type: unknown }).type;
  }
  return (
    inner instanceof t.IntersectionType ||
    inner instanceof t.UnionType ||
    inner instanceof t.RefinementType
  );
};

export const ioTsPath = (ctx: t.Context, style: PathStyle, base = ''): string => {
  let out = base;
  for (let i = 1; i < ctx.length; i++) {
    const parent = ctx[i - 1]!.type;
    if (selectsMember(parent)) continue;
    const key = ctx[i]!.key;
    const isIndex =
      /^\d+$/.test(key) && (parent instanceof t.ArrayType || parent instanceof t.ReadonlyArrayType);
    if (style === 'json') out += isIndex ? `[${key}]` : out === '' ? key : `.${key}`;
    else out += isIndex ? `[${Number(key) + 1}]` : out === '' ? key : `/${key}`;
  }
  return out;
};

const show = (v: unknown): string => {
  if (v === undefined) return 'nothing (missing)';
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
};

/** One io-ts error as `{where, message}`: the path and "expected X, got Y". */
export const describeIoTsError = (
  e: t.ValidationError,
  style: PathStyle,
  base = '',
): { where: string; message: string } => {
  const last = e.context[e.context.length - 1];
  const expected = e.message ?? `expected ${last?.type.name ?? 'a valid value'}`;
  return {
    where: ioTsPath(e.context, style, base),
    message: e.message ? `${e.message}, got ${show(e.value)}` : `${expected}, got ${show(e.value)}`,
  };
};
