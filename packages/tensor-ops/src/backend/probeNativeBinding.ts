import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface NativeBindingProbe {
  readonly package: string;
  readonly present: boolean;
  /** Path of the `tfjs_binding.node` found, when present. */
  readonly bindingPath?: string;
  /** Human-readable reason, for `kd info`. */
  readonly reason: string;
}

function resolvePackageJson(pkg: string, from: readonly string[]): string | undefined {
  for (const base of from) {
    try {
      return createRequire(base).resolve(`${pkg}/package.json`);
    } catch {
      // try the next resolution base
    }
  }
  return undefined;
}

/**
 * Looks for a usable libtensorflow binding of `@tensorflow/tfjs-node(-gpu)` **without importing
 * it**: importing a package whose binding failed to build registers its kernels and then throws,
 * leaving the registry polluted. A binding exists when `lib/napi-v<N>/tfjs_binding.node` does.
 */
export function probeNativeBinding(
  pkg: '@tensorflow/tfjs-node' | '@tensorflow/tfjs-node-gpu',
  resolveFrom: readonly string[] = [import.meta.url, join(process.cwd(), 'noop.js')],
): NativeBindingProbe {
  const pj = resolvePackageJson(pkg, resolveFrom);
  if (pj === undefined) return { package: pkg, present: false, reason: `${pkg} is not installed` };
  const lib = join(dirname(pj), 'lib');
  if (!existsSync(lib)) {
    return { package: pkg, present: false, reason: `${pkg} is installed but has no lib/ folder` };
  }
  for (const entry of readdirSync(lib)) {
    if (!entry.startsWith('napi-v')) continue;
    const candidate = join(lib, entry, 'tfjs_binding.node');
    if (existsSync(candidate)) {
      return {
        package: pkg,
        present: true,
        bindingPath: candidate,
        reason: `binding at ${candidate}`,
      };
    }
  }
  return {
    package: pkg,
    present: false,
    reason: `${pkg} is installed but its native binding (lib/napi-v*/tfjs_binding.node) is missing; its install script could not download libtensorflow`,
  };
}
