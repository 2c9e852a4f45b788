// Throughput of the data path: read annotations + decode + resize + flip + batch, in images/s,
// on the real photo fixtures and on the generated shapes dataset; plus generation time and
// the streaming COCO reader's speed. Run: `pnpm --filter @kd/data-voc-coco-kitti bench`.
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readCoco } from '../coco/readCoco.js';
import { getOrThrow } from '../core/dataset.js';
import type { Sample } from '../core/sample.js';
import { readKitti } from '../kitti/readKitti.js';
import { loadBatches } from '../pipeline/loadBatches.js';
import { PreparePool } from '../pipeline/preparePool.js';
import { generateShapesDataset, SHAPES_DEFAULTS } from '../synth/generateShapesDataset.js';
import { SHAPE_CLASSES } from '../synth/shapeSdf.js';
import { fixture } from '../test-util.js';
import { readVoc } from '../voc/readVoc.js';

interface Row {
  readonly case: string;
  readonly images: number;
  readonly seconds: number;
  readonly imagesPerSecond: number;
}
const rows: Row[] = [];
const now = (): number => performance.now() / 1000;

const pipeline = async (
  name: string,
  read: () => Promise<readonly Sample[]>,
  o: { minSize: number; maxSize: number; batchSize: number; workers: number; epochs: number },
): Promise<void> => {
  // A pool shared by all epochs, as a training loop would keep it.
  const pool = o.workers ? new PreparePool(o.workers) : undefined;
  const opts = {
    minSize: o.minSize,
    maxSize: o.maxSize,
    batchSize: o.batchSize,
    ...(pool ? { pool } : {}),
  };
  // one warm-up epoch (JIT), then timed epochs; annotation reading is inside the timing
  for await (const _ of loadBatches(await read(), { ...opts, flipProbability: 0.5 })) void _;
  const t0 = now();
  let n = 0;
  for (let e = 0; e < o.epochs; e++) {
    const samples = await read();
    const epochOpts = { ...opts, shuffle: true, seed: 1, epoch: e, flipProbability: 0.5 };
    for await (const b of loadBatches(samples, epochOpts)) n += b.items.length;
  }
  const s = now() - t0;
  await pool?.close();
  rows.push({ case: name, images: n, seconds: s, imagesPerSecond: n / s });
  console.error(`done: ${name} ${(n / s).toFixed(1)} images/s`);
};

const main = async (): Promise<void> => {
  const photoClasses = ['person', 'cat', 'cup', 'rocket'];
  const photoReaders: Record<string, () => Promise<readonly Sample[]>> = {
    voc: async () =>
      getOrThrow(
        await readVoc({ root: fixture('photos', 'voc'), split: 'photos', classes: photoClasses }),
      ).samples,
    coco: async () =>
      getOrThrow(
        await readCoco({
          annotationFile: fixture('photos', 'coco', 'annotations', 'instances_photos.json'),
          imageDir: fixture('photos', 'images'),
        }),
      ).samples,
    kitti: async () =>
      getOrThrow(
        await readKitti({
          root: fixture('photos', 'kitti'),
          split: 'photos',
          classes: photoClasses,
        }),
      ).samples,
  };
  for (const [fmt, read] of Object.entries(photoReaders)) {
    await pipeline(`photos ${fmt} 600/1000 b2`, read, {
      minSize: 600,
      maxSize: 1000,
      batchSize: 2,
      workers: 0,
      epochs: 5,
    });
  }
  await pipeline('photos voc 600/1000 b2, 2 workers', photoReaders.voc!, {
    minSize: 600,
    maxSize: 1000,
    batchSize: 2,
    workers: 2,
    epochs: 5,
  });

  const dir = mkdtempSync(path.join(tmpdir(), 'kd-bench-'));
  try {
    const t0 = now();
    const g = await generateShapesDataset({ root: dir });
    const genSeconds = now() - t0;
    const total = SHAPES_DEFAULTS.trainImages + SHAPES_DEFAULTS.testImages;
    rows.push({
      case: `generate default set (${total} images, 3 layouts)`,
      images: total,
      seconds: genSeconds,
      imagesPerSecond: total / genSeconds,
    });
    const classes = [...SHAPE_CLASSES];
    const shapes: Record<string, () => Promise<readonly Sample[]>> = {
      voc: async () =>
        getOrThrow(await readVoc({ root: g.vocYearDir, split: 'train', classes })).samples,
      coco: async () => getOrThrow(await readCoco({ root: g.cocoRoot, split: 'train' })).samples,
      kitti: async () =>
        getOrThrow(await readKitti({ root: g.kittiRoot, split: 'train', classes })).samples,
    };
    for (const [fmt, read] of Object.entries(shapes)) {
      await pipeline(`shapes ${fmt} 128->192/320 b8`, read, {
        minSize: 192,
        maxSize: 320,
        batchSize: 8,
        workers: 0,
        epochs: 1,
      });
    }
    await pipeline('shapes coco 128->192/320 b8, 2 workers', shapes.coco!, {
      minSize: 192,
      maxSize: 320,
      batchSize: 8,
      workers: 2,
      epochs: 1,
    });

    // streaming COCO reader on a synthetic 100 MB instances file
    const file = path.join(dir, 'instances_big.json');
    const fd = openSync(file, 'w');
    writeSync(fd, '{"info":null,"licenses":[],"images":[');
    for (let i = 0; i < 10000; i++)
      writeSync(
        fd,
        `${i ? ',' : ''}{"id":${i + 1},"width":640,"height":480,"file_name":"${i + 1}.jpg"}`,
      );
    writeSync(fd, '],"annotations":[');
    const poly = Array.from({ length: 120 }, (_, j) => (100 + 50 * Math.sin(j)).toFixed(2)).join(
      ',',
    );
    let bytes = 0;
    let k = 0;
    while (bytes < 100e6) {
      const s = `${k ? ',' : ''}{"segmentation":[[${poly}]],"area":5000,"iscrowd":0,"image_id":${(k % 10000) + 1},"bbox":[10,20,100,50],"category_id":${(k % 80) + 1},"id":${k + 1}}`;
      writeSync(fd, s);
      bytes += s.length;
      k++;
    }
    writeSync(
      fd,
      `],"categories":[${Array.from({ length: 80 }, (_, i) => `{"id":${i + 1},"name":"c${i + 1}"}`).join(',')}]}`,
    );
    closeSync(fd);
    const mb = statSync(file).size / 1e6;
    const t1 = now();
    const r = getOrThrow(await readCoco({ annotationFile: file, imageDir: dir }));
    const s = now() - t1;
    rows.push({
      case: `readCoco ${mb.toFixed(0)} MB (${k} annotations): ${(mb / s).toFixed(1)} MB/s`,
      images: r.samples.length,
      seconds: s,
      imagesPerSecond: r.samples.length / s,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const w = Math.max(...rows.map((r) => r.case.length));
  console.log(
    `${'case'.padEnd(w)}  ${'images'.padStart(7)}  ${'seconds'.padStart(8)}  ${'images/s'.padStart(9)}`,
  );
  for (const r of rows) {
    console.log(
      `${r.case.padEnd(w)}  ${String(r.images).padStart(7)}  ${r.seconds.toFixed(2).padStart(8)}  ${r.imagesPerSecond.toFixed(1).padStart(9)}`,
    );
  }
  console.log(JSON.stringify({ node: process.version, rows }));
};

await main();
