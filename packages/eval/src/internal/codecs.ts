import * as t from 'io-ts';

/** A finite float64 (rejects NaN and ±Infinity). */
export const FiniteNumber = t.refinement(t.number, Number.isFinite, 'finite number');
export type FiniteNumber = t.TypeOf<typeof FiniteNumber>;

/** `[a, b, c, d]` of finite numbers. */
export const Box4 = t.tuple(
  [FiniteNumber, FiniteNumber, FiniteNumber, FiniteNumber],
  '[4 numbers]',
);

/** A string holding a finite number (XML text, e.g. `" 48 "` or `"273.5"`), decoded to the number. */
export const NumberFromString = new t.Type<number, string, unknown>(
  'number as text',
  (u): u is number => typeof u === 'number',
  (u, c) => {
    if (typeof u === 'string' && u.trim() !== '') {
      const v = Number(u.trim());
      if (Number.isFinite(v)) return t.success(v);
    }
    return t.failure(u, c);
  },
  String,
);
