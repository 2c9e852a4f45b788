import type { DatasetDescriptor } from '../core/datasetDescriptor.js';
import type { BoxXyxy, Sample } from '../core/sample.js';
import { fixed2 } from '../internal/formatNumber.js';

const box2 = (b: BoxXyxy): string => b.map(fixed2).join(' ');

/**
 * A KITTI `label_2` file for one sample: 15 columns per object, DontCare regions last with the
 * devkit's sentinels. Objects without 3D fields get the sentinels `-10` (alpha), `-1 -1 -1`
 * (dimensions), `-1000 -1000 -1000` (location), `-10` (rotation_y).
 */
export const kittiLabelText = (sample: Sample, descriptor: DatasetDescriptor): string => {
  const lines: string[] = [];
  for (const o of sample.objects) {
    const name = descriptor.classNames[o.classIndex];
    if (name === undefined) throw new RangeError(`class index ${o.classIndex} has no name`);
    if (/\s/.test(name))
      throw new Error(`class name ${JSON.stringify(name)} contains whitespace; KITTI types cannot`);
    const k = o.kitti3d;
    const d = k ? k.dimensions.map(fixed2).join(' ') : '-1 -1 -1';
    const l = k ? k.location.map(fixed2).join(' ') : '-1000 -1000 -1000';
    lines.push(
      `${name} ${fixed2(o.truncated)} ${Math.round(o.occluded)} ${k ? fixed2(k.alpha) : '-10'} ${box2(o.box)} ${d} ${l} ${k ? fixed2(k.rotationY) : '-10'}`,
    );
  }
  for (const b of sample.ignore) {
    lines.push(`DontCare -1 -1 -10 ${box2(b)} -1 -1 -1 -1000 -1000 -1000 -10`);
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
};
