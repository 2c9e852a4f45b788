import { before, describe } from 'node:test';
import { type BackendName, initBackend } from './initBackend.js';
import { probeNativeBinding } from './probeNativeBinding.js';

/**
 * The backends this machine can run, for tests: always `cpu` (the numerical reference) and
 * `wasm`; `tensorflow` when a tfjs-node binding is present (probed without importing it) and
 * `KD_NATIVE` is not `off`. Synchronous, so that tests can be registered per backend.
 */
export function testBackends(
  env: Readonly<Record<string, string | undefined>> = process.env,
): BackendName[] {
  const native =
    (env.KD_NATIVE ?? '').toLowerCase() !== 'off' &&
    (probeNativeBinding('@tensorflow/tfjs-node-gpu').present ||
      probeNativeBinding('@tensorflow/tfjs-node').present);
  return native ? ['cpu', 'wasm', 'tensorflow'] : ['cpu', 'wasm'];
}

/**
 * Registers `body` once per available backend (see {@link testBackends}), each in its own
 * `describe` named `<name> [<backend>]` whose `before` hook activates that backend through
 * {@link initBackend} (gradients and kd's kernels registered). A test therefore fails on the
 * backend that computes differently, and a machine with libtensorflow runs every case three times.
 *
 * @param only restrict to these backends (e.g. skip `cpu` for a training step too slow there)
 */
export function describeEachBackend(
  name: string,
  body: (backend: BackendName) => void,
  only?: readonly BackendName[],
): void {
  for (const backend of testBackends()) {
    if (only !== undefined && !only.includes(backend)) continue;
    describe(`${name} [${backend}]`, () => {
      before(async () => {
        await initBackend({ backend });
      });
      body(backend);
    });
  }
}
