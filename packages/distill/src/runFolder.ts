import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

/** The files kd writes in a run folder: the only ones `--restart` removes. */
const RUN_FILES = ['config.json', 'metrics.jsonl', 'scores.json'] as const;

/**
 * Claims `runDir` for a run of `configText`: a new folder, or one holding the same config (then the
 * run resumes). A folder holding another config is refused with the ways forward; with `restart`
 * the files kd wrote there (config, metrics, scores, checkpoints) are removed first, nothing else.
 */
export function claimRunFolder(runDir: string, configText: string, restart = false): void {
  mkdirSync(runDir, { recursive: true });
  const configPath = join(runDir, 'config.json');
  if (restart) removeRunFiles(runDir);
  else if (existsSync(configPath) && readFileSync(configPath, 'utf8') !== configText) {
    throw new Error(
      `${runDir} holds a run with a different config.json: pass --restart to start this config over in ` +
        `${runDir} (removes only the config, metrics, scores and checkpoints kd wrote there), ` +
        `or choose another run folder (--run DIR)`,
    );
  }
  const tmp = `${configPath}.tmp-${process.pid}`;
  writeFileSync(tmp, configText);
  renameSync(tmp, configPath);
}

function removeRunFiles(runDir: string): void {
  for (const f of RUN_FILES) rmSync(join(runDir, f), { force: true });
  const ckpts = join(runDir, 'checkpoints');
  if (!existsSync(ckpts)) return;
  for (const f of readdirSync(ckpts))
    if (f === 'LATEST' || /^ckpt-\d+$/.test(f))
      rmSync(join(ckpts, f), { recursive: true, force: true });
}

/**
 * Cuts `metrics.jsonl` back to the lines of steps up to `step` (a resumed run redoes the later
 * ones). A torn last line (a write cut short by a crash or power loss) is dropped; a torn line
 * elsewhere is an error naming it. Returns what was dropped, for the log.
 */
export function trimMetrics(file: string, step: number): { dropped: number; torn: boolean } {
  if (!existsSync(file)) return { dropped: 0, torn: false };
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const kept: string[] = [];
  let torn = false;
  for (const [i, l] of lines.entries()) {
    let parsed: { step?: unknown };
    try {
      parsed = JSON.parse(l) as { step?: unknown };
    } catch {
      if (i === lines.length - 1) {
        torn = true;
        continue;
      }
      throw new Error(
        `${file}:${i + 1}: not a JSON line (${l.slice(0, 60)}…); fix or remove it to resume`,
      );
    }
    if (typeof parsed.step === 'number' && parsed.step <= step) kept.push(l);
  }
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, kept.map((l) => `${l}\n`).join(''));
  renameSync(tmp, file);
  return { dropped: lines.length - kept.length - (torn ? 1 : 0), torn };
}
