import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { sfc32 } from '@kd/random';
import { PNG } from 'pngjs';
import { writeCoco } from '../coco/writeCoco.js';
import {
  type BuiltinDatasetFormat,
  contiguousDescriptor,
  type DatasetDescriptor,
} from '../core/datasetDescriptor.js';
import type { ObjectAnnotation, Sample } from '../core/sample.js';
import { writeKitti } from '../kitti/writeKitti.js';
import { writeVoc } from '../voc/writeVoc.js';
import { renderBackground, renderScene } from './renderScene.js';
import { DEFAULT_SCENE, type SceneOptions, sampleScene } from './sampleScene.js';
import { SHAPE_CLASSES } from './shapeSdf.js';

export interface GenerateShapesOptions {
  /** Output folder; layouts go to `voc/VOCdevkit/VOC2007`, `coco`, `kitti` under it. */
  readonly root: string;
  readonly seed?: number;
  readonly trainImages?: number;
  readonly testImages?: number;
  /** Square image side in pixels (default 128). */
  readonly imageSize?: number;
  /** Layouts to write (default all three). */
  readonly formats?: readonly BuiltinDatasetFormat[];
  /** Overrides of the scene distribution. */
  readonly scene?: Partial<Omit<SceneOptions, 'imageSize'>>;
  /** Called after each image is written (train then test), e.g. to show progress. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Where each layout of a generated dataset lives. */
export interface GeneratedShapesDataset {
  readonly classNames: readonly string[];
  readonly splits: { readonly train: readonly Sample[]; readonly test: readonly Sample[] };
  /** `VOCdevkit/VOC2007` folder (splits `train`, `test`). */
  readonly vocYearDir: string;
  /** COCO root: `annotations/instances_{train,test}.json`, images in `{train,test}/`. */
  readonly cocoRoot: string;
  /** KITTI root: `training/{image_2,label_2}`, `ImageSets/{train,test}.txt`. */
  readonly kittiRoot: string;
}

/** Defaults of the embedded dataset. */
export const SHAPES_DEFAULTS = {
  seed: 2017,
  trainImages: 800,
  testImages: 200,
  imageSize: 128,
} as const;

/** Visible fraction below which an object is marked difficult (VOC) / heavily occluded (KITTI 2). */
const DIFFICULT_VISIBLE = 0.35;
/** Objects with less of their in-image area visible than this are not annotated. */
const DROP_VISIBLE = 0.1;

interface RenderedImage {
  readonly png: Buffer;
  readonly objects: ObjectAnnotation[];
}

/** Renders image `index` of a split: deterministic in (seed, split, index) alone. */
export const renderShapesImage = (
  seed: number,
  splitSalt: number,
  index: number,
  scene: SceneOptions,
): RenderedImage => {
  const rng = sfc32((seed * 1000003 + splitSalt * 7919 + index) >>> 0);
  const S = scene.imageSize;
  const img = renderBackground(rng, S, S);
  const bgLumAt = (x: number, y: number): number => {
    const o = (y * S + x) * 3;
    return 0.299 * img[o]! + 0.587 * img[o + 1]! + 0.114 * img[o + 2]!;
  };
  const shapes = sampleScene(rng, scene, bgLumAt);
  const rendered = renderScene(img, S, S, shapes);
  // Sensor noise: triangular (sum of two uniforms) with standard deviation sigma, cheaper than
  // a Gaussian per value and visually the same.
  const amp = rng.uniform(3, 12) * Math.sqrt(6);
  const png = new PNG({ width: S, height: S });
  for (let p = 0, q = 0; p < S * S * 3; p += 3, q += 4) {
    for (let c = 0; c < 3; c++) {
      const noise = (rng.next() + rng.next() - 1) * amp;
      png.data[q + c] = Math.min(255, Math.max(0, Math.round(img[p + c]! + noise)));
    }
    png.data[q + 3] = 255;
  }
  const objects: ObjectAnnotation[] = [];
  shapes.forEach((s, k) => {
    const r = rendered[k]!;
    if (s.classIndex < 0 || r.box === null || r.inImageArea <= 0) return;
    const visible = r.visibleArea / r.inImageArea;
    if (visible < DROP_VISIBLE) return;
    const truncated = Math.max(0, 1 - r.inImageArea / r.totalArea);
    objects.push({
      box: r.box,
      classIndex: s.classIndex,
      difficult: visible < DIFFICULT_VISIBLE,
      crowd: false,
      truncated: Math.round(truncated * 100) / 100,
      occluded: visible >= 0.9 ? 0 : visible >= DIFFICULT_VISIBLE ? 1 : 2,
      area: Math.round(r.visibleArea * 100) / 100,
    });
  });
  return { png: PNG.sync.write(png, { colorType: 2, filterType: 4 }), objects };
};

/**
 * Generates the embedded default detection dataset — six shape classes differing in form
 * (circle, triangle, square, plus, ring, star), random colours, sizes from ~10 px to half the
 * image, 2–6 objects and 1–4 distractors (ellipse, segment, crescent, bar) per image, mutual
 * occlusion, truncation at the borders, textured noisy backgrounds — and writes it in the VOC,
 * COCO and KITTI layouts (same PNG pixels in each). Deterministic in `seed`.
 * @example
 * const ds = await generateShapesDataset({ root: '/tmp/shapes', seed: 1, trainImages: 50, testImages: 10 });
 * // ds.vocYearDir, ds.cocoRoot, ds.kittiRoot can be read with readVoc / readCoco / readKitti.
 */
export const generateShapesDataset = async (
  o: GenerateShapesOptions,
): Promise<GeneratedShapesDataset> => {
  const seed = o.seed ?? SHAPES_DEFAULTS.seed;
  const scene: SceneOptions = {
    ...DEFAULT_SCENE,
    ...o.scene,
    imageSize: o.imageSize ?? SHAPES_DEFAULTS.imageSize,
  };
  if (!Number.isInteger(scene.imageSize) || scene.imageSize < 16)
    throw new RangeError('imageSize must be an integer >= 16');
  const formats = new Set<BuiltinDatasetFormat>(o.formats ?? ['voc', 'coco', 'kitti']);
  const root = path.resolve(o.root);
  const vocYearDir = path.join(root, 'voc', 'VOCdevkit', 'VOC2007');
  const cocoRoot = path.join(root, 'coco');
  const kittiRoot = path.join(root, 'kitti');
  const classNames = [...SHAPE_CLASSES];
  const counts = {
    train: o.trainImages ?? SHAPES_DEFAULTS.trainImages,
    test: o.testImages ?? SHAPES_DEFAULTS.testImages,
  };
  const dirs = {
    voc: path.join(vocYearDir, 'JPEGImages'),
    kitti: path.join(kittiRoot, 'training', 'image_2'),
  };
  for (const f of formats) if (f !== 'coco') await mkdir(dirs[f], { recursive: true });
  const splits: Record<'train' | 'test', Sample[]> = { train: [], test: [] };
  let next = 1;
  for (const [salt, split] of [
    [1, 'train'],
    [2, 'test'],
  ] as const) {
    if (formats.has('coco')) await mkdir(path.join(cocoRoot, split), { recursive: true });
    for (let i = 0; i < counts[split]; i++) {
      const id = String(next++).padStart(6, '0');
      const fileName = `${id}.png`;
      const { png, objects } = renderShapesImage(seed, salt, i, scene);
      const targets: string[] = [];
      if (formats.has('voc')) targets.push(path.join(dirs.voc, fileName));
      if (formats.has('kitti')) targets.push(path.join(dirs.kitti, fileName));
      if (formats.has('coco')) targets.push(path.join(cocoRoot, split, fileName));
      await Promise.all(targets.map((t) => writeFile(t, png)));
      o.onProgress?.(next - 1, counts.train + counts.test);
      splits[split].push({
        id,
        path: targets[0] ?? '',
        fileName,
        width: scene.imageSize,
        height: scene.imageSize,
        objects,
        ignore: [],
      });
    }
  }
  const descriptor = (f: BuiltinDatasetFormat, split: string): DatasetDescriptor =>
    contiguousDescriptor(f, root, split, classNames);
  for (const split of ['train', 'test'] as const) {
    const samples = splits[split];
    if (formats.has('voc')) {
      await writeVoc({
        yearDir: vocYearDir,
        split,
        samples,
        descriptor: descriptor('voc', split),
        copyImages: false,
      });
    }
    if (formats.has('kitti')) {
      await writeKitti({
        root: kittiRoot,
        split,
        samples,
        descriptor: descriptor('kitti', split),
        copyImages: false,
      });
    }
    if (formats.has('coco')) {
      await writeCoco({
        annotationFile: path.join(cocoRoot, 'annotations', `instances_${split}.json`),
        imageDir: path.join(cocoRoot, split),
        samples,
        descriptor: descriptor('coco', split),
        copyImages: false,
      });
    }
  }
  return { classNames, splits, vocYearDir, cocoRoot, kittiRoot };
};
