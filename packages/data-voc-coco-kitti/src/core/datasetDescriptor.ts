/** Which on-disk layout a dataset was read from. */
/** A registered dataset format's name (`voc`, `coco`, `kitti`, or one added by `registerDatasetFormat`). */
export type DatasetFormat = string;
/** The formats kd reads and writes out of the box (the synthetic dataset is written in these). */
export type BuiltinDatasetFormat = 'voc' | 'coco' | 'kitti';

/**
 * What a dataset is: its classes and how they map to the format's own ids.
 * `categoryIds[i]` is the id written in results for class index `i` (COCO keeps its original,
 * non-contiguous category ids; VOC and KITTI use `i + 1`).
 */
export interface DatasetDescriptor {
  readonly format: DatasetFormat;
  /** Absolute dataset root. */
  readonly root: string;
  /** Split name (VOC/KITTI split file stem, COCO annotation file stem). */
  readonly split: string;
  readonly classNames: readonly string[];
  readonly categoryIds: readonly number[];
}

/** Builds a descriptor whose category ids are `index + 1`. */
export const contiguousDescriptor = (
  format: DatasetFormat,
  root: string,
  split: string,
  classNames: readonly string[],
): DatasetDescriptor => ({
  format,
  root,
  split,
  classNames,
  categoryIds: classNames.map((_, i) => i + 1),
});

/** Class index of a format category id, or `undefined`. */
export const classIndexOfCategory = (
  d: DatasetDescriptor,
  categoryId: number,
): number | undefined => {
  const i = d.categoryIds.indexOf(categoryId);
  return i < 0 ? undefined : i;
};

/** The format category id of a class index; throws on an index out of range (a caller bug). */
export const categoryIdOf = (d: DatasetDescriptor, classIndex: number): number => {
  const id = d.categoryIds[classIndex];
  if (id === undefined) {
    throw new RangeError(`class index ${classIndex} out of range [0, ${d.categoryIds.length})`);
  }
  return id;
};

// The class vocabularies of the formats are defined once, in @kd/codecs (shared with @kd/eval).
export { KITTI_CLASSES, VOC_CLASSES } from '@kd/codecs';
