import { BACKENDS, type BackendName } from '@kd/tensor-ops';
import { testBackends } from '@kd/tensor-ops/testing';

/**
 * The backends a benchmark times: `KD_BENCH_BACKENDS=tensorflow,wasm`, default every one available
 * but cpu (too slow to train), in kd's order of preference (tensorflow first).
 */
export function benchBackends(): BackendName[] {
  const asked = process.env.KD_BENCH_BACKENDS;
  const all: BackendName[] = BACKENDS.filter((b) => b !== 'cpu' && testBackends().includes(b));
  if (asked === undefined || asked === '') return all;
  return asked
    .split(',')
    .map((b) => b.trim() as BackendName)
    .filter((b) => all.includes(b));
}
