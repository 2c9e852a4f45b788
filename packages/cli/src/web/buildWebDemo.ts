import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertOutputFolder, writeFolderAtomically } from '@kd/data-voc-coco-kitti';
import { loadDataset } from '@kd/distill';
import type * as Esbuild from 'esbuild';
import { exportDetector } from '../deploy/exportDetector.js';
import { importOptional, requireOptional } from '../optionalDependency.js';
import { indexHtml } from './indexHtml.js';

export interface BuildWebDemoOptions {
  /** Checkpoint of the student the page runs (exported float32 into `out/model`). */
  readonly checkpoint: string;
  readonly out: string;
  /** How many test images of the checkpoint's dataset to bundle (default 6). */
  readonly samples?: number;
  /** More checkpoints to export into `out/models/<name>` (benchmarks load them). */
  readonly extraModels?: Readonly<Record<string, string>>;
  readonly scoreThreshold?: number;
  readonly minify?: boolean;
  /** Replace an existing non-empty `out` folder (never a file). */
  readonly force?: boolean;
}

export interface WebDemo {
  readonly out: string;
  readonly samples: readonly string[];
  readonly bundleBytes: number;
  readonly classes: readonly string[];
}

const WASM_FILES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
];

/**
 * Builds the static web demo into `out`: `index.html`, `demo.js` (esbuild bundle of
 * `demoPage.ts` for browsers), the tfjs wasm binaries (the page calls `setWasmPaths` on its own
 * folder), the student exported from `checkpoint` into `model/`, and sample images of the
 * checkpoint's test split in `samples/` (listed in `samples.json`). Needs an initialised tfjs
 * backend (the export reads the weights). The folder is built in a temporary sibling and renamed
 * into place: an existing non-empty `out` is refused before any work unless `force`, and a bad
 * checkpoint leaves `out` as it was.
 */
export async function buildWebDemo(options: BuildWebDemoOptions): Promise<WebDemo> {
  // Optional peer dependencies of @kd/cli, needed only here: a clear message when missing,
  // before anything is written.
  requireOptional('@tensorflow/tfjs-backend-webgl');
  await importOptional<typeof Esbuild>('esbuild');
  const { out } = options;
  const replace = options.force ? 'force' : 'never';
  assertOutputFolder(out, replace);
  const built = await writeFolderAtomically(out, (tmp) => fillWebDemo(tmp, options), replace);
  return { out, ...built };
}

async function fillWebDemo(
  dir: string,
  options: BuildWebDemoOptions,
): Promise<Omit<WebDemo, 'out'>> {
  // The student first: a bad checkpoint fails before the bundle is built.
  const scoreThreshold = options.scoreThreshold ?? 0.5;
  const student = await exportDetector(options.checkpoint, join(dir, 'model'), {
    quantization: 'none',
    scoreThreshold,
  });
  student.model.dispose();
  for (const [name, ckpt] of Object.entries(options.extraModels ?? {})) {
    const e = await exportDetector(ckpt, join(dir, 'models', name), {
      quantization: 'none',
      scoreThreshold,
    });
    e.model.dispose();
  }
  mkdirSync(join(dir, 'samples'), { recursive: true });
  const esbuild = await importOptional<typeof Esbuild>('esbuild');
  const bundle = await esbuild.build({
    entryPoints: [fileURLToPath(new URL('./demoPage.js', import.meta.url))],
    outfile: join(dir, 'demo.js'),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: options.minify ?? true,
    legalComments: 'none',
    logLevel: 'silent',
    metafile: true,
  });
  const bundleBytes = Object.values(bundle.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  const wasmDir = join(
    dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm')),
  );
  for (const f of WASM_FILES) copyFileSync(join(wasmDir, f), join(dir, f));

  const dataset = await loadDataset(student.runConfig.dataset);
  const samples = dataset.test.slice(0, options.samples ?? 6).map((s) => {
    const name = basename(s.path);
    copyFileSync(s.path, join(dir, 'samples', name));
    return name;
  });
  writeFileSync(join(dir, 'samples.json'), `${JSON.stringify(samples)}\n`);
  writeFileSync(
    join(dir, 'index.html'),
    indexHtml('kd: a distilled Faster R-CNN student in your browser'),
  );
  return { samples, bundleBytes, classes: student.manifest.classes };
}
