import { type BackendName, initBackend } from '../backend/initBackend.js';

/** Selects a backend by name through `initBackend` (gradients and wasm training kernels registered). */
export async function useBackend(name: BackendName): Promise<void> {
  await initBackend({ backend: name });
}

/** Selects the cpu backend, the numerical reference. */
export async function useCpu(): Promise<void> {
  await useBackend('cpu');
}
