import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { DatasetDescriptor } from '../core/datasetDescriptor.js';
import type { Sample } from '../core/sample.js';
import { copyImageTo } from '../internal/copyImageTo.js';
import { vocAnnotationXml } from './vocAnnotationXml.js';

export interface WriteVocOptions {
  /** The `VOCdevkit/VOC20xx` folder to write into. */
  readonly yearDir: string;
  /** Split file written to `ImageSets/Main/<split>.txt`. */
  readonly split: string;
  readonly samples: readonly Sample[];
  readonly descriptor: DatasetDescriptor;
  /** Copy each sample's image to `JPEGImages/<fileName>` (default true). */
  readonly copyImages?: boolean;
}

/**
 * Writes samples in the VOC layout: `Annotations/<stem>.xml`, `ImageSets/Main/<split>.txt`,
 * `JPEGImages/<fileName>`. The annotation stem is the sample id, which must be a plain name.
 */
export const writeVoc = async (o: WriteVocOptions): Promise<void> => {
  const ann = path.join(o.yearDir, 'Annotations');
  const sets = path.join(o.yearDir, 'ImageSets', 'Main');
  await mkdir(ann, { recursive: true });
  await mkdir(sets, { recursive: true });
  const folder = path.basename(o.yearDir);
  for (const s of o.samples) {
    if (!/^[\w.-]+$/.test(s.id))
      throw new Error(`sample id ${JSON.stringify(s.id)} is not a plain file stem`);
    await writeFile(path.join(ann, `${s.id}.xml`), vocAnnotationXml(s, o.descriptor, folder));
    if (o.copyImages !== false) {
      await copyImageTo(s.path, path.join(o.yearDir, 'JPEGImages'), s.fileName);
    }
  }
  await writeFile(path.join(sets, `${o.split}.txt`), o.samples.map((s) => `${s.id}\n`).join(''));
};
