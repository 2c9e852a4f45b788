import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
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
