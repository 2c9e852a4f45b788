/**
 * Benchmark: COCO bbox evaluation of 5,000 images × 100 detections over 80 categories, against
 * pycocotools on the same files in the same run when `/usr/bin/python3 -c "import pycocotools"`
 * works (PYCOCOTOOLS_PATH may point at a locally built PythonAPI folder).
 * Run: `pnpm --filter @kd/eval bench` (options: --images N --dets N --runs N).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { mulberry32 } from '@kd/random';
import * as E from 'fp-ts/lib/Either.js';
import type { CocoGtFile, CocoResultsFile } from '../coco/cocoCodecs.js';
import { cocoDetections, cocoGtDataset } from '../coco/cocoDataset.js';
import { evaluateCoco } from '../coco/evaluateCoco.js';
import { evaluateCocoFiles } from '../coco/evaluateCocoFiles.js';
import { formatEvalError } from '../internal/EvalError.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const N_IMAGES = arg('images', 5000);
const N_DETS = arg('dets', 100);
const RUNS = arg('runs', 3);

const makeData = (): { gt: CocoGtFile; dets: CocoResultsFile } => {
  const rnd = mulberry32(42).next;
  const r2 = (v: number) => Math.round(v * 100) / 100;
  const catIds = Array.from({ length: 90 }, (_, i) => i + 1)
    .filter((i) => i % 9 !== 0)
    .slice(0, 80);
  const images = Array.from({ length: N_IMAGES }, (_, i) => ({
    id: 100000 + i * 3,
    width: 640,
    height: 480,
  }));
  const annotations: CocoGtFile['annotations'] = [];
  const dets: CocoResultsFile = [];
  let aid = 1;
  for (const im of images) {
    const gts: { c: number; b: [number, number, number, number] }[] = [];
    const nGt = Math.floor(rnd() * 15);
    for (let g = 0; g < nGt; g++) {
      const w = r2(4 + rnd() * 300);
      const h = r2(4 + rnd() * 250);
      const b: [number, number, number, number] = [
        r2(rnd() * (640 - w)),
        r2(rnd() * (480 - h)),
        w,
        h,
      ];
      const c = catIds[Math.floor(rnd() * catIds.length)]!;
      gts.push({ c, b });
      annotations.push({
        id: aid++,
        image_id: im.id,
        category_id: c,
        bbox: b,
        area: r2(w * h * (0.5 + rnd() * 0.5)),
        iscrowd: rnd() < 0.01 ? 1 : 0,
      });
    }
    for (let d = 0; d < N_DETS; d++) {
      const g = gts.length > 0 && rnd() < 0.3 ? gts[Math.floor(rnd() * gts.length)] : undefined;
      const jit = () => (rnd() - 0.5) * 20;
      const b: [number, number, number, number] = g
        ? [
            r2(g.b[0] + jit()),
            r2(g.b[1] + jit()),
            r2(Math.max(1, g.b[2] + jit())),
            r2(Math.max(1, g.b[3] + jit())),
          ]
        : [r2(rnd() * 600), r2(rnd() * 440), r2(2 + rnd() * 200), r2(2 + rnd() * 200)];
      const c = g && rnd() < 0.8 ? g.c : catIds[Math.floor(rnd() * catIds.length)]!;
      dets.push({
        image_id: im.id,
        category_id: c,
        bbox: b,
        score: Math.round(rnd() * 1000) / 1000,
      });
    }
  }
  return {
    gt: { images, annotations, categories: catIds.map((id) => ({ id, name: `c${id}` })) },
    dets,
  };
};

const PY = `
import sys, json, time, io, contextlib
t0 = time.perf_counter()
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval
with contextlib.redirect_stdout(io.StringIO()):
    gt = COCO(sys.argv[1]); dt = gt.loadRes(sys.argv[2])
    t1 = time.perf_counter()
    E = COCOeval(gt, dt, 'bbox'); E.evaluate(); E.accumulate(); E.summarize()
t2 = time.perf_counter()
import resource
print(json.dumps({'load': t1 - t0, 'eval': t2 - t1, 'stats': [float(s) for s in E.stats], 'maxrss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (b: number) => (b / 2 ** 20).toFixed(0);

const main = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kd-eval-bench-'));
  try {
    const { gt, dets } = makeData();
    const gtFile = join(dir, 'gt.json');
    const dtFile = join(dir, 'dets.json');
    writeFileSync(gtFile, JSON.stringify(gt));
    writeFileSync(dtFile, JSON.stringify(dets));
    console.log(
      `COCO bbox: ${N_IMAGES} images, ${dets.length} detections, ${gt.annotations.length} GT, 80 categories`,
    );
    const ds = cocoGtDataset(gt);
    const dd = cocoDetections(ds, dets, 'dets');
    if (E.isLeft(dd)) throw new Error(formatEvalError(dd.left));
    global.gc?.();
    const base = process.memoryUsage();
    let peakRss = base.rss;
    let peakHeap = base.heapUsed;
    const sample = () => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    };
    const timer = setInterval(sample, 20);
    const evalTimes: number[] = [];
    const fileTimes: number[] = [];
    let ours: readonly number[] = [];
    evaluateCoco(ds, dd.right); // warm-up
    for (let r = 0; r < RUNS; r++) {
      const t0 = performance.now();
      ours = evaluateCoco(ds, dd.right).stats;
      evalTimes.push((performance.now() - t0) / 1000);
      sample();
      const t1 = performance.now();
      const f = await evaluateCocoFiles({ gt: gtFile, dets: dtFile })();
      fileTimes.push((performance.now() - t1) / 1000);
      if (E.isLeft(f)) throw new Error(formatEvalError(f.left));
      sample();
    }
    clearInterval(timer);
    const ourEval = median(evalTimes);
    const ourFiles = median(fileTimes);
    console.log(
      `@kd/eval  evaluate+accumulate+summarize: ${ourEval.toFixed(2)} s (median of ${RUNS}); from files (read+validate+eval): ${ourFiles.toFixed(2)} s`,
    );
    console.log(
      `@kd/eval  memory: peak rss ${mb(peakRss)} MiB, peak heapUsed ${mb(peakHeap)} MiB (before eval: rss ${mb(base.rss)} MiB, heap ${mb(base.heapUsed)} MiB)`,
    );
    const env = { ...process.env };
    if (process.env.PYCOCOTOOLS_PATH)
      env.PYTHONPATH = [process.env.PYCOCOTOOLS_PATH, env.PYTHONPATH].filter(Boolean).join(':');
    const probe = spawnSync('/usr/bin/python3', ['-c', 'import pycocotools.cocoeval'], {
      env,
      encoding: 'utf8',
    });
    if (probe.status !== 0) {
      console.log(
        'pycocotools: not importable by /usr/bin/python3 — reference skipped (set PYCOCOTOOLS_PATH or install python3-pycocotools)',
      );
      return;
    }
    const py = spawnSync('/usr/bin/python3', ['-c', PY, gtFile, dtFile], {
      env,
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    if (py.status !== 0) {
      console.log(`pycocotools: failed — reference skipped\n${py.stderr.slice(-800)}`);
      return;
    }
    const ref = JSON.parse(py.stdout.trim().split('\n').pop()!) as {
      load: number;
      eval: number;
      stats: number[];
      maxrss_mb: number;
    };
    const maxDiff = Math.max(...ref.stats.map((s, i) => Math.abs(s - ours[i]!)));
    console.log(
      `pycocotools evaluate+accumulate+summarize: ${ref.eval.toFixed(2)} s; load GT+results: ${ref.load.toFixed(2)} s; max rss ${ref.maxrss_mb.toFixed(0)} MiB`,
    );
    console.log(
      `speed-up (evaluation): ${(ref.eval / ourEval).toFixed(1)}x; end to end from files: ${((ref.eval + ref.load) / ourFiles).toFixed(1)}x`,
    );
    console.log(`max |stats difference| vs pycocotools: ${maxDiff.toExponential(2)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
