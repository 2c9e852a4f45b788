import * as t from 'io-ts';

// YAML spells NaN and Infinity (`.nan`, `.inf`) and JSON readers may hand them over: refused here.
/** A finite number; otherwise `expected a finite number`. */
export const FiniteNumber = new t.Type<number, number, unknown>(
  'finite number',
  (u): u is number => typeof u === 'number' && Number.isFinite(u),
  (u, c) =>
    typeof u === 'number' && Number.isFinite(u)
      ? t.success(u)
      : t.failure(u, c, 'expected a finite number'),
  (n) => n,
);

/** An integer above 0; otherwise `expected a positive integer`. */
export const PositiveInt = new t.Type<number, number, unknown>(
  'positive integer',
  (u): u is number => typeof u === 'number' && Number.isInteger(u) && u > 0,
  (u, c) =>
    typeof u === 'number' && Number.isInteger(u) && u > 0
      ? t.success(u)
      : t.failure(u, c, 'expected a positive integer'),
  (n) => n,
);
