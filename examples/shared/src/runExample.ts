/**
 * Runs an example's `main`; a failure prints `<name>: <message>` (no stack: the messages name the
 * file or setting at fault) and sets the exit code to 1.
 */
export function runExample(name: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    process.stderr.write(`${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
