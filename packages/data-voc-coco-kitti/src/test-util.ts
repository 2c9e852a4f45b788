import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (the folder holding package.json), found from the compiled file's location. */
export const packageRoot = (): string => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above the test file');
    dir = up;
  }
  return dir;
};

/** A path inside `fixtures/`. */
export const fixture = (...parts: string[]): string =>
  path.join(packageRoot(), 'fixtures', ...parts);
