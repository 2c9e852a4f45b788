import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { latestCheckpoint } from '@kd/faster-rcnn';

/**
 * The checkpoint folder a user means by `path`: a checkpoint folder itself (holds `model.json`), a
 * run's `checkpoints/` folder or a run folder (then the newest checkpoint, by `LATEST`). Throws
 * naming what was looked for when none is found.
 */
export function resolveCheckpoint(path: string): string {
  if (existsSync(join(path, 'model.json'))) return path;
  const found = latestCheckpoint(path) ?? latestCheckpoint(join(path, 'checkpoints'));
  if (found) return found;
  throw new Error(
    `${path}: no checkpoint (expected a folder with model.json, a run's checkpoints/ folder with LATEST, or a run folder)`,
  );
}
