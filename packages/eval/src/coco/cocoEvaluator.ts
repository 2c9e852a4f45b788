import { ByteBuffer } from '../internal/ByteBuffer.js';
import { checkInput } from '../internal/checkInput.js';
import type { Evaluator } from '../internal/Evaluator.js';
import { type CocoEvalResult, cocoAccumulate } from './cocoAccumulate.js';
import { cocoEvaluateImage } from './cocoEvaluateImage.js';
import { CocoDetectionsC, CocoImageGtC } from './cocoInputCodecs.js';
import type { CocoDetection, CocoGtAnnotation, CocoImageGt, CocoParams } from './cocoTypes.js';

/** Per-category columnar store of evaluated images (one chunk per image). */
export interface CocoCategoryStore {
  readonly imageIds: number[];
  readonly starts: number[];
  readonly counts: number[];
  /** [chunks * A] */
  readonly nPos: number[];
  readonly scores: number[];
  /** [detections * A * T] */
  readonly codes: ByteBuffer;
}

/** Accumulated COCO evaluation state. */
export interface CocoEvalState {
  readonly params: CocoParams;
  /** one store per category index (K), or a single pooled store when useCats is false */
  readonly stores: CocoCategoryStore[];
  readonly imageIds: Set<number>;
  /** category id → index k */
  readonly catIndex: ReadonlyMap<number, number>;
}

const emptyStore = (): CocoCategoryStore => ({
  imageIds: [],
  starts: [],
  counts: [],
  nPos: [],
  scores: [],
  codes: new ByteBuffer(),
});

/** A state with no image yet. */
export const cocoEmpty = (params: CocoParams): CocoEvalState => ({
  params,
  stores: Array.from({ length: params.useCats ? params.catIds.length : 1 }, emptyStore),
  imageIds: new Set(),
  catIndex: new Map(params.catIds.map((c, k) => [c, k])),
});

const pushChunk = (
  store: CocoCategoryStore,
  imageId: number,
  r: NonNullable<ReturnType<typeof cocoEvaluateImage>>,
): void => {
  store.imageIds.push(imageId);
  store.starts.push(store.scores.length);
  store.counts.push(r.scores.length);
  for (const n of r.nPos) store.nPos.push(n);
  for (const s of r.scores) store.scores.push(s);
  store.codes.append(r.codes);
};

/**
 * Adds one image: its GT (file order) and its detections (results-file order; only those with
 * `imageId === imageGt.imageId` are allowed). Every image of the dataset must be added once,
 * including images without GT or detections.
 * Plain-JS input is checked first (camelCase keys, finite numbers, `area` present).
 * @throws KdEvalFailure naming the argument and the path when the input does not match its type
 * @throws Error when the image was already added or a detection names another image
 */
export const cocoUpdate = (
  state: CocoEvalState,
  imageGtInput: CocoImageGt,
  imageDetsInput: readonly CocoDetection[],
): CocoEvalState => {
  const imageGt = checkInput(CocoImageGtC, 'cocoEvaluator.update imageGt', imageGtInput);
  const imageDets = checkInput(CocoDetectionsC, 'cocoEvaluator.update imageDets', imageDetsInput);
  const { params } = state;
  const imageId = imageGt.imageId;
  if (state.imageIds.has(imageId)) throw new Error(`image ${imageId} was already added`);
  state.imageIds.add(imageId);
  const kOf = state.catIndex;
  // only the categories present in this image: [gt, dets] per category index
  const by = new Map<number, [CocoGtAnnotation[], CocoDetection[]]>();
  const slot = (k: number) => {
    let e = by.get(k);
    if (e === undefined) {
      e = [[], []];
      by.set(k, e);
    }
    return e;
  };
  for (const g of imageGt.annotations) {
    const k = kOf.get(g.categoryId);
    if (k !== undefined) slot(k)[0].push(g);
  }
  for (const d of imageDets) {
    if (d.imageId !== imageId) {
      throw new Error(`detection for image ${d.imageId} passed with image ${imageId}`);
    }
    const k = kOf.get(d.categoryId);
    if (k !== undefined) slot(k)[1].push(d);
  }
  const ks = [...by.keys()].sort((a, b) => a - b);
  if (params.useCats) {
    for (const k of ks) {
      const [g, d] = by.get(k)!;
      const r = cocoEvaluateImage(params, g, d);
      if (r !== undefined) pushChunk(state.stores[k] as CocoCategoryStore, imageId, r);
    }
  } else {
    // pycocotools pools categories in catIds order when useCats is 0
    const r = cocoEvaluateImage(
      params,
      ks.flatMap((k) => by.get(k)![0]),
      ks.flatMap((k) => by.get(k)![1]),
    );
    if (r !== undefined) pushChunk(state.stores[0] as CocoCategoryStore, imageId, r);
  }
  return state;
};

/** Merges two states over disjoint image sets (e.g. from parallel workers). */
export const cocoMerge = (a: CocoEvalState, b: CocoEvalState): CocoEvalState => {
  for (const id of b.imageIds) {
    if (a.imageIds.has(id)) throw new Error(`image ${id} is in both states`);
    a.imageIds.add(id);
  }
  b.stores.forEach((sb, k) => {
    const sa = a.stores[k] as CocoCategoryStore;
    const offset = sa.scores.length;
    for (let c = 0; c < sb.imageIds.length; c++) {
      sa.imageIds.push(sb.imageIds[c] as number);
      sa.starts.push((sb.starts[c] as number) + offset);
      sa.counts.push(sb.counts[c] as number);
    }
    for (const n of sb.nPos) sa.nPos.push(n);
    for (const s of sb.scores) sa.scores.push(s);
    sa.codes.append(sb.codes.view());
  });
  return a;
};

/** The COCO bbox evaluator as a reducer: `empty`, `update`, `merge`, `compute`. */
export const cocoEvaluator: Evaluator<
  CocoParams,
  CocoEvalState,
  CocoImageGt,
  readonly CocoDetection[],
  CocoEvalResult
> = {
  empty: cocoEmpty,
  update: cocoUpdate,
  merge: cocoMerge,
  compute: (s) => cocoAccumulate(s),
};
