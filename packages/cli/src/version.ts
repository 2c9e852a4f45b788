import { readFileSync } from 'node:fs';

/** The @kd/cli version, read from its package.json (works from dist/ and from a packed tarball). */
export function kdVersion(): string {
  const pj = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pj.version;
}
