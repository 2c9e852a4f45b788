import type { DatasetStats } from './datasetStats.js';

const pad = (s: string, n: number): string => s + ' '.repeat(Math.max(0, n - s.length));
const lpad = (s: string, n: number): string => ' '.repeat(Math.max(0, n - s.length)) + s;

/** A plain-text report of `datasetStats` for terminals: counts, per-class table, histogram, problems. */
export const formatStatsTable = (s: DatasetStats, maxProblems = 50): string => {
  const lines: string[] = [];
  lines.push(`${s.format.toUpperCase()} dataset ${s.root}${s.split ? ` (split ${s.split})` : ''}`);
  lines.push(
    `images ${s.images}   objects ${s.objects}   difficult ${s.difficult}   crowd ${s.crowd}   DontCare ${s.dontCare}`,
  );
  if (s.badImages)
    lines.push(`unusable image files ${s.badImages} (missing, too large or damaged; see problems)`);
  if (s.skippedImages || s.skippedObjects || s.fixedObjects) {
    lines.push(
      `skipped images ${s.skippedImages}   skipped objects ${s.skippedObjects}   clipped boxes ${s.fixedObjects}`,
    );
  }
  const entries = Object.entries(s.perClass);
  if (entries.length) {
    const w = Math.max(5, ...entries.map(([k]) => k.length));
    lines.push('', `${pad('class', w)}  ${lpad('objects', 8)}  ${lpad('share', 6)}`);
    for (const [k, v] of entries) {
      const share = s.objects ? `${((100 * v) / s.objects).toFixed(1)}%` : '-';
      lines.push(`${pad(k, w)}  ${lpad(String(v), 8)}  ${lpad(share, 6)}`);
    }
  }
  if (s.objects) {
    const max = Math.max(...s.sizeHistogram.bins.map((b) => b.count));
    lines.push('', 'box size sqrt(w*h), px');
    for (const b of s.sizeHistogram.bins) {
      const bar = '#'.repeat(max ? Math.round((30 * b.count) / max) : 0);
      lines.push(`${lpad(b.label, 8)}  ${lpad(String(b.count), 7)}  ${bar}`);
    }
    const a = s.sizeHistogram.cocoAreas;
    lines.push(`COCO areas: small ${a.small}   medium ${a.medium}   large ${a.large}`);
  }
  if (s.problems.length) {
    const fatal = s.problems.filter((p) => p.fatal).length;
    lines.push('', `problems: ${s.problems.length} (${fatal} fatal)`);
    for (const p of s.problems.slice(0, maxProblems)) {
      lines.push(`  ${p.fatal ? 'error' : 'warning'}: ${p.file}: ${p.where}: ${p.message}`);
    }
    if (s.problems.length > maxProblems)
      lines.push(`  ... and ${s.problems.length - maxProblems} more (use --json for all)`);
  } else {
    lines.push('', 'problems: none');
  }
  return `${lines.join('\n')}\n`;
};
