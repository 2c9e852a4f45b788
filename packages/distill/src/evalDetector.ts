import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  type Detection,
  datasetFormat,
  prepareSample,
  resolveVocYearDir,
  type Sample,
} from '@kd/data-voc-coco-kitti';
import type { CliText, KdEvalError } from '@kd/eval';
import {
  type CompiledFasterRcnn,
  compileFasterRcnn,
  loadFasterRcnn,
  toDatasetDetections,
} from '@kd/faster-rcnn';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import { loadSplit } from './loadDataset.js';
import { resolveCheckpoint } from './resolveCheckpoint.js';
import { decodeRunConfig, type RunConfig } from './runConfig.js';
import type { ProgressEvent } from './runTraining.js';
import { makeBatch } from './toDetectionBatch.js';

export interface EvalDetectorOptions {
  /** A checkpoint folder, a run's `checkpoints/` folder or a run folder (newest checkpoint). */
  readonly checkpoint: string;
  /** The run config naming the dataset; default the one saved in the checkpoint. */
  readonly config?: RunConfig;
  /** Which of the config's splits. Default `test`. */
  readonly split?: 'train' | 'test';
  /** Overrides `dataset.root`. */
  readonly dataRoot?: string;
  /** Only the first N images of the split (the metrics then cover those images only). */
  readonly limit?: number;
  /** Input shorter side; default the checkpoint's training resolution. */
  readonly minSize?: number;
  readonly out: string;
  readonly batchSize?: number;
  /** VOC (and the shapes dataset, stored as VOC): 11-point VOC07 AP (default) or VOC2010+ area. */
  readonly vocMetric?: '07' | '2010';
  /**
   * Run the detector compiled into native TensorFlow graphs (`compileFasterRcnn`; the
   * `tensorflow` backend only): the same detections up to float32 rounding, faster.
   */
  readonly compile?: boolean;
  /** Images scored so far (stage `evaluate`), after each batch. */
  readonly onProgress?: (event: ProgressEvent) => void;
}

export interface EvalDetectorResult {
  /** The metrics tables, as `kd eval voc|coco|kitti` prints them for the files written. */
  readonly text: string;
  readonly summary: {
    readonly checkpoint: string;
    readonly format: string;
    readonly split: string;
    readonly images: number;
    readonly detections: number;
    readonly seconds: number;
    /** Whether the detector ran compiled into TensorFlow graphs. */
    readonly compiled: boolean;
    /** Where the results files are. */
    readonly results: string;
    /** The evaluators' JSON summaries, by table (`voc`, `coco`, `kitti`, `kittiPascal`). */
    readonly metrics: Readonly<Record<string, unknown>>;
  };
}

interface TrainedExtra {
  readonly config?: unknown;
  readonly minSize?: number;
  readonly maxSize?: number;
}

const KITTI_DEVKIT_CLASSES = ['Car', 'Pedestrian', 'Cyclist'];

async function textOf(
  command: string,
  run: TaskEither<KdEvalError, CliText>,
  warnings = true,
): Promise<string> {
  const { formatEvalError } = await import('@kd/eval');
  const r = await run();
  if (E.isLeft(r)) throw new Error(`${command}: ${formatEvalError(r.left)}`);
  if (!warnings) return r.right.text;
  return [...r.right.warnings.map((w) => `warning: ${w}`), r.right.text].join('\n');
}

/**
 * What `kd eval detector` runs: a checkpoint over a dataset split (images decoded and resized batch by
 * batch, so memory stays flat on full-size datasets), writes the detections in the dataset's own
 * results format — VOC `comp4_det_<split>_<class>.txt`, a COCO results JSON, KITTI `data/<id>.txt`
 * — and scores those files with the same evaluators as `kd eval voc|coco|kitti` (pycocotools, the
 * VOC devkit, the KITTI devkit; for KITTI also the paper's PASCAL-style mAP@0.5). When only part of
 * a split is evaluated (`limit`, `dataset.limitTest`), the ground truth is cut to the same images
 * (a split file, a filtered instances JSON, a VOC folder view), so unseen images do not count as
 * misses.
 */
