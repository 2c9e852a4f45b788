import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, values?: Readonly<Record<string, string>>): void;
  stop(): void;
}

/**
 * A progress display for long work: a bar with ETA on a terminal, a line every ~5% otherwise (logs,
 * CI). Writes to stderr so that `--json` output on stdout stays clean.
 */
export function createProgress(title: string, total: number, quiet = false): Progress {
  if (quiet) return { update() {}, stop() {} };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${title} [{bar}] {value}/{total} {info} ETA {eta_formatted}`,
        stream: process.stderr,
        hideCursor: true,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { info: '' });
    return {
      update(done, values) {
        bar.update(done, {
          info: values
            ? Object.entries(values)
                .map(([k, v]) => `${k} ${v}`)
                .join(' ')
            : '',
        });
      },
      stop() {
        bar.stop();
      },
    };
  }
  const start = Date.now();
  let nextPct = 0;
  return {
    update(done, values) {
      const pct = Math.floor((100 * done) / total);
      if (pct < nextPct && done !== total) return;
      nextPct = pct + 5;
      const elapsed = (Date.now() - start) / 1000;
      const eta = done > 0 ? (elapsed / done) * (total - done) : Number.NaN;
      const info = values
        ? Object.entries(values)
            .map(([k, v]) => `${k} ${v}`)
            .join(' ')
        : '';
      process.stderr.write(
        `${title} ${done}/${total} (${pct}%) ${info} elapsed ${elapsed.toFixed(0)}s ETA ${Number.isFinite(eta) ? eta.toFixed(0) : '?'}s\n`,
      );
    },
    stop() {},
  };
}
