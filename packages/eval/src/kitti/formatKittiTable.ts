import type { KittiSummary } from './evaluateKittiFiles.js';

const pct = (v: number | undefined): string =>
  v === undefined ? '' : (v * 100).toFixed(4).padStart(9);

/**
 * A table like the devkit's summary lines (`car_detection AP: easy moderate hard`, in %),
 * with AP|R11 and AP|R40, and AOS when orientations were present.
 */
export const formatKittiTable = (s: KittiSummary): string => {
  const lines = [
    `${'class'.padEnd(12)} ${'metric'.padEnd(8)} ${'easy'.padStart(9)} ${'moderate'.padStart(9)} ${'hard'.padStart(9)}`,
  ];
  for (const [name, d] of Object.entries(s)) {
    const row = (metric: string, key: 'ap11' | 'ap40' | 'aos11' | 'aos40') =>
      `${name.padEnd(12)} ${metric.padEnd(8)} ${pct(d.easy[key])} ${pct(d.moderate[key])} ${pct(d.hard[key])}`;
    lines.push(row('AP|R11', 'ap11'), row('AP|R40', 'ap40'));
    if (d.easy.aos11 !== undefined) lines.push(row('AOS|R11', 'aos11'), row('AOS|R40', 'aos40'));
  }
  if (Object.keys(s).length === 0) lines.push('(no class was detected: nothing evaluated)');
  return lines.join('\n');
};
