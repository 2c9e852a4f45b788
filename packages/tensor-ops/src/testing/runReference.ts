import { spawnSync } from 'node:child_process';

/** The reference interpreter: Debian's python3 with python3-torch, as the developers' guide sets. */
export const REFERENCE_PYTHON = process.env.KD_REFERENCE_PYTHON ?? '/usr/bin/python3';

/** True when `import torch` (and the other `modules`) works under the reference interpreter. */
export function torchAvailable(modules: readonly string[] = ['torch']): boolean {
  const r = spawnSync(REFERENCE_PYTHON, ['-c', `import ${modules.join(', ')}`], {
    encoding: 'utf8',
  });
  return r.status === 0;
}

/** Runs a reference script and parses the JSON object it prints on its last line. */
export function runReference<T>(script: string, args: readonly string[] = []): T {
  const r = spawnSync(REFERENCE_PYTHON, [script, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  if (r.status !== 0) throw new Error(`${script} failed (${r.status}): ${r.stderr}`);
  const last = r.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as T;
}
