import { cocoFormat } from '../coco/cocoFormat.js';
import { kittiFormat } from '../kitti/kittiFormat.js';
import { vocFormat } from '../voc/vocFormat.js';
import type { DatasetFormatModule } from './datasetFormatModule.js';

// The registry: the built-in formats, then whatever `registerDatasetFormat` adds.
const formats = new Map<string, DatasetFormatModule>(
  [vocFormat, cocoFormat, kittiFormat].map((m) => [m.name, m]),
);

/**
 * Adds a dataset format that configs can then name. A name already registered (a built-in one
 * included) is refused: a format means the same thing in every config.
 */
export function registerDatasetFormat(format: DatasetFormatModule): void {
  if (!/^[a-z][\w-]*$/.test(format.name))
    throw new Error(
      `registerDatasetFormat: format name ${JSON.stringify(format.name)} must be lower-case letters, digits, - or _`,
    );
  if (formats.has(format.name))
    throw new Error(`registerDatasetFormat: format '${format.name}' is already registered`);
  formats.set(format.name, format);
}

/** The registered format of that name, or undefined. */
export function datasetFormat(name: string): DatasetFormatModule | undefined {
  return formats.get(name);
}

/** The names of the registered formats, built-ins first. */
export function datasetFormatNames(): string[] {
  return [...formats.keys()];
}
