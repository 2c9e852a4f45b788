import type { BoxXyxy } from './sample.js';

/** One detection of a model, in the sample shape's box convention. */
export interface Detection {
  /** The sample id it belongs to (`Sample.id`). */
  readonly imageId: string;
  readonly box: BoxXyxy;
  readonly classIndex: number;
  readonly score: number;
}
