import type { Sample } from '../core/sample.js';

/** Renumbers classes discovered in reading order into sorted-name order (deterministic indices). */
export const sortDiscovered = (
  found: ReadonlyMap<string, number>,
  samples: readonly Sample[],
): { classNames: string[]; samples: Sample[] } => {
  const classNames = [...found.keys()].sort();
  const remap = new Map([...found].map(([name, i]) => [i, classNames.indexOf(name)]));
  return {
    classNames,
    samples: samples.map((s) => ({
      ...s,
      objects: s.objects.map((o) => ({ ...o, classIndex: remap.get(o.classIndex)! })),
    })),
  };
};
