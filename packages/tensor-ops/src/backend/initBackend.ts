import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { registerReluKernels } from '../activations/relu.js';
import { registerRelu6Kernels } from '../activations/relu6.js';
import { patchExplicitPadding } from './patchExplicitPadding.js';
import { patchPoolGradients } from './patchPoolGradients.js';
import { patchSamePadding } from './patchSamePadding.js';
import { patchStridedPointwiseFilterGrad } from './patchStridedPointwiseFilterGrad.js';
import { patchTransposedMatMul } from './patchTransposedMatMul.js';
import { probeNativeBinding } from './probeNativeBinding.js';
import { registerDilatedConvGradients } from './registerDilatedConvGradients.js';
import { registerTrainingKernels } from './registerTrainingKernels.js';

/** The backends kd can run on, in order of preference. */
export const BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface BackendCandidate {
  readonly name: BackendName;
  /** npm package providing it. */
  readonly package: string;
  readonly available: boolean;
  /** Why it is (not) available. */
  readonly reason: string;
}

export interface BackendInfo {
  /** The active tfjs backend. */
  readonly name: BackendName;
  readonly package: string;
  /** The explicit request (option or `KD_BACKEND`), if any. */
  readonly requested: BackendName | undefined;
  /** Every backend considered, in preference order, with the reason it was or was not chosen. */
  readonly candidates: readonly BackendCandidate[];
  readonly tfjsVersion: string;
  /** For tensorflow: the TensorFlow C library's version, as the loaded binding reports it. */
  readonly tensorflowVersion?: string;
  /** Compute threads the backend uses, and where that number comes from. */
  readonly threads: { readonly count: number; readonly source: string };
  /** For wasm: SIMD and multi-threading as the backend detected them. */
  readonly wasm?: { readonly simd: boolean; readonly threads: boolean };
  /** Kernels kd registered or patched on the active backend so that it trains and matches TF. */
  readonly trainingKernels: readonly string[];
}

export class BackendError extends Error {
  override readonly name = 'BackendError';
}

export interface InitBackendOptions {
  /** Overrides `KD_BACKEND`; when given, an unavailable backend is an error, never a fallback. */
  readonly backend?: BackendName;
  /** Environment to read `KD_BACKEND` from (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Turn on tfjs production mode (no debug checks, no "install tfjs-node" banner). Default true. */
  readonly prodMode?: boolean;
  /**
   * TensorFlow's intra-op threads when the native backend starts (TensorFlow reads the number
   * once per process, into one pool every thread's ops share), and why: reported as the threads'
   * source. `TF_NUM_INTRAOP_THREADS` in the environment wins; ignored on other backends and once
   * tfjs-node is loaded.
   */
  readonly intraOpThreads?: { readonly count: number; readonly why: string };
}

const INSTALL_HINT =
  'To use the native TensorFlow backend install @tensorflow/tfjs-node (CPU, libtensorflow) or ' +
  '@tensorflow/tfjs-node-gpu (CUDA) next to @kd/tensor-ops, e.g. `npm install @tensorflow/tfjs-node`; ' +
  'its install script downloads libtensorflow, so the machine needs internet access during install.';

const SETUP_HINT =
  'build it offline with `pnpm setup-native` (in the repository) or `kd setup-native`';

function nativeCandidates(env: Readonly<Record<string, string | undefined>>): BackendCandidate[] {
  const off = (env.KD_NATIVE ?? '').toLowerCase() === 'off';
  return (['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const).map((pkg) => {
    if (off) return { name: 'tensorflow', package: pkg, available: false, reason: 'KD_NATIVE=off' };
    const probe = probeNativeBinding(pkg);
    const reason =
      probe.present || pkg === '@tensorflow/tfjs-node-gpu'
        ? probe.reason
        : `${probe.reason}; ${SETUP_HINT}`;
    return { name: 'tensorflow', package: pkg, available: probe.present, reason };
  });
}

