import type { VocSummary } from './evaluateVocFiles.js';

const fmt = (v: number): string => (Number.isNaN(v) ? 'nan' : v.toFixed(4));

/** The lines py-faster-rcnn's `_do_python_eval` prints: `AP for <class> = 0.xxxx`, then `Mean AP`. */
export const formatVocTable = (s: VocSummary, metric?: '07' | '2010'): string => {
  const lines: string[] = [];
  if (metric) lines.push(`VOC07 metric? ${metric === '07' ? 'Yes' : 'No'}`);
  for (const [name, ap] of Object.entries(s.perClass)) lines.push(`AP for ${name} = ${fmt(ap)}`);
  lines.push(`Mean AP = ${fmt(s.mAP)}`);
  return lines.join('\n');
};
