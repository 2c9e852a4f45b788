import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Whether `name` is installed where `@kd/cli` can import it. */
export function isInstalled(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * The optional peer dependencies of `@kd/cli`: heavy packages only one feature uses. Each is
 * imported when its feature runs, so the rest of the CLI works without it.
 */
export const OPTIONAL_DEPENDENCIES = {
  esbuild: { range: '^0.25.0', feature: 'kd build-web-demo (bundles the page)' },
  vega: { range: '^6.2.0', feature: 'kd report and kd demo (draw the charts)' },
  'vega-lite': { range: '^6.4.0', feature: 'kd report and kd demo (draw the charts)' },
  '@tensorflow/tfjs-backend-webgl': {
    range: '^4.22.0',
    feature: 'kd build-web-demo (the page runs on WebGL where the browser has it)',
  },
} as const;

export type OptionalDependency = keyof typeof OPTIONAL_DEPENDENCIES;

/** The message for a missing optional dependency: what needs it and how to install it. */
export function missingMessage(name: OptionalDependency): string {
  const { range, feature } = OPTIONAL_DEPENDENCIES[name];
  return `${feature} needs the optional package ${name}, which is not installed: npm install ${name}@'${range}'`;
}

/** Throws `missingMessage(name)` unless `name` is installed. */
export function requireOptional(name: OptionalDependency): void {
  if (!isInstalled(name)) throw new Error(missingMessage(name));
}

/**
 * Imports an optional dependency when the feature that needs it runs; a missing package is an
 * error naming the feature and the install command, not ERR_MODULE_NOT_FOUND.
 */
export async function importOptional<M>(name: OptionalDependency): Promise<M> {
  requireOptional(name);
  return (await import(name)) as M;
}
