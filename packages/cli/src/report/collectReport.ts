import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { decodeImageFile } from '@kd/data-voc-coco-kitti';
import type { RunConfig } from '@kd/distill';
import {
  evaluateDetector,
  type LoadedDataset,
  loadDataset,
  type PreparedSplit,
  prepareSplit,
} from '@kd/distill';
import { type Detections, latestCheckpoint, loadFasterRcnn } from '@kd/faster-rcnn';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { classColour, drawDetections } from '../pipeline/drawDetections.js';
import { pngDataUri } from './pngDataUri.js';
import { type RunFolder, readRunFolder } from './readRunFolder.js';
import type { ModelReport, ReportData, RunReport, SampleReport } from './reportData.js';

export interface CollectReportOptions {
  /** Test images shown with each model's detections (default 4). */
  readonly samples?: number;
  /** Draw detections scoring at least this (default 0.5). */
  readonly scoreThreshold?: number;
  /** Header timestamp (default: now). */
  readonly generatedAt?: string;
  /** Progress lines (one per model evaluated). */
  readonly log?: (line: string) => void;
}

/** Demo sub-folders, in table order, and their display names. */
const DEMO_LABELS: Readonly<Record<string, string>> = {
  teacher: 'teacher',
  baseline: 'student baseline',
  distilled: 'distilled student',
};

/** What `kd train` stores in a checkpoint's `extra` that the report uses (all optional). */
const CheckpointExtraCodec = t.partial({ minSize: t.number, maxSize: t.number });

interface RunEntry {
  readonly folder: RunFolder;
  readonly label: string;
}

interface ModelEntry {
  readonly label: string;
  readonly checkpoint: string;
  readonly dataset: RunConfig['dataset'];
  readonly minSize: number | undefined;
}

/** A path as the user would type it: relative to the working directory when inside it. */
function displayPath(path: string): string {
  const r = relative(process.cwd(), path);
  return r === '' || r.startsWith('..') || isAbsolute(r) ? path : r;
}

/** The run folders under `runDir`: itself when it is one, else its sub-folders that are runs. */
function findRuns(runDir: string): E.Either<string, { dir: string; folder: string }[]> {
  if (!existsSync(runDir)) return E.left(`${runDir}: no such folder`);
  if (existsSync(join(runDir, 'config.json'))) return E.right([{ dir: runDir, folder: '.' }]);
  const order = Object.keys(DEMO_LABELS);
  const rank = (n: string) => (order.includes(n) ? order.indexOf(n) : order.length);
  const subs = readdirSync(runDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(runDir, d.name, 'config.json')))
    .map((d) => d.name)
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  if (subs.length === 0) {
    return E.left(
      `${runDir}: not a run folder (no config.json) and no sub-folder holds a run (a config.json): give a kd train/distill run folder or a kd demo/experiment folder`,
    );
  }
  return E.right(subs.map((s) => ({ dir: join(runDir, s), folder: s })));
}

/** A teacher path from a distill config: as given (absolute or from the working directory), else from a folder above the runs. */
function locateCheckpoint(path: string, runDir: string): string | undefined {
  if (isAbsolute(path)) return existsSync(join(path, 'model.json')) ? path : undefined;
  let dir = resolve(runDir);
  const candidates = [resolve(path)];
  while (dirname(dir) !== dir) {
    candidates.push(join(dir, path));
    dir = dirname(dir);
  }
  return candidates.find((c) => existsSync(join(c, 'model.json')));
}

/**
 * Reads a run folder (`kd train` / `kd distill`) or a folder of runs (`kd demo`: `teacher/`?,
 * `baseline/`, `distilled/`; `kd experiment`: one folder per run), validates every file, loads each
 * final checkpoint (and the distillation teacher) and evaluates it on the test split, drawing the
 * first test images' detections. The edge of `kd report`: `renderReport` lays the result out.
 */
