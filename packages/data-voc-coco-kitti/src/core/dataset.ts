import * as E from 'fp-ts/lib/Either.js';
import type { DatasetDescriptor } from './datasetDescriptor.js';
import type { Problem, ProblemLog } from './problem.js';
import type { Sample } from './sample.js';

/** A dataset read from disk: what it is, its samples, and everything validation found. */
export interface Dataset {
  readonly descriptor: DatasetDescriptor;
  readonly samples: readonly Sample[];
  /** Non-fatal problems (warnings, fixes, skips), in the order found. */
  readonly problems: readonly Problem[];
  readonly skippedImages: number;
  readonly skippedObjects: number;
  readonly fixedObjects: number;
}

/** A failed read: every problem found, at least one of them fatal. */
export interface ReadFailure {
  readonly problems: readonly Problem[];
}

/** The outcome of a reader. */
export type ReadResult = E.Either<ReadFailure, Dataset>;

/** Ends a read: a failure when any problem is fatal, else the dataset. */
export const finishRead = (
  descriptor: DatasetDescriptor,
  samples: readonly Sample[],
  log: ProblemLog,
): ReadResult =>
  log.hasFatal
    ? E.left({ problems: log.problems })
    : E.right({
        descriptor,
        samples,
        problems: log.problems,
        skippedImages: log.skippedImages,
        skippedObjects: log.skippedObjects,
        fixedObjects: log.fixedObjects,
      });

/** Formats a read failure's problems, one per line, for an error message. */
export const formatProblems = (problems: readonly Problem[]): string =>
  problems
    .map((p) => `${p.fatal ? 'error' : 'warning'}: ${p.file}: ${p.where}: ${p.message}`)
    .join('\n');

/** The dataset of a successful read; throws with every problem listed otherwise (for scripts). */
export const getOrThrow = (r: ReadResult): Dataset => {
  if (E.isRight(r)) return r.right;
  throw new Error(`dataset read failed:\n${formatProblems(r.left.problems)}`);
};
