// Inference speed of the teacher and the two students, in Node (active backend) and in headless
// Chromium (wasm, and WebGL when it starts), in one run: `pnpm --filter @kd/cli bench`.
// Options: --teacher/--baseline/--distilled CKPT, --runs N, --no-browser.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeImageFile } from '@kd/data-voc-coco-kitti';
import { compileDetector, fileIOHandler, loadDetector } from '@kd/faster-rcnn';
import { initBackend } from '@kd/tensor-ops';
import * as E from 'fp-ts/lib/Either.js';
import { formatTable } from '../format/formatTable.js';
import { repoRoot } from '../test-util.js';
import { buildWebDemo } from '../web/buildWebDemo.js';
import { serveDirectory } from '../web/serveDirectory.js';

const CHROMIUM = '/usr/bin/chromium';
const { values } = parseArgs({
  options: {
    teacher: {
      type: 'string',
      default: join(repoRoot(), 'models', 'shapes-teacher-pretrained-256'),
    },
    baseline: {
      type: 'string',
      default: join(repoRoot(), 'models', 'shapes-student-baseline-pretrained'),
    },
    distilled: {
      type: 'string',
      default: join(repoRoot(), 'models', 'shapes-student-distilled-pretrained'),
    },
    runs: { type: 'string', default: '20' },
    browser: { type: 'boolean', default: true },
    'no-browser': { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const models = { teacher: values.teacher, baseline: values.baseline, distilled: values.distilled };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const info = await initBackend();
const dir = mkdtempSync(join(tmpdir(), 'kd-deploy-bench-'));
try {
  // One folder holds every export (models/<name>) and the sample images, for Node and the page.
  const site = await buildWebDemo({
    checkpoint: models.distilled,
    out: join(dir, 'site'),
    samples: 4,
    extraModels: models,
  });
  const rows: { env: string; model: string; ms: number }[] = [];
  const images = [];
  for (const s of site.samples) {
    const img = await decodeImageFile(join(site.out, 'samples', s));
    if (E.isLeft(img)) throw new Error(img.left);
    images.push(img.right);
  }
  const nodeEnv = `node ${info.name}${info.wasm ? ` (simd ${info.wasm.simd}, threads ${info.wasm.threads})` : ''}`;
  // Round-robin over the models (one run of each per round): a load burst on a shared machine
  // then hits every model alike, so the speed ratios stay meaningful.
  // On the native backend each model also runs compiled into TensorFlow graphs
  // (`compileDetector`), in the same rounds.
  const compiledEnv = `${nodeEnv}, compiled graphs`;
  const detectors = [];
  for (const env of info.name === 'tensorflow' ? [nodeEnv, compiledEnv] : [nodeEnv]) {
    for (const name of Object.keys(models)) {
      const loaded = await loadDetector(fileIOHandler(join(site.out, 'models', name)));
      let d = loaded;
      if (env === compiledEnv) {
        const c = compileDetector(loaded);
        if (E.isLeft(c)) throw new Error(c.left);
        d = c.right;
      }
      await d.detect(images[0]!);
      detectors.push({ env, name, d, ms: [] as number[] });
    }
  }
  for (let i = 0; i < runs; i++) {
    for (const m of detectors) {
      const t0 = performance.now();
      await m.d.detect(images[i % images.length]!);
      m.ms.push(performance.now() - t0);
    }
  }
  for (const m of detectors) {
    m.d.dispose();
    rows.push({ env: m.env, model: m.name, ms: median(m.ms) });
  }

  if (values.browser && !values['no-browser'] && existsSync(CHROMIUM)) {
    const { chromium } = await import('playwright-core');
    const { server, url } = await serveDirectory(site.out, 0);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
    try {
      for (const backend of ['wasm', 'webgl']) {
        const page = await browser.newPage();
        await page.goto(`${url}?backend=${backend}`);
        await page.waitForFunction(() => window.kdDemo ?? window.kdDemoError, null, {
          timeout: 300_000,
        });
        const error = await page.evaluate(() => window.kdDemoError);
        if (error) {
          process.stderr.write(`chromium ${backend}: ${error.split('\n')[0]}\n`);
          continue;
        }
        const env = await page.evaluate(
          () =>
            `chromium ${window.kdDemo!.backend} (${crossOriginIsolated ? `cross-origin isolated, ${navigator.hardwareConcurrency} cores` : 'not isolated'})`,
        );
        // Software WebGL (SwiftShader, no GPU here) is slow: fewer runs.
        const n = backend === 'webgl' ? Math.min(runs, 3) : runs;
        for (const name of Object.keys(models)) {
          const ms = await page.evaluate(([img, k, m]) => window.kdDemo!.time(img, k, m), [
            `samples/${site.samples[0]}`,
            n,
            `models/${name}/model.json`,
          ] as [string, number, string]);
          rows.push({ env, model: name, ms });
        }
        await page.close();
      }
    } finally {
      await browser.close();
      server.close();
    }
  } else {
    process.stderr.write(
      `skipping Chromium (${existsSync(CHROMIUM) ? '--no-browser' : 'chromium not installed'})\n`,
    );
  }

  const byEnv = new Map<string, Map<string, number>>();
  for (const r of rows) byEnv.set(r.env, (byEnv.get(r.env) ?? new Map()).set(r.model, r.ms));
  process.stdout.write(
    `\nInference latency per image (median of ${runs} runs after a warm-up, the models taking turns in Node; one 128-px shapes image, ${site.samples.length} samples rotated in Node; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')})\n\n`,
  );
  process.stdout.write(
    `${formatTable(
      ['environment', 'model', 'ms / image', 'images / s'],
      rows.map((r) => [r.env, r.model, r.ms.toFixed(1), (1000 / r.ms).toFixed(1)]),
    )}\n\n`,
  );
  for (const [env, m] of byEnv) {
    const t = m.get('teacher');
    const ratio = (s: string) => (t !== undefined && m.get(s) ? (t / m.get(s)!).toFixed(2) : 'n/a');
    process.stdout.write(
      `${env}: teacher / student speed ratio ${ratio('distilled')}× (distilled), ${ratio('baseline')}× (baseline); the paper reports ~3×\n`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