export async function collectReport(
  runDir: string,
  options: CollectReportOptions = {},
): Promise<E.Either<string, ReportData>> {
  const log = options.log ?? (() => {});
  const found = findRuns(runDir);
  if (E.isLeft(found)) return found;
  const single = found.right.length === 1 && found.right[0]!.folder === '.';
  const runs: RunEntry[] = [];
  for (const { dir, folder } of found.right) {
    const r = readRunFolder(dir);
    if (E.isLeft(r)) return r;
    const label = single
      ? (r.right.config.name ?? basename(resolve(dir)))
      : (DEMO_LABELS[folder] ?? folder);
    runs.push({ folder: r.right, label });
  }
  const notes: string[] = [];

  // The models to evaluate: a distillation teacher that is no run here first, then each run.
  const models: ModelEntry[] = [];
  if (!single && !runs.some((r) => r.label === 'teacher')) {
    const teachers = new Map<string, RunConfig['dataset']>();
    for (const r of runs) {
      const path = r.folder.config.distill?.teacher;
      if (path !== undefined && !teachers.has(path)) teachers.set(path, r.folder.config.dataset);
    }
    for (const [path, dataset] of teachers) {
      const at = locateCheckpoint(path, runDir);
      if (at === undefined) {
        notes.push(
          `teacher checkpoint ${path} (distill.teacher) not found from the working directory nor above ${runDir}: not evaluated`,
        );
        continue;
      }
      const label = teachers.size > 1 ? `teacher ${path}` : 'teacher';
      models.push({ label, checkpoint: displayPath(at), dataset, minSize: undefined });
    }
  }
  for (const r of runs) {
    const ckpt = latestCheckpoint(join(r.folder.dir, 'checkpoints'));
    if (ckpt === undefined) {
      notes.push(`${r.folder.dir} has no checkpoint (checkpoints/LATEST): not evaluated`);
      continue;
    }
    const c = r.folder.config;
    models.push({
      label: r.label,
      checkpoint: ckpt,
      dataset: c.dataset,
      minSize: c.model.minSize ?? c.dataset.imageSize,
    });
  }

  const datasets = new Map<string, LoadedDataset>();
  const splits = new Map<string, PreparedSplit>();
  const evaluated: {
    entry: ModelEntry;
    report: ModelReport;
    detections: Detections[];
    key: string;
  }[] = [];
  for (const entry of models) {
    const key = JSON.stringify(entry.dataset);
    let dataset = datasets.get(key);
    if (!dataset) {
      dataset = await loadDataset(entry.dataset);
      datasets.set(key, dataset);
    }
    const { model, checkpoint } = await loadFasterRcnn(entry.checkpoint);
    tf.dispose(Object.values(checkpoint.extraWeights));
    tf.dispose(checkpoint.optimizerWeights.map((w) => w.tensor));
    const extra = CheckpointExtraCodec.decode(checkpoint.metadata.extra ?? {});
    const stored = E.isRight(extra) ? extra.right : {};
    // The resolution the model was trained at, as `kd train` evaluates it.
    const minSize = stored.minSize ?? entry.minSize ?? 128;
    const maxSize = stored.maxSize ?? Math.round(minSize * (1333 / 800));
    const splitKey = `${key} ${minSize} ${maxSize}`;
    let split = splits.get(splitKey);
    if (!split) {
      split = await prepareSplit(dataset.test, { minSize, maxSize });
      splits.set(splitKey, split);
    }
    try {
      const r = await evaluateDetector(model, split.samples, split.images, dataset.classNames);
      log(
        `${entry.label}: mAP@0.5 ${(100 * r.scores.mAP50).toFixed(1)} on ${split.images.length} test images`,
      );
      evaluated.push({
        entry,
        key,
        detections: r.detections,
        report: {
          label: entry.label,
          checkpoint: entry.checkpoint,
          mAP50: r.scores.mAP50,
          mAP: r.scores.mAP,
          testImages: split.images.length,
          recall: r.prCurves.recall,
          precision: r.prCurves.precision,
        },
      });
    } finally {
      model.dispose();
    }
  }

  // Samples: the first test images of the first model's dataset, every model on the same data.
  const samples: SampleReport[] = [];
  const first = evaluated[0];
  const classNames = first
    ? datasets.get(first.key)!.classNames
    : datasets.size
      ? [...datasets.values()][0]!.classNames
      : [];
  if (first) {
    const test = datasets.get(first.key)!.test;
    const shown = evaluated.filter((m) => m.key === first.key);
    const threshold = options.scoreThreshold ?? 0.5;
    for (let i = 0; i < Math.min(options.samples ?? 4, test.length); i++) {
      const sample = test[i]!;
      const decoded = await decodeImageFile(sample.path);
      if (E.isLeft(decoded)) return decoded;
      samples.push({
        id: sample.id,
        panels: shown.map((m) => {
          const d = m.detections[i]!;
          const keep = Array.from(d.scores.keys()).filter((j) => d.scores[j]! >= threshold);
          const boxes = Float32Array.from(
            keep.flatMap((j) => Array.from(d.boxes.subarray(4 * j, 4 * j + 4))),
          );
          const labels = Int32Array.from(keep, (j) => d.labels[j]!);
          return {
            label: m.entry.label,
            png: pngDataUri(drawDetections(decoded.right, boxes, labels)),
            detections: keep.length,
          };
        }),
      });
    }
  }

  const runReports: RunReport[] = runs.map((r) => ({
    label: r.label,
    folder: r.folder.dir,
    config: r.folder.config,
    losses: r.folder.losses,
    evals: r.folder.evals,
  }));
  return E.right({
    title: `kd report: ${single ? runs[0]!.label : basename(resolve(runDir))}`,
    runDir,
    generatedAt: options.generatedAt ?? new Date().toISOString(),
    classes: classNames.map((name, k) => {
      const [r, g, b] = classColour(k + 1);
      return { name, colour: `rgb(${r},${g},${b})` };
    }),
    runs: runReports,
    models: evaluated.map((m) => m.report),
    samples,
    scoreThreshold: options.scoreThreshold ?? 0.5,
    notes,
  });
}
