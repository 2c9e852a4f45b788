import { median } from '@kd/faster-rcnn/testing';

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

/** Times `a` and `b` alternately, `rounds` calls each, so that the machine's drift hits both alike. */
export function alternate(rounds: number, a: () => void, b: () => void): [Timed, Timed] {
  const t: [Timed, Timed] = [newTimed(), newTimed()];
  for (let i = 0; i < rounds; i++) {
    timed(t[0], a);
    timed(t[1], b);
  }
  return t;
}

/** "median(a) / median(b)×": how much faster `b` ran. */
export const speedUp = (a: Timed, b: Timed): string =>
  `${(median(a.ms) / median(b.ms)).toFixed(2)}×`;
