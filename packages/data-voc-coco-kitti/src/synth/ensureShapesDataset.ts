import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import * as path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { readCoco } from '../coco/readCoco.js';
import { getOrThrow } from '../core/dataset.js';
import type { BuiltinDatasetFormat } from '../core/datasetDescriptor.js';
import type { Sample } from '../core/sample.js';
import { readKitti } from '../kitti/readKitti.js';
import { writeFileAtomically } from '../output/writeFileAtomically.js';
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
/** What kd 0.x's run cache wrote when a generation finished (no options recorded). */
const LEGACY_MARKER = '.complete';
/** The folders a generation writes; the only ones a regeneration removes. */
const LAYOUTS = ['voc', 'coco', 'kitti'] as const;

const Manifest = t.intersection([
  t.type({
    generator: t.literal('kd-shapes'),
    version: t.number,
    options: t.UnknownRecord,
  }),
  // Absent in manifests written before generation began to be recorded up front: those were
  // written last, so absent means complete.
  t.partial({ complete: t.boolean }),
]);

/** The layouts a kd-shapes manifest's options say were written (all three when it does not say). */
const writtenLayouts = (options: Readonly<Record<string, unknown>>): string[] => {
  const f = options.formats;
  return Array.isArray(f) ? LAYOUTS.filter((d) => f.includes(d)) : [...LAYOUTS];
};

const exists = (p: string): Promise<boolean> =>
  stat(p).then(
    () => true,
    () => false,
  );

const normalise = (o: GenerateShapesOptions) => ({
  seed: o.seed ?? SHAPES_DEFAULTS.seed,
  trainImages: o.trainImages ?? SHAPES_DEFAULTS.trainImages,
  testImages: o.testImages ?? SHAPES_DEFAULTS.testImages,
  imageSize: o.imageSize ?? SHAPES_DEFAULTS.imageSize,
  formats: [...(o.formats ?? ['voc', 'coco', 'kitti'])].sort(),
  scene: { ...DEFAULT_SCENE, ...o.scene, imageSize: o.imageSize ?? SHAPES_DEFAULTS.imageSize },
});

/** Where {@link ensureShapesFolder} left the dataset, and whether it had to generate it. */
export interface ShapesFolder {
  readonly root: string;
  /** `VOCdevkit/VOC2007` folder (splits `train`, `test`). */
  readonly vocYearDir: string;
  readonly cocoRoot: string;
  readonly kittiRoot: string;
  readonly generated: boolean;
}

/**
 * Makes sure `root` holds the shapes dataset generated with these options, generating it only
 * when no complete copy made with the same options (and generator version) is there. A manifest
 * recording the options is written atomically before the images (marked incomplete) and again
 * after them, so an interrupted generation is redone, and kd knows which folders it wrote: a
 * regeneration removes only `voc/`, `coco/` and `kitti/` of a root whose manifest says kd-shapes
 * made them. A root holding anything else under those names is refused, never overwritten.
 */
export const ensureShapesFolder = async (o: GenerateShapesOptions): Promise<ShapesFolder> =>
  (await ensure(o)).folder;

/** {@link ensureShapesFolder}, with what the generator returned when it had to generate. */
const ensure = async (
  o: GenerateShapesOptions,
): Promise<{ folder: ShapesFolder; made?: GeneratedShapesDataset }> => {
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
    found.right.complete !== false &&
    found.right.version === SHAPES_GENERATOR_VERSION &&
    JSON.stringify(found.right.options) === JSON.stringify(want);
  const folder = {
    root,
    vocYearDir: path.join(root, 'voc', 'VOCdevkit', 'VOC2007'),
    cocoRoot: path.join(root, 'coco'),
    kittiRoot: path.join(root, 'kitti'),
  };
  if (same) return { folder: { ...folder, generated: false } };
  // What kd wrote here before: the layouts its manifest lists (written atomically, so one that
  // does not decode is not kd's), or the VOC layout alone under an earlier kd's marker.
  const legacy = await exists(path.join(root, LEGACY_MARKER));
  const written: readonly string[] = E.isRight(found)
    ? writtenLayouts(found.right.options)
    : legacy
      ? ['voc']
      : [];
  const foreign: string[] = [];
  for (const d of LAYOUTS)
    if (!written.includes(d) && (await exists(path.join(root, d)))) foreign.push(`${d}/`);
  if (E.isLeft(found) && (await exists(manifestFile))) foreign.push(MANIFEST);
  if (foreign.length > 0) {
    throw new Error(
      `${root}: ${foreign.join(', ')} ${foreign.length > 1 ? 'were' : 'was'} not written by a kd-shapes generation (its ${MANIFEST} lists what it wrote); kd does not overwrite what it did not write: pass an empty or new folder as the shapes dataset's root`,
    );
  }
  const writeManifest = (complete: boolean) =>
    writeFileAtomically(
      manifestFile,
      `${JSON.stringify({ generator: 'kd-shapes', version: SHAPES_GENERATOR_VERSION, options: want, complete }, null, 2)}\n`,
      'force',
    );
  await mkdir(root, { recursive: true });
  writeManifest(false);
  for (const d of written) await rm(path.join(root, d), { recursive: true, force: true });
  await rm(path.join(root, LEGACY_MARKER), { force: true });
  const made = await generateShapesDataset(o);
  writeManifest(true);
  return { folder: { ...folder, generated: true }, made };
};

/**
 * Returns the shapes dataset at `root` ({@link ensureShapesFolder}: generated only when no
 * complete copy with the same options is there), its splits read back from the first layout
 * written. `generated` says which case happened.
 */
export const ensureShapesDataset = async (
  o: GenerateShapesOptions,
): Promise<GeneratedShapesDataset & { readonly generated: boolean }> => {
  const { folder: f, made } = await ensure(o);
  // Just generated: the generator's own samples, not a second read of what it wrote.
  if (made) return { ...made, generated: true };
  const classes = [...SHAPE_CLASSES];
  const formats = normalise(o).formats as BuiltinDatasetFormat[];
  const read = async (split: string): Promise<readonly Sample[]> => {
    if (formats.includes('voc'))
      return getOrThrow(await readVoc({ root: f.vocYearDir, split, classes, checkImages: false }))
        .samples;
    if (formats.includes('kitti'))
      return getOrThrow(await readKitti({ root: f.kittiRoot, split, classes })).samples;
    return getOrThrow(await readCoco({ root: f.cocoRoot, split })).samples;
  };
  return {
    classNames: classes,
    splits: { train: await read('train'), test: await read('test') },
    vocYearDir: f.vocYearDir,
    cocoRoot: f.cocoRoot,
    kittiRoot: f.kittiRoot,
    generated: false,
  };
};