async function canImport(pkg: string): Promise<string | undefined> {
  try {
    await import(pkg);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

function parseRequest(options: InitBackendOptions): BackendName | undefined {
  if (options.backend !== undefined) return options.backend;
  const raw = (options.env ?? process.env).KD_BACKEND;
  if (raw === undefined || raw === '') return undefined;
  const value = raw.trim().toLowerCase();
  if ((BACKENDS as readonly string[]).includes(value)) return value as BackendName;
  throw new BackendError(
    `KD_BACKEND='${raw}' is not a backend kd knows; expected one of ${BACKENDS.join(', ')}`,
  );
}

async function activate(
  candidate: BackendCandidate,
  env: Readonly<Record<string, string | undefined>>,
  intraOpThreads: string | undefined,
): Promise<string[]> {
  if (candidate.name === 'tensorflow') {
    // TensorFlow's C++ logging (oneDNN and CPU-feature banners) goes to stderr unless told not to.
    if (env.TF_CPP_MIN_LOG_LEVEL === undefined) process.env.TF_CPP_MIN_LOG_LEVEL = '2';
    if (intraOpThreads !== undefined) process.env.TF_NUM_INTRAOP_THREADS = intraOpThreads;
    await import(candidate.package);
    if (!(await tf.setBackend('tensorflow'))) {
      throw new BackendError(
        `${candidate.package} loaded but the 'tensorflow' backend failed to start`,
      );
    }
    return [
      ...patchExplicitPadding('tensorflow'),
      ...patchStridedPointwiseFilterGrad('tensorflow'),
    ];
  }
  if (candidate.name === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    if (!(await tf.setBackend('wasm'))) {
      throw new BackendError("the 'wasm' backend failed to initialise");
    }
    return [
      ...registerTrainingKernels('wasm'),
      ...patchSamePadding('wasm'),
      ...patchTransposedMatMul('wasm'),
      ...patchPoolGradients('wasm'),
    ];
  }
  await import('@tensorflow/tfjs-backend-cpu');
  if (!(await tf.setBackend('cpu'))) throw new BackendError("the 'cpu' backend failed to start");
  return patchPoolGradients('cpu');
}

function backendThreads(
  name: BackendName,
  env: Readonly<Record<string, string | undefined>>,
  wasmThreads: boolean,
): BackendInfo['threads'] {
  if (name === 'tensorflow') {
    const set = Number(env.TF_NUM_INTRAOP_THREADS);
    return Number.isInteger(set) && set > 0
      ? { count: set, source: 'TF_NUM_INTRAOP_THREADS' }
      : {
          count: availableParallelism(),
          source: 'TensorFlow default: one intra-op thread per core',
        };
  }
  if (name === 'wasm' && wasmThreads) {
    return { count: availableParallelism(), source: 'wasm with threads' };
  }
  return {
    count: 1,
    source: name === 'wasm' ? 'wasm runs single-threaded in Node' : 'plain JavaScript',
  };
}

/**
 * Initialises TensorFlow.js for training and returns which backend is active, choosing in this
 * order: `tensorflow` through `@tensorflow/tfjs-node-gpu`, then `@tensorflow/tfjs-node` (each only
 * when its native binding is present, probed without importing it), then `wasm` (with the training
 * kernels it lacks registered), then `cpu`. `KD_BACKEND=tensorflow|wasm|cpu` or `options.backend`
 * forces one; an unavailable forced backend rejects with a {@link BackendError}.
 *
 * Also registers every gradient (bare tfjs-core registers none in Node) and the dilated-conv
 * gradients. Applications call this once at start-up; libraries never pick a backend.
 *
 * @example
 * const info = await initBackend();
 * console.log(info.name); // 'wasm' on a machine without libtensorflow
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const requested = parseRequest(options);
  if (options.prodMode ?? true) tf.enableProdMode();
  // tfjs-core's Node bundle registers no gradients; tfjs-layers' bundle registers them all.
  await import('@tensorflow/tfjs-layers');
  registerDilatedConvGradients();

  const env = options.env ?? process.env;
  const native = nativeCandidates(env);
  const wasmError = await canImport('@tensorflow/tfjs-backend-wasm');
  const cpuError = await canImport('@tensorflow/tfjs-backend-cpu');
  const candidates: BackendCandidate[] = [
    ...native,
    {
      name: 'wasm',
      package: '@tensorflow/tfjs-backend-wasm',
      available: wasmError === undefined,
      reason: wasmError ?? 'WebAssembly backend (ships its .wasm files, works offline)',
    },
    {
      name: 'cpu',
      package: '@tensorflow/tfjs-backend-cpu',
      available: cpuError === undefined,
      reason: cpuError ?? 'plain JavaScript backend (slow; numerical reference)',
    },
  ];

  const pool =
    requested === undefined ? candidates : candidates.filter((c) => c.name === requested);
  const chosen = pool.find((c) => c.available);
  if (chosen === undefined) {
    if (requested === 'tensorflow') {
      const why = native.map((c) => `${c.package}: ${c.reason}`).join('; ');
      throw new BackendError(
        `KD_BACKEND=tensorflow requested but it is not available (${why}). ${INSTALL_HINT}`,
      );
    }
    const why = pool.map((c) => `${c.package}: ${c.reason}`).join('; ');
    throw new BackendError(`backend '${requested ?? 'any'}' is not available (${why})`);
  }
  // TensorFlow reads the count when its first context starts: only before tfjs-node is loaded.
  const threadsAsked =
    chosen.name === 'tensorflow' &&
    options.intraOpThreads !== undefined &&
    !(Number(env.TF_NUM_INTRAOP_THREADS) > 0) &&
    tf.findBackendFactory('tensorflow') === null
      ? options.intraOpThreads
      : undefined;
  if (threadsAsked && !(Number.isInteger(threadsAsked.count) && threadsAsked.count >= 1))
    throw new BackendError(
      `intraOpThreads ${threadsAsked.count}: expected a positive integer (threads)`,
    );
  const trainingKernels = await activate(chosen, env, threadsAsked && String(threadsAsked.count));
  await tf.ready();
  trainingKernels.push(...registerReluKernels(chosen.name), ...registerRelu6Kernels(chosen.name));
  const reasonFor = (c: BackendCandidate): string => {
    if (c === chosen) return `chosen: ${c.reason}`;
    if (!c.available) return c.reason;
    if (requested !== undefined) return `available, not requested (KD_BACKEND=${requested})`;
    return `available, lower priority than ${chosen.package}`;
  };
  const wasm =
    chosen.name === 'wasm'
      ? {
          simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')),
          threads: Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')),
        }
      : undefined;
  const tensorflowVersion =
    chosen.name === 'tensorflow'
      ? (tf.backend() as unknown as { binding?: { TF_Version?: string } }).binding?.TF_Version
      : undefined;
  return {
    name: chosen.name,
    package: chosen.package,
    requested,
    candidates: candidates.map((c) => ({ ...c, reason: reasonFor(c) })),
    tfjsVersion: tf.version_core,
    ...(tensorflowVersion ? { tensorflowVersion } : {}),
    threads: threadsAsked
      ? { count: threadsAsked.count, source: threadsAsked.why }
      : backendThreads(chosen.name, env, wasm?.threads ?? false),
    ...(wasm ? { wasm } : {}),
    // A kernel patched twice (padding, then the 1×1 filter gradient) is listed once.
    trainingKernels: [...new Set(trainingKernels)],
  };
}

/** {@link initBackend} as a TaskEither, for callers composing with fp-ts. */
export const initBackendTE = (
  options: InitBackendOptions = {},
): TE.TaskEither<BackendError, BackendInfo> =>
  TE.tryCatch(
    () => initBackend(options),
    (err) => (err instanceof BackendError ? err : new BackendError(String(err))),
  );
