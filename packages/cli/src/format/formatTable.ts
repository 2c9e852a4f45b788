export interface TableOptions {
  /** Print the header row and a rule under it (default true). */
  readonly header?: boolean;
  /** Columns to right-align (numbers), by index. */
  readonly alignRight?: readonly number[];
}

/** A plain-text table with padded columns, as the official evaluation tools print them. */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  options: TableOptions = {},
): string {
  const showHeader = options.header ?? true;
  const all = showHeader ? [headers, ...rows] : rows;
  const widths = headers.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const right = new Set(options.alignRight ?? []);
  const line = (r: readonly string[]) =>
    r
      .map((cell, i) => (right.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = rows.map(line);
  if (!showHeader) return out.join('\n');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...out].join('\n');
}