export async function evalDetector(o: EvalDetectorOptions): Promise<EvalDetectorResult> {
  const started = Date.now();
  const ckptDir = resolveCheckpoint(o.checkpoint);
  const { model, checkpoint } = await loadFasterRcnn(ckptDir);
  tf.dispose(Object.values(checkpoint.extraWeights));
  tf.dispose(checkpoint.optimizerWeights.map((w) => w.tensor));
  let compiled: CompiledFasterRcnn | undefined;
  try {
    if (o.compile) {
      const c = compileFasterRcnn(model);
      if (E.isLeft(c)) throw new Error(`evalDetector: compile: ${c.left}`);
      compiled = c.right;
    }
    const extra = (checkpoint.metadata.extra ?? {}) as TrainedExtra;
    let config = o.config;
    if (config === undefined) {
      if (extra.config === undefined)
        throw new Error(
          `${ckptDir} holds no run config: pass --config FILE or --preset NAME to name the dataset`,
        );
      const r = decodeRunConfig(extra.config, `${ckptDir} (saved run config)`);
      if (E.isLeft(r)) throw new Error(r.left);
      config = r.right;
    }
    const which = o.split ?? 'test';
    const datasetConfig = {
      ...config.dataset,
      ...(o.dataRoot !== undefined ? { root: o.dataRoot } : {}),
      ...(o.limit !== undefined
        ? which === 'test'
          ? { limitTest: o.limit }
          : { limitTrain: o.limit }
        : {}),
    };
    const split = await loadSplit(datasetConfig, which);
    if (split.classNames.length !== model.config.numClasses) {
      throw new Error(
        `${ckptDir} detects ${model.config.numClasses} classes, ${split.description} has ${split.classNames.length} (${split.classNames.join(', ')})`,
      );
    }
    const minSize =
      o.minSize ??
      (o.config ? config.model.minSize : undefined) ??
      extra.minSize ??
      config.model.minSize ??
      config.dataset.imageSize ??
      600;
    const maxSize =
      (o.minSize === undefined ? (config.model.maxSize ?? extra.maxSize) : undefined) ??
      Math.round(minSize * (1333 / 800));

    const samples = split.samples;
    const detections: Detection[] = [];
    const batchSize = o.batchSize ?? 4;
    for (let start = 0; start < samples.length; start += batchSize) {
      const chunk = samples.slice(start, start + batchSize);
      const prepared = [];
      for (const s of chunk) {
        const p = await prepareSample(s, { minSize, maxSize }, false);
        if (E.isLeft(p)) throw new Error(`${s.path}: ${p.left}`);
        prepared.push(p.right);
      }
      const batch = makeBatch(prepared);
      const dets = await (compiled ?? model).predict(batch);
      batch.images.dispose();
      for (const d of toDatasetDetections(
        dets,
        chunk.map((c) => c.id),
        model.config.numClasses,
      ))
        detections.push(d);
      o.onProgress?.({
        stage: 'evaluate',
        done: Math.min(samples.length, start + batchSize),
        total: samples.length,
      });
    }

    mkdirSync(o.out, { recursive: true });
    const partial = samples.length < split.dataset.samples.length;
    const scored = await scoreFiles(split, samples, detections, partial, o);
    const summary = {
      checkpoint: ckptDir,
      format: split.format,
      split: split.split,
      images: samples.length,
      detections: detections.length,
      seconds: Math.round((Date.now() - started) / 100) / 10,
      compiled: compiled !== undefined,
      results: scored.results,
      metrics: scored.metrics,
    };
    const header = `${ckptDir} on ${split.description}, split ${split.split}: ${samples.length} images${partial ? ` (of ${split.dataset.samples.length})` : ''}, ${detections.length} detections at ${minSize} px; results in ${scored.results}`;
    const text = `${header}\n\n${scored.text}`;
    writeFileSync(join(o.out, 'metrics.txt'), `${text}\n`);
    writeFileSync(join(o.out, 'metrics.json'), `${JSON.stringify(summary, null, 2)}\n`);
    return { text, summary };
  } finally {
    compiled?.dispose();
    model.dispose();
  }
}

/** Writes the results files of `split`'s format and scores them; returns the tables and summaries. */
async function scoreFiles(
  split: Awaited<ReturnType<typeof loadSplit>>,
  samples: readonly Sample[],
  detections: readonly Detection[],
  partial: boolean,
  o: EvalDetectorOptions,
): Promise<{ results: string; text: string; metrics: Record<string, unknown> }> {
  const ev = await import('@kd/eval');
  const descriptor = split.dataset.descriptor;
  const ids = samples.map((s) => s.id);
  const both = async (name: string, run: (json: boolean) => TaskEither<KdEvalError, CliText>) => ({
    text: await textOf(name, run(false)),
    json: JSON.parse(await textOf(name, run(true), false)) as unknown,
  });

  const results = resolve(
    // loadSplit read it with this (registered) format's reader.
    await datasetFormat(split.format)!.writeResults(resolve(o.out), ids, detections, descriptor),
  );
  const score = SCORERS[split.format];
  if (score === undefined)
    return {
      results,
      text: `kd has no evaluator for format '${split.format}': the results files are in ${results}`,
      metrics: {},
    };
  return { results, ...(await score({ split, ids, results, partial, o, ev, both })) };
}

