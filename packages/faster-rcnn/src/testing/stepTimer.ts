import { median } from './median.js';

/** Wall times of timed calls, with the process's CPU time and wall time over them. */
export interface Timed {
  readonly ms: number[];
  cpuUs: number;
  wallMs: number;
}

export const newTimed = (): Timed => ({ ms: [], cpuUs: 0, wallMs: 0 });

/** Runs `f` once, adding its wall time and the process's CPU time (every thread) to `into`. */
export function timed(into: Timed, f: () => void): void {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  f();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  into.ms.push(ms);
  into.wallMs += ms;
  into.cpuUs += c.user + c.system;
}

/** CPU time / wall time over the timed calls. */
export const cpuPerWall = (t: Timed): number => t.cpuUs / 1000 / t.wallMs;

/** "median (CPU/wall)", the benchmarks' table cell. */
export const timedCell = (t: Timed, digits = 0): string =>
  `${median(t.ms).toFixed(digits)} (${cpuPerWall(t).toFixed(2)})`;

/**
 * Times `fs` in turn, `rounds` calls each (one of each per round), so that the machine's drift hits
 * them alike; one `Timed` per function, in order.
 */
export function alternate<F extends readonly (() => void)[]>(
  rounds: number,
  ...fs: F
): { [K in keyof F]: Timed } {
  const t = fs.map(() => newTimed());
  for (let i = 0; i < rounds; i++) fs.forEach((f, j) => timed(t[j]!, f));
  return t as { [K in keyof F]: Timed };
}

/** "median(a) / median(b)×": how much faster `b` ran. */
export const speedUp = (a: Timed, b: Timed): string =>
  `${(median(a.ms) / median(b.ms)).toFixed(2)}×`;
