import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { DatasetDescriptor } from '../core/datasetDescriptor.js';
import type { Sample } from '../core/sample.js';
import { copyImageTo } from '../internal/copyImageTo.js';
import { boxRle } from './boxRle.js';

export interface WriteCocoOptions {
  /** The instances JSON file to write (e.g. `annotations/instances_val2017.json`). */
  readonly annotationFile: string;
  /** Folder the `file_name`s are relative to; images are copied there when `copyImages`. */
  readonly imageDir: string;
  readonly samples: readonly Sample[];
  readonly descriptor: DatasetDescriptor;
  readonly copyImages?: boolean;
}

const isDecimalId = (s: string): boolean => /^(0|[1-9]\d*)$/.test(s.replace(/^0+(?=\d)/, ''));

/**
 * The COCO image id each sample gets: its own id when every id is a decimal integer and they
 * are distinct (the text is kept exactly, leading zeros dropped), else 1..N in sample order.
 */
export const cocoImageIds = (samples: readonly Sample[]): string[] => {
  const own = samples.map((s) => s.id.replace(/^0+(?=\d)/, ''));
  const ok = samples.every((s) => isDecimalId(s.id)) && new Set(own).size === own.length;
  return ok ? own : samples.map((_, i) => String(i + 1));
};

/**
 * Writes a COCO instances file, streaming (memory stays bounded for large datasets). Boxes go
 * out as `[x1, y1, x2 - x1, y2 - y1]`; `area` is the sample's COCO area when known, else w*h;
 * non-crowd objects get their box as polygon, crowd ones an uncompressed RLE of the box.
 */
export const writeCoco = async (o: WriteCocoOptions): Promise<void> => {
  await mkdir(path.dirname(o.annotationFile), { recursive: true });
  const ids = cocoImageIds(o.samples);
  const out = createWriteStream(o.annotationFile);
  let failure: Error | undefined;
  out.on('error', (e) => {
    failure = e;
  });
  const write = (s: string): Promise<void> =>
    new Promise((resolve, reject) => {
      if (failure) reject(failure);
      else if (out.write(s)) resolve();
      else out.once('drain', resolve);
    });
  await write(
    '{"info":{"description":"written by @kd/data-voc-coco-kitti"},"licenses":[],"images":[',
  );
  for (let i = 0; i < o.samples.length; i++) {
    const s = o.samples[i]!;
    await write(
      `${i ? ',' : ''}{"id":${ids[i]},"width":${s.width},"height":${s.height},"file_name":${JSON.stringify(s.fileName)}}`,
    );
  }
  await write('],"annotations":[');
  let annId = 0;
  let first = true;
  for (let i = 0; i < o.samples.length; i++) {
    const s = o.samples[i]!;
    for (const a of s.objects) {
      annId += 1;
      const [x1, y1, x2, y2] = a.box;
      const w = x2 - x1;
      const h = y2 - y1;
      const seg = a.crowd ? boxRle(a.box, s.width, s.height) : [[x1, y1, x1, y2, x2, y2, x2, y1]];
      const catId = o.descriptor.categoryIds[a.classIndex];
      if (catId === undefined)
        throw new RangeError(`class index ${a.classIndex} has no category id`);
      await write(
        `${first ? '' : ','}${JSON.stringify({
          id: annId,
          image_id: 0,
          category_id: catId,
          bbox: [x1, y1, w, h],
          area: a.area ?? w * h,
          iscrowd: a.crowd ? 1 : 0,
          segmentation: seg,
        }).replace('"image_id":0', `"image_id":${ids[i]}`)}`,
      );
      first = false;
    }
  }
  await write('],"categories":');
  await write(
    JSON.stringify(
      o.descriptor.classNames.map((name, k) => ({
        id: o.descriptor.categoryIds[k],
        name,
        supercategory: 'object',
      })),
    ),
  );
  await write('}\n');
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  if (o.copyImages !== false) {
    for (const s of o.samples) await copyImageTo(s.path, o.imageDir, s.fileName);
  }
};
