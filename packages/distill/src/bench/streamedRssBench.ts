// Benchmark: peak memory of training is independent of the dataset's size (streamed batches).
// Trains the same short run on 800 and on 8,000 generated images, each in a fresh process, and
// compares their peak resident set sizes; they must be within 10 %.
// Run: pnpm --filter @kd/distill bench  (node dist/bench/streamedRssBench.js [steps])
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSplit } from '../loadDataset.js';

const steps = process.argv[2] ?? '50';
const child = fileURLToPath(new URL('./streamedRssChild.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kd-rss-bench-'));
try {
  console.log(
    `streamed training: peak RSS of ${steps} steps (batch 4, 96 px, loader prefetch 2) — ${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)}`,
  );
  const rows: { trainImages: number; steps: number; seconds: number; maxRssKiB: number }[] = [];
  for (const n of [800, 8000]) {
    const root = join(dir, `shapes-${n}`);
    const t0 = Date.now();
    // Generated once here, so that the child's peak is training alone.
    const cfg = {
      format: 'shapes',
      root,
      seed: 11,
      trainImages: n,
      testImages: 16,
      imageSize: 96,
    } as const;
    await loadSplit(cfg, 'train');
    console.log(`  generated ${n} images in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    const out = execFileSync(
      process.execPath,
      [child, root, String(n), join(dir, `run-${n}`), steps],
      {
        encoding: 'utf8',
      },
    );
    rows.push(JSON.parse(out.trim().split('\n').at(-1)!));
  }
  for (const r of rows)
    console.log(
      `  ${String(r.trainImages).padStart(5)} images: peak RSS ${(r.maxRssKiB / 1024).toFixed(0)} MiB, ${r.steps} steps in ${r.seconds.toFixed(0)} s`,
    );
  const ratio = rows[1]!.maxRssKiB / rows[0]!.maxRssKiB;
  const ok = Math.abs(ratio - 1) <= 0.1;
  console.log(`  8000 / 800 peak RSS: ${ratio.toFixed(3)} (${ok ? 'within' : 'NOT within'} 10 %)`);
  if (!ok) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
