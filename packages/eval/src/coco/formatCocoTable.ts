import type { CocoSummary } from './evaluateCocoFiles.js';

const ROWS: readonly [keyof CocoSummary, boolean, string, string, number][] = [
  ['AP', true, '0.50:0.95', 'all', 100],
  ['AP50', true, '0.50', 'all', 100],
  ['AP75', true, '0.75', 'all', 100],
  ['APs', true, '0.50:0.95', 'small', 100],
  ['APm', true, '0.50:0.95', 'medium', 100],
  ['APl', true, '0.50:0.95', 'large', 100],
  ['AR1', false, '0.50:0.95', 'all', 1],
  ['AR10', false, '0.50:0.95', 'all', 10],
  ['AR100', false, '0.50:0.95', 'all', 100],
  ['ARs', false, '0.50:0.95', 'small', 100],
  ['ARm', false, '0.50:0.95', 'medium', 100],
  ['ARl', false, '0.50:0.95', 'large', 100],
];

/**
 * The 12 lines `COCOeval.summarize()` prints, then AP per category.
 * @example formatCocoTable(summary).split('\n')[0]
 * // ' Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.371'
 */
export const formatCocoTable = (s: CocoSummary): string => {
  const lines = ROWS.map(([key, ap, iou, area, maxDets]) => {
    const title = (ap ? 'Average Precision' : 'Average Recall').padEnd(18);
    const type = ap ? '(AP)' : '(AR)';
    const v = s[key] as number;
    return ` ${title} ${type} @[ IoU=${iou.padEnd(9)} | area=${area.padStart(6)} | maxDets=${String(maxDets).padStart(3)} ] = ${v.toFixed(3)}`;
  });
  const cats = Object.entries(s.perCategory);
  if (cats.length > 0) {
    const w = Math.max(8, ...cats.map(([n]) => n.length));
    lines.push('', `${'category'.padEnd(w)} | AP`, `${'-'.repeat(w)}-|------`);
    for (const [name, ap] of cats) lines.push(`${name.padEnd(w)} | ${ap.toFixed(3)}`);
  }
  return lines.join('\n');
};
