import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Removes all but the newest `keep` checkpoint folders (`ckpt-<step>`, zero-padded so that names
 * sort by step) of a run, never the one `LATEST` names.
 */
export function pruneCheckpoints(checkpointsDir: string, keep: number): void {
  const latest = readFileSync(join(checkpointsDir, 'LATEST'), 'utf8').trim();
  const all = readdirSync(checkpointsDir)
    .filter((f) => /^ckpt-\d+$/.test(f))
    .sort();
  for (const old of all.slice(0, -keep))
    if (old !== latest) rmSync(join(checkpointsDir, old), { recursive: true, force: true });
}
