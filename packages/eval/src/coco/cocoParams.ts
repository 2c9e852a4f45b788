import { linspace, roundHalfEven } from '../internal/numpyMath.js';
import type { CocoParams } from './cocoTypes.js';

/**
 * The default COCOeval bbox parameters for the given categories, with thresholds computed as
 * numpy's `linspace` computes them (`0.5 + i·0.05` done naively gives different last digits).
 * @param catIds category ids (deduplicated and sorted, as `np.unique` would)
 */
export const cocoParams = (
  catIds: readonly number[],
  options: { readonly useCats?: boolean; readonly maxDets?: readonly number[] } = {},
): CocoParams => ({
  catIds: [...new Set(catIds)].sort((a, b) => a - b),
  useCats: options.useCats ?? true,
  iouThrs: linspace(0.5, 0.95, roundHalfEven((0.95 - 0.5) / 0.05) + 1),
  recThrs: linspace(0.0, 1.0, roundHalfEven((1.0 - 0.0) / 0.01) + 1),
  areaRng: [
    [0, 1e5 ** 2],
    [0, 32 ** 2],
    [32 ** 2, 96 ** 2],
    [96 ** 2, 1e5 ** 2],
  ],
  areaRngLbl: ['all', 'small', 'medium', 'large'],
  maxDets: [...(options.maxDets ?? [1, 10, 100])].sort((a, b) => a - b),
});
