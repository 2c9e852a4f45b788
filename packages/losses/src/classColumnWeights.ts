/** The paper's weight of the background column (w_0 = 1.5, objects 1): the one place it is written. */
export const PAPER_BACKGROUND_WEIGHT = 1.5;

/**
 * Per-class-column weights `w_c` of the class-weighted soft cross-entropy: `background` for
 * column 0, `object` for columns 1 … numColumns−1. Paper defaults: 1.5 and 1.0.
 *
 * The weight belongs to the class **column** inside `Σ_c`, not to the sample's ground-truth label
 * (weighting samples by label is a different loss).
 * @example classColumnWeights(21) // [1.5, 1, 1, …, 1] for VOC's 20 classes + background
 */
export function classColumnWeights(
  numColumns: number,
  weights: { readonly background?: number; readonly object?: number } = {},
): readonly number[] {
  if (!Number.isInteger(numColumns) || numColumns < 2) {
    throw new Error(`classColumnWeights: need at least 2 columns, got ${numColumns}`);
  }
  const bg = weights.background ?? PAPER_BACKGROUND_WEIGHT;
  const obj = weights.object ?? 1;
  return Array.from({ length: numColumns }, (_, c) => (c === 0 ? bg : obj));
}
