import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ExampleRunner {
  /** A fresh temporary folder for the runs. */
  readonly out: string;
  /** Runs the compiled `main.js` beside the test with these arguments, environment additions and cwd. */
  run(
    args: readonly string[],
    env?: Readonly<Record<string, string>>,
    cwd?: string,
  ): SpawnSyncReturns<string>;
  /** Removes `out`; pass to `after`. */
  cleanup(): void;
}

/** For an example's smoke test: its `main.js` (next to `testUrl`, the test's import.meta.url) as a child process. */
export function exampleRunner(testUrl: string, prefix: string): ExampleRunner {
  const main = fileURLToPath(new URL('./main.js', testUrl));
  const out = mkdtempSync(join(tmpdir(), prefix));
  return {
    out,
    run: (args, env = {}, cwd) =>
      spawnSync(process.execPath, [main, ...args], {
        encoding: 'utf8',
        env: { ...process.env, ...env },
        ...(cwd ? { cwd } : {}),
      }),
    cleanup: () => rmSync(out, { recursive: true, force: true }),
  };
}
