import * as t from 'io-ts';

/** A finite float64 (rejects NaN and ±Infinity). */
export const FiniteNumber = t.refinement(t.number, Number.isFinite, 'finite number');
export type FiniteNumber = t.TypeOf<typeof FiniteNumber>;

/** `[a, b, c, d]` of finite numbers. */
export const Box4 = t.tuple([FiniteNumber, FiniteNumber, FiniteNumber, FiniteNumber], '[4 numbers]');
