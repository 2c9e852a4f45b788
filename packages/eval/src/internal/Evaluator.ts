/**
 * Evaluation as a reducer (style item 13): per-image matching happens in `update`, curves and
 * summaries in `compute`, and states of disjoint image sets `merge`.
 *
 * `update` and `merge` take ownership of the state passed in and return it (mutated in place
 * for speed: evaluation runs alongside inference on hundreds of thousands of detections).
 */
export interface Evaluator<P, S, G, D, R> {
  readonly empty: (params: P) => S;
  readonly update: (state: S, imageGt: G, imageDets: D) => S;
  readonly merge: (a: S, b: S) => S;
  readonly compute: (state: S) => R;
}
