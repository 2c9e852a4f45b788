import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { evaluateCocoFiles } from './coco/evaluateCocoFiles.js';
import { formatCocoTable } from './coco/formatCocoTable.js';
import type { KdEvalError } from './internal/EvalError.js';
import {
  evaluateKittiFiles,
  type KittiFilesOptions,
  kittiPascalMap,
  readKittiFrames,
} from './kitti/evaluateKittiFiles.js';
import { formatKittiTable } from './kitti/formatKittiTable.js';
import { evaluateVocFiles, type VocFilesOptions, vocSummary } from './voc/evaluateVocFiles.js';
import { formatVocTable } from './voc/formatVocTable.js';

/**
 * What `kd eval …` prints: the table or, with `json`, the summary as JSON (NaN becomes null),
 * on stdout; the warnings (a missing results file…) apart, for stderr, in both modes so that
 * `--json` output stays parseable without hiding them. Failures are KdEvalErrors for
 * `formatEvalError`.
 */
export interface CliText {
  readonly text: string;
  readonly warnings: readonly string[];
}

/** `kd eval coco --gt instances.json --dets results.json [--json]` */
export const runCocoEvalCli = (opts: {
  readonly gt: string;
  readonly dets: string;
  readonly json?: boolean;
  readonly useCats?: boolean;
}): TE.TaskEither<KdEvalError, CliText> =>
  pipe(
    evaluateCocoFiles({ gt: opts.gt, dets: opts.dets, useCats: opts.useCats ?? true }),
    TE.map((o) => ({
      text: opts.json ? JSON.stringify(o.summary, null, 2) : formatCocoTable(o.summary),
      warnings: o.warnings,
    })),
  );

/** `kd eval voc --gt VOCdevkit/VOC2007 --split test --dets DIR [--metric 07|2010] [--json]` */
export const runVocEvalCli = (
  opts: VocFilesOptions & { readonly json?: boolean },
): TE.TaskEither<KdEvalError, CliText> =>
  pipe(
    evaluateVocFiles(opts),
    TE.map((o) => ({
      text: opts.json
        ? JSON.stringify(o.summary, null, 2)
        : formatVocTable(o.summary, opts.metric ?? '2010'),
      warnings: o.warnings,
    })),
  );

/**
 * `kd eval kitti --gt training/label_2 --dets DIR [--split ids.txt] [--json]`; with
 * `pascal: true`, the paper's convention (VOC AP@0.5 per class) instead of the devkit's.
 */
export const runKittiEvalCli = (
  opts: KittiFilesOptions & {
    readonly json?: boolean;
    readonly pascal?: boolean;
    readonly metric?: '07' | '2010';
  },
): TE.TaskEither<KdEvalError, CliText> =>
  opts.pascal
    ? pipe(
        readKittiFrames(opts),
        TE.map((frames) => {
          const s = vocSummary(
            kittiPascalMap(frames, {
              metric: opts.metric ?? '2010',
              ...(opts.params ? { classes: opts.params.classes.map((c) => c.name) } : {}),
            }),
          );
          return {
            text: opts.json ? JSON.stringify(s, null, 2) : formatVocTable(s, opts.metric ?? '2010'),
            warnings: [],
          };
        }),
      )
    : pipe(
        evaluateKittiFiles(opts),
        TE.map((o) => ({
          text: opts.json ? JSON.stringify(o.summary, null, 2) : formatKittiTable(o.summary),
          warnings: [],
        })),
      );
