import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { DatasetDescriptor } from '../core/datasetDescriptor.js';
import type { Sample } from '../core/sample.js';
import { copyImageTo } from '../internal/copyImageTo.js';
import { kittiLabelText } from './kittiLabelText.js';

export interface WriteKittiOptions {
  /** KITTI object root (holding `training/`). */
  readonly root: string;
  /** Split file written to `ImageSets/<split>.txt` (ids one per line). */
  readonly split: string;
  readonly samples: readonly Sample[];
  readonly descriptor: DatasetDescriptor;
  /** Copy each image to `training/image_2/<id><ext>` (default true). */
  readonly copyImages?: boolean;
}

/** Writes samples in the KITTI object layout: `training/{image_2,label_2}`, `ImageSets/<split>.txt`. */
export const writeKitti = async (o: WriteKittiOptions): Promise<void> => {
  const labels = path.join(o.root, 'training', 'label_2');
  await mkdir(labels, { recursive: true });
  await mkdir(path.join(o.root, 'ImageSets'), { recursive: true });
  for (const s of o.samples) {
    if (!/^[\w.-]+$/.test(s.id))
      throw new Error(`sample id ${JSON.stringify(s.id)} is not a plain file stem`);
    await writeFile(path.join(labels, `${s.id}.txt`), kittiLabelText(s, o.descriptor));
    if (o.copyImages !== false) {
      const ext = path.extname(s.path) || '.png';
      await copyImageTo(s.path, path.join(o.root, 'training', 'image_2'), `${s.id}${ext}`);
    }
  }
  await writeFile(
    path.join(o.root, 'ImageSets', `${o.split}.txt`),
    o.samples.map((s) => `${s.id}\n`).join(''),
  );
};
