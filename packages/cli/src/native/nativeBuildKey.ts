import { homedir } from 'node:os';
import { join } from 'node:path';

/** The TensorFlow wheel whose C library the native backend is built against. */
export const TF_WHEEL = { package: 'tensorflow-cpu', version: '2.21.0' } as const;

export interface NativeBuildKey {
  /** Version of `@tensorflow/tfjs-node` whose binding is compiled. */
  readonly tfjsNode: string;
  readonly tfVersion: string;
  /** `process.platform-process.arch`, e.g. `linux-x64`. */
  readonly platform: string;
  /** N-API version the binding is compiled for. */
  readonly napi: number;
}

/**
 * The cache entry's name: a build is reused only when every input that changes the binary is the
 * same (binding sources, TensorFlow library, platform, N-API level).
 */
export function nativeBuildKey(k: NativeBuildKey): string {
  return `tfjs-node-${k.tfjsNode}_${TF_WHEEL.package}-${k.tfVersion}_${k.platform}_napi-v${k.napi}`;
}

/** `$KD_CACHE_DIR/native`, default `~/.cache/kd/native`. */
export function nativeCacheRoot(env: Readonly<Record<string, string | undefined>>): string {
  const base = env.KD_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'kd');
  return join(base, 'native');
}

/**
 * The N-API version node-pre-gyp would load: the highest of the package's `napi_versions` that
 * this Node supports.
 */
export function bestNapiVersion(
  packageNapi: readonly number[],
  nodeNapi: number,
): number | undefined {
  const usable = packageNapi.filter((v) => v <= nodeNapi);
  return usable.length ? Math.max(...usable) : undefined;
}
