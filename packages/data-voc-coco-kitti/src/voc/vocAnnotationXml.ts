import type { DatasetDescriptor } from '../core/datasetDescriptor.js';
import type { Sample } from '../core/sample.js';
import { formatNumber } from '../internal/formatNumber.js';

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A VOC annotation XML document for one sample. Boxes go back to VOC's 1-based inclusive
 * pixels: `xmin = x1 + 1`, `ymin = y1 + 1`, `xmax = x2`, `ymax = y2` (exact inverse of the reader).
 */
export const vocAnnotationXml = (
  sample: Sample,
  descriptor: DatasetDescriptor,
  folder = 'VOC2007',
): string => {
  const lines = [
    '<annotation>',
    `\t<folder>${esc(folder)}</folder>`,
    `\t<filename>${esc(sample.fileName)}</filename>`,
    '\t<size>',
    `\t\t<width>${sample.width}</width>`,
    `\t\t<height>${sample.height}</height>`,
    '\t\t<depth>3</depth>',
    '\t</size>',
    '\t<segmented>0</segmented>',
  ];
  for (const o of sample.objects) {
    const name = descriptor.classNames[o.classIndex];
    if (name === undefined) throw new RangeError(`class index ${o.classIndex} has no name`);
    const [x1, y1, x2, y2] = o.box;
    lines.push(
      '\t<object>',
      `\t\t<name>${esc(name)}</name>`,
      `\t\t<pose>${esc(o.pose ?? 'Unspecified')}</pose>`,
      `\t\t<truncated>${o.truncated > 0 ? 1 : 0}</truncated>`,
      `\t\t<occluded>${o.occluded > 0 ? 1 : 0}</occluded>`,
      `\t\t<difficult>${o.difficult ? 1 : 0}</difficult>`,
      '\t\t<bndbox>',
      `\t\t\t<xmin>${formatNumber(x1 + 1)}</xmin>`,
      `\t\t\t<ymin>${formatNumber(y1 + 1)}</ymin>`,
      `\t\t\t<xmax>${formatNumber(x2)}</xmax>`,
      `\t\t\t<ymax>${formatNumber(y2)}</ymax>`,
      '\t\t</bndbox>',
      '\t</object>',
    );
  }
  lines.push('</annotation>', '');
  return lines.join('\n');
};
