import { readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { readCoco } from '../coco/readCoco.js';
import { getOrThrow } from '../core/dataset.js';
import type { BuiltinDatasetFormat } from '../core/datasetDescriptor.js';
import type { Sample } from '../core/sample.js';
import { readKitti } from '../kitti/readKitti.js';
import { readVoc } from '../voc/readVoc.js';
import {
  type GeneratedShapesDataset,
  type GenerateShapesOptions,
  generateShapesDataset,
  SHAPES_DEFAULTS,
} from './generateShapesDataset.js';
import { DEFAULT_SCENE } from './sampleScene.js';
import { SHAPE_CLASSES } from './shapeSdf.js';

/** Bumped whenever the generator's output changes, so cached copies are regenerated. */
export const SHAPES_GENERATOR_VERSION = 1;
const MANIFEST = 'shapes-manifest.json';

const Manifest = t.type({
  generator: t.literal('kd-shapes'),
  version: t.number,
  options: t.UnknownRecord,
});

const normalise = (o: GenerateShapesOptions) => ({
  seed: o.seed ?? SHAPES_DEFAULTS.seed,
  trainImages: o.trainImages ?? SHAPES_DEFAULTS.trainImages,
  testImages: o.testImages ?? SHAPES_DEFAULTS.testImages,
  imageSize: o.imageSize ?? SHAPES_DEFAULTS.imageSize,
  formats: [...(o.formats ?? ['voc', 'coco', 'kitti'])].sort(),
  scene: { ...DEFAULT_SCENE, ...o.scene, imageSize: o.imageSize ?? SHAPES_DEFAULTS.imageSize },
});

/**
 * Returns the shapes dataset at `root`, generating it only when no complete copy made with the
 * same options (and generator version) is there. Completeness is marked by a manifest written
 * last, so an interrupted generation is redone. `generated` says which case happened.
 */
export const ensureShapesDataset = async (
  o: GenerateShapesOptions,
): Promise<GeneratedShapesDataset & { readonly generated: boolean }> => {
  const root = path.resolve(o.root);
  const want = normalise(o);
  const manifestFile = path.join(root, MANIFEST);
  const found = await readFile(manifestFile, 'utf8').then(
    (s) => {
      try {
        return Manifest.decode(JSON.parse(s));
      } catch {
        return E.left([]);
      }
    },
    () => E.left([]),
  );
  const same =
    E.isRight(found) &&
    found.right.version === SHAPES_GENERATOR_VERSION &&
    JSON.stringify(found.right.options) === JSON.stringify(want);
  const vocYearDir = path.join(root, 'voc', 'VOCdevkit', 'VOC2007');
  const cocoRoot = path.join(root, 'coco');
  const kittiRoot = path.join(root, 'kitti');
  if (same) {
    const classes = [...SHAPE_CLASSES];
    const formats = want.formats as BuiltinDatasetFormat[];
    const read = async (split: string): Promise<readonly Sample[]> => {
      if (formats.includes('voc'))
        return getOrThrow(await readVoc({ root: vocYearDir, split, classes, checkImages: false }))
          .samples;
      if (formats.includes('kitti'))
        return getOrThrow(await readKitti({ root: kittiRoot, split, classes })).samples;
      return getOrThrow(await readCoco({ root: cocoRoot, split })).samples;
    };
    return {
      classNames: classes,
      splits: { train: await read('train'), test: await read('test') },
      vocYearDir,
      cocoRoot,
      kittiRoot,
      generated: false,
    };
  }
  await rm(manifestFile, { force: true });
  for (const d of ['voc', 'coco', 'kitti'])
    await rm(path.join(root, d), { recursive: true, force: true });
  const g = await generateShapesDataset(o);
  await writeFile(
    manifestFile,
    `${JSON.stringify({ generator: 'kd-shapes', version: SHAPES_GENERATOR_VERSION, options: want }, null, 2)}\n`,
  );
  return { ...g, generated: true };
};
