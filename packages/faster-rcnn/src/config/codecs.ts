import * as t from 'io-ts';

export interface PositiveBrand {
  readonly Positive: unique symbol;
}
export const Positive = t.brand(
  t.number,
  (n): n is t.Branded<number, PositiveBrand> => n > 0 && Number.isFinite(n),
  'Positive',
);

export interface PositiveIntBrand {
  readonly PositiveInt: unique symbol;
}
export const PositiveInt = t.brand(
  t.number,
  (n): n is t.Branded<number, PositiveIntBrand> => Number.isInteger(n) && n > 0,
  'PositiveInt',
);

export interface NonNegativeIntBrand {
  readonly NonNegativeInt: unique symbol;
}
export const NonNegativeInt = t.brand(
  t.number,
  (n): n is t.Branded<number, NonNegativeIntBrand> => Number.isInteger(n) && n >= 0,
  'NonNegativeInt',
);

export interface UnitIntervalBrand {
  readonly UnitInterval: unique symbol;
}
/** A fraction or IoU threshold in [0, 1]. */
export const UnitInterval = t.brand(
  t.number,
  (n): n is t.Branded<number, UnitIntervalBrand> => n >= 0 && n <= 1,
  'UnitInterval',
);

export interface NonNegativeBrand {
  readonly NonNegative: unique symbol;
}
export const NonNegative = t.brand(
  t.number,
  (n): n is t.Branded<number, NonNegativeBrand> => n >= 0 && Number.isFinite(n),
  'NonNegative',
);

/** Lists keys of `value` that `template` does not have (recursively for plain objects). */
export function unknownKeys(value: unknown, template: unknown, path = ''): string[] {
  if (!isPlainObject(value) || !isPlainObject(template)) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    const p = path ? `${path}.${k}` : k;
    if (!(k in template)) out.push(p);
    else out.push(...unknownKeys(v, (template as Record<string, unknown>)[k], p));
  }
  return out;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge of plain objects; arrays and scalars in `override` replace. */
export function deepMerge<T>(base: T, override: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(override))
    return (override === undefined ? base : override) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override))
    out[k] = deepMerge((base as Record<string, unknown>)[k], v);
  return out as T;
}
