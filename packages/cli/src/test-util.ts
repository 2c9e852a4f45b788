import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built `kd` entry point next to the compiled tests. */
export const kdBin = (): string => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'bin.js'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('dist/bin.js not found above the test file');
    dir = up;
  }
  return path.join(dir, 'bin.js');
};

/** The monorepo root (the folder holding pnpm-workspace.yaml). */
export const repoRoot = (): string => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'pnpm-workspace.yaml'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('pnpm-workspace.yaml not found above the test file');
    dir = up;
  }
  return dir;
};

export interface KdRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node dist/bin.js …args` without blocking, so that several runs can overlap; `cwd` for relative paths. */
export const kd = (args: readonly string[], cwd?: string): Promise<KdRun> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [kdBin(), ...args], {
      ...(cwd ? { cwd } : {}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (status) =>
      resolve({ status, stdout, stderr: withoutTensorFlowBanner(stderr) }),
    );
  });

/**
 * TensorFlow ≥ 2.19 logs two INFO lines through absl while its library loads (before
 * `TF_CPP_MIN_LOG_LEVEL` is read; tensorflow/tensorflow#100442), so every command on the native
 * backend starts its stderr with them. Only those two exact lines are removed: anything else
 * TensorFlow says stays visible to the tests.
 */
export const withoutTensorFlowBanner = (stderr: string): string =>
  stderr
    .replace(
      /^WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR\n/m,
      '',
    )
    .replace(/^I\d{4} [\d:.]+ +\d+ port\.cc:\d+\] oneDNN custom operations are on\..*\n/m, '');

/** Parses a run's stdout as JSON, with its stderr in the failure message. */
export const jsonOf = <T>(r: KdRun): T => {
  if (r.status !== 0) throw new Error(`kd exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
};

/** Lines of a run's `metrics.jsonl` so far (a line per step, and one per evaluation); 0 before any. */
export const loggedLines = (runDir: string): number => {
  const file = path.join(runDir, 'metrics.jsonl');
  return existsSync(file)
    ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).length
    : 0;
};

/** The losses a finished (or killed) run logged, step by step. */
export const loggedLosses = (runDir: string): number[] =>
  readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((l) => l.loss !== undefined)
    .map((l) => l.loss as number);

/**
 * Runs `node …args` (a `kd` command writing to `runDir`) and kills it with SIGKILL, so that no
 * handler runs, once it has written a checkpoint and `lines` lines of metrics. Resolves with the
 * signal that ended it: `'SIGKILL'`, or null when it finished first.
 */
export const killWhenLogged = (
  args: readonly string[],
  runDir: string,
  env: NodeJS.ProcessEnv,
  lines = 2,
): Promise<NodeJS.Signals | null> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [...args], { env, stdio: 'ignore' });
    const latest = path.join(runDir, 'checkpoints', 'LATEST');
    const poll = setInterval(() => {
      if (existsSync(latest) && loggedLines(runDir) >= lines) {
        clearInterval(poll);
        child.kill('SIGKILL');
      }
    }, 20);
    child.on('exit', (_code, signal) => {
      clearInterval(poll);
      resolve(signal);
    });
  });
