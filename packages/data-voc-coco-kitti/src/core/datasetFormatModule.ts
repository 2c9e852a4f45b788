import type { ReadResult } from './dataset.js';
import type { DatasetDescriptor } from './datasetDescriptor.js';
import type { Detection } from './detection.js';
import type { ProblemPolicy } from './problem.js';

/** What a dataset config hands to a format's reader; each format reads the fields it knows. */
export interface DatasetReadOptions {
  /** The dataset root (absolute or relative to the working directory). */
  readonly root: string;
  /** The split to read (a split file stem, an annotation file stem…); the format's default when absent. */
  readonly split?: string;
  /** Class names in index order; the format's standard list when absent. */
  readonly classes?: readonly string[];
  readonly policy?: ProblemPolicy;
  /** VOC: the year folder when `root` holds several. */
  readonly year?: string;
  /** COCO: the instances file, overriding `root`/`split`. */
  readonly annotationFile?: string;
  /** COCO: the folder that `file_name`s are relative to. */
  readonly imageDir?: string;
}

/**
 * A dataset format: how kd reads a split of it and writes detections as its official evaluator
 * reads them. VOC, COCO and KITTI are three such modules; `registerDatasetFormat` adds another,
 * which configs then name like the built-ins (`{ "format": "<name>", "root": … }`).
 */
export interface DatasetFormatModule {
  /** The `format` name configs use. */
  readonly name: string;
  /** Reads one split; problems are collected, a fatal one makes the result a `Left`. */
  readonly read: (options: DatasetReadOptions) => Promise<ReadResult>;
  /**
   * Optional: reads one split with the class list taken from its annotations instead of
   * `options.classes` or the standard list (what `datasetStats` counts when no classes are given).
   * Formats whose reader always names classes from the files (COCO categories) leave it out.
   */
  readonly readDiscoveringClasses?: (options: DatasetReadOptions) => Promise<ReadResult>;
  /**
   * Writes the detections of the images `imageIds` (a split of the dataset `descriptor`
   * describes) into the folder `out` as the format's results files; returns the file or folder an
   * evaluator reads.
   */
  readonly writeResults: (
    out: string,
    imageIds: readonly string[],
    detections: readonly Detection[],
    descriptor: DatasetDescriptor,
  ) => Promise<string>;
}