/** What a format's scorer gets: the split, the scored ids, the results path, the evaluators. */
interface ScoreContext {
  readonly split: Awaited<ReturnType<typeof loadSplit>>;
  readonly ids: readonly string[];
  readonly results: string;
  readonly partial: boolean;
  readonly o: EvalDetectorOptions;
  readonly ev: typeof import('@kd/eval');
  readonly both: (
    name: string,
    run: (json: boolean) => TaskEither<KdEvalError, CliText>,
  ) => Promise<{ text: string; json: unknown }>;
}
type Scored = { text: string; metrics: Record<string, unknown> };

async function scoreVoc({
  split,
  ids,
  results,
  partial,
  o,
  ev,
  both,
}: ScoreContext): Promise<Scored> {
  const yearDir = await resolveVocYearDir(split.root);
  if (E.isLeft(yearDir)) throw new Error(yearDir.left);
  let devkit = yearDir.right;
  if (partial) {
    // A devkit view: the real Annotations/, a split file listing the evaluated images only.
    devkit = join(results, 'devkit');
    mkdirSync(join(devkit, 'ImageSets', 'Main'), { recursive: true });
    try {
      symlinkSync(join(yearDir.right, 'Annotations'), join(devkit, 'Annotations'), 'dir');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    writeFileSync(join(devkit, 'ImageSets', 'Main', `${split.split}.txt`), `${ids.join('\n')}\n`);
  }
  const metric = o.vocMetric ?? '07';
  const voc = await both('VOC evaluation', (json) =>
    ev.runVocEvalCli({
      devkit,
      split: split.split,
      dets: results,
      metric,
      classes: split.classNames,
      json,
    }),
  );
  return {
    text: `VOC AP at IoU 0.5, ${metric === '07' ? 'VOC07 11-point' : 'VOC2010+ area'} (@kd/eval, voc_eval.py-equivalent):\n${voc.text}`,
    metrics: { voc: voc.json },
  };
}

async function scoreCoco({
  split,
  ids,
  results,
  partial,
  o,
  ev,
  both,
}: ScoreContext): Promise<Scored> {
  let gt = join(split.root, 'annotations', `instances_${split.split}.json`);
  if (partial) {
    const keep = new Set(ids);
    const full = JSON.parse(readFileSync(gt, 'utf8')) as {
      images: { id: number | string }[];
      annotations: { image_id: number | string }[];
    };
    gt = resolve(join(o.out, `instances_${split.split}_subset.json`));
    writeFileSync(
      gt,
      JSON.stringify({
        ...full,
        images: full.images.filter((i) => keep.has(String(i.id))),
        annotations: full.annotations.filter((a) => keep.has(String(a.image_id))),
      }),
    );
  }
  const coco = await both('COCO evaluation', (json) =>
    ev.runCocoEvalCli({ gt, dets: results, json }),
  );
  return {
    text: `COCO bbox AP (@kd/eval, pycocotools-equivalent):\n${coco.text}`,
    metrics: { coco: coco.json },
  };
}

async function scoreKitti({ split, ids, results, o, ev, both }: ScoreContext): Promise<Scored> {
  const splitFile = resolve(join(o.out, 'split.txt'));
  writeFileSync(splitFile, `${ids.join('\n')}\n`);
  const labels = join(split.root, 'training', 'label_2');
  const texts: string[] = [];
  const metrics: Record<string, unknown> = {};
  const devkitClasses = ev
    .kittiParams()
    .classes.filter(
      (c) => KITTI_DEVKIT_CLASSES.includes(c.name) && split.classNames.includes(c.name),
    );
  if (devkitClasses.length > 0) {
    const kitti = await both('KITTI evaluation', (json) =>
      ev.runKittiEvalCli({
        labels,
        results,
        split: splitFile,
        params: ev.kittiParams({ classes: devkitClasses }),
        json,
      }),
    );
    texts.push(`KITTI 2D AP (@kd/eval, evaluate_object.cpp-equivalent):\n${kitti.text}`);
    metrics.kitti = kitti.json;
  }
  const pascalParams = ev.kittiParams({
    classes: split.classNames.map((name) => ({ name, minOverlap: 0.5 })),
  });
  const pascal = await both('KITTI PASCAL-style evaluation', (json) =>
    ev.runKittiEvalCli({
      labels,
      results,
      split: splitFile,
      params: pascalParams,
      pascal: true,
      metric: o.vocMetric ?? '07',
      json,
    }),
  );
  texts.push(`PASCAL-style AP at IoU 0.5, the paper's KITTI protocol (@kd/eval):\n${pascal.text}`);
  metrics.kittiPascal = pascal.json;
  return { text: texts.join('\n\n'), metrics };
}

/** The official evaluators of the built-in formats, by format name (a registered one has none). */
const SCORERS: Readonly<Record<string, (c: ScoreContext) => Promise<Scored>>> = {
  voc: scoreVoc,
  coco: scoreCoco,
  kitti: scoreKitti,
};
