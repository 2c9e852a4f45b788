import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { buildNativeBinding } from './buildNativeBinding.js';
import {
  bestNapiVersion,
  type NativeBuildKey,
  nativeBuildKey,
  nativeCacheRoot,
  TF_WHEEL,
} from './nativeBuildKey.js';

export type SetupNativeResult =
  | {
      readonly kind: 'native';
      /** `cached`: linked from an earlier build; `built`: built now; `own`: the package already had a binding. */
      readonly how: 'cached' | 'built' | 'own';
      readonly packageDir: string;
      /** TensorFlow version the binding reports when loaded. */
      readonly tfVersion: string;
      readonly cacheDir?: string;
    }
  | { readonly kind: 'fallback'; readonly reason: string };

export interface SetupNativeOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where `@tensorflow/tfjs-node` is resolved from (default: the working directory, then kd). */
  readonly resolveFrom?: readonly string[];
}

const fallback = (reason: string): SetupNativeResult => ({ kind: 'fallback', reason });

function findPackageDir(from: readonly string[]): string | undefined {
  for (const base of from) {
    try {
      return dirname(createRequire(base).resolve('@tensorflow/tfjs-node/package.json'));
    } catch {
      // next base
    }
  }
  return undefined;
}

/** A `lib`/`deps` entry kd made: a symlink into a cache entry (a folder with build.json). */
function isOurLink(path: string): boolean {
  try {
    if (!lstatSync(path).isSymbolicLink()) return false;
    return existsSync(join(dirname(resolve(dirname(path), readlinkSync(path))), 'build.json'));
  } catch {
    return false;
  }
}

function unlinkOurs(packageDir: string): void {
  for (const name of ['lib', 'deps']) {
    const p = join(packageDir, name);
    if (isOurLink(p)) rmSync(p);
  }
}

/** Loads the package in a child process (a broken binding must not poison this one). */
function verify(
  packageDir: string,
  env: Readonly<Record<string, string | undefined>>,
): E.Either<string, string> {
  const script = `const tf = require(${JSON.stringify(packageDir)});
    const x = tf.conv2d(tf.ones([1, 5, 5, 2]), tf.ones([3, 3, 2, 4]), 1, 'same');
    const ok = tf.getBackend() === 'tensorflow' && x.dataSync()[0] === 8;
    process.stdout.write(JSON.stringify({ ok, tf: tf.backend().binding.TF_Version }));`;
  const r = spawnSync(process.execPath, ['-e', script], {
    env: { ...env, TF_CPP_MIN_LOG_LEVEL: '2' } as NodeJS.ProcessEnv,
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    const last =
      (r.stderr ?? '').trim().split('\n').filter(Boolean).slice(-1)[0] ?? `exit ${r.status}`;
    return E.left(`the binding does not load (${last})`);
  }
  try {
    const out = JSON.parse(r.stdout) as { ok: boolean; tf: string };
    return out.ok
      ? E.right(out.tf)
      : E.left('the binding loads but a 3×3 conv2d gave a wrong value');
  } catch {
    return E.left(`the binding check printed ${JSON.stringify(r.stdout.slice(0, 200))}`);
  }
}

/**
 * Makes the native TensorFlow backend usable for kd: finds the installed `@tensorflow/tfjs-node`,
 * and when it has no binding (its install script could not download libtensorflow, or was
 * skipped) builds one against the `tensorflow-cpu` wheel (or reuses a cached build keyed by
 * tfjs-node version, TensorFlow version, platform and N-API level) and links it into the package
 * (`lib/`, `deps/` symlinks into the cache; nothing of the package is overwritten). The result is
 * loaded in a child process before it is kept. Never throws: when anything is missing the result
 * says why, and kd runs on wasm.
 *
 * `KD_NATIVE=off` skips all of it (and {@link initBackend} then ignores tfjs-node too).
 */
export function setupNative(options: SetupNativeOptions = {}): SetupNativeResult {
  const env = options.env ?? process.env;
  if ((env.KD_NATIVE ?? '').toLowerCase() === 'off') return fallback('KD_NATIVE=off');
  const platform = `${process.platform}-${process.arch}`;
  const packageDir = findPackageDir(
    options.resolveFrom ?? [join(process.cwd(), 'noop.js'), import.meta.url],
  );
  if (packageDir === undefined) {
    return fallback(
      '@tensorflow/tfjs-node is not installed (install it next to kd: `npm install @tensorflow/tfjs-node`, or with --ignore-scripts offline, then `kd setup-native`)',
    );
  }
  const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
    binary?: { napi_versions?: number[] };
  };
  const napi = bestNapiVersion(pkg.binary?.napi_versions ?? [], Number(process.versions.napi));
  if (napi === undefined) {
    return fallback(
      `this Node.js (N-API ${process.versions.napi}) cannot load tfjs-node ${pkg.version}`,
    );
  }
  const bindingPath = join(packageDir, 'lib', `napi-v${napi}`, 'tfjs_binding.node');
  const libPath = join(packageDir, 'lib');
  if (existsSync(bindingPath) && !isOurLink(libPath)) {
    const own = verify(packageDir, env);
    return E.isRight(own)
      ? { kind: 'native', how: 'own', packageDir, tfVersion: own.right }
      : fallback(`@tensorflow/tfjs-node's own binding: ${own.left}`);
  }
  for (const name of ['lib', 'deps']) {
    const p = join(packageDir, name);
    if (existsSync(p) && !isOurLink(p)) {
      return fallback(`${p} exists and was not made by kd; not touching it`);
    }
  }
  if (platform !== 'linux-x64') {
    return fallback(
      `building the binding from the ${TF_WHEEL.package} wheel is supported on linux-x64 only (this is ${platform})`,
    );
  }
  const key: NativeBuildKey = {
    tfjsNode: pkg.version,
    tfVersion: TF_WHEEL.version,
    platform,
    napi,
  };
  const root = nativeCacheRoot(env);
  const cacheDir = join(root, nativeBuildKey(key));
  const cachedBinding = join(cacheDir, 'lib', `napi-v${napi}`, 'tfjs_binding.node');
  let how: 'cached' | 'built' = 'cached';
  if (!existsSync(cachedBinding) || !existsSync(join(cacheDir, 'build.json'))) {
    const log = `${cacheDir}.build.log`;
    const built = buildNativeBinding({ key, dir: cacheDir, packageDir, log, env });
    if (E.isLeft(built)) {
      unlinkOurs(packageDir);
      return fallback(`native build failed: ${built.left} (log: ${log})`);
    }
    how = 'built';
  }
  unlinkOurs(packageDir);
  symlinkSync(join(cacheDir, 'lib'), libPath);
  symlinkSync(join(cacheDir, 'deps'), join(packageDir, 'deps'));
  const loaded = verify(packageDir, env);
  if (E.isLeft(loaded)) {
    unlinkOurs(packageDir);
    return fallback(`native build in ${cacheDir}: ${loaded.left}`);
  }
  return { kind: 'native', how, packageDir, tfVersion: loaded.right, cacheDir };
}

/** The one line the setup prints. */
export function formatSetupNative(r: SetupNativeResult): string {
  if (r.kind === 'fallback') {
    return `kd: native TensorFlow backend not available (${r.reason}); kd runs on wasm`;
  }
  const how = {
    cached: `cached build ${r.cacheDir}`,
    built: `built into ${r.cacheDir}`,
    own: 'its own binding',
  }[r.how];
  return `kd: native TensorFlow backend ready (TensorFlow ${r.tfVersion}, ${how})`;
}
