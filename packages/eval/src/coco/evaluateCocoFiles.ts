import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { decodeWith, parseJson } from '../internal/decodeJson.js';
import type { KdEvalError } from '../internal/EvalError.js';
import { readText } from '../internal/readText.js';
import { COCO_STAT_KEYS, type CocoEvalResult, type CocoStats } from './cocoAccumulate.js';
import { CocoGtFileC, CocoResultsFileC } from './cocoCodecs.js';
import { type CocoGtDataset, cocoDetections, cocoGtDataset } from './cocoDataset.js';
import { type CocoEvalOptions, evaluateCoco } from './evaluateCoco.js';

/** The `--json` shape: the 12 statistics and AP per category name (fractions; -1 = nothing to average). */
export interface CocoSummary extends CocoStats {
  readonly perCategory: Readonly<Record<string, number>>;
}

export interface CocoFilesOutput {
  readonly summary: CocoSummary;
  readonly result: CocoEvalResult;
  readonly warnings: readonly string[];
}

export const cocoSummary = (gt: CocoGtDataset, r: CocoEvalResult): CocoSummary => {
  const names = new Map(gt.categories.map((c) => [c.id, c.name]));
  return {
    ...(Object.fromEntries(COCO_STAT_KEYS.map((k) => [k, r.summary[k]])) as unknown as CocoStats),
    perCategory: Object.fromEntries(
      r.perCategory.map((p) => [names.get(p.categoryId) ?? String(p.categoryId), p.AP]),
    ),
  };
};

/** Reads and validates an instances GT file. */
export const readCocoGtFile = (file: string): TE.TaskEither<KdEvalError, CocoGtDataset> =>
  pipe(
    readText(file),
    TE.chainEitherK((text) => parseJson(file, text)),
    TE.chainEitherK((v) => decodeWith(CocoGtFileC, file, v)),
    TE.map(cocoGtDataset),
  );

/**
 * COCOeval (bbox) from an instances file and a results file, in one call.
 * Errors name the file and the JSON path (or line/column of a syntax error).
 */
export const evaluateCocoFiles = (
  opts: { readonly gt: string; readonly dets: string } & CocoEvalOptions,
): TE.TaskEither<KdEvalError, CocoFilesOutput> =>
  pipe(
    readCocoGtFile(opts.gt),
    TE.chain((gt) =>
      pipe(
        readText(opts.dets),
        TE.chainEitherK((text) => parseJson(opts.dets, text)),
        TE.chainEitherK((v) => decodeWith(CocoResultsFileC, opts.dets, v)),
        TE.chainEitherK((res) => cocoDetections(gt, res, opts.dets)),
        TE.map((dets) => {
          const result = evaluateCoco(gt, dets, opts);
          return { summary: cocoSummary(gt, result), result, warnings: gt.warnings };
        }),
      ),
    ),
  );
