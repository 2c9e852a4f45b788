/** How result writers print numbers. */
export interface NumberFormatOptions {
  /**
   * Fixed decimals (e.g. 3, as py-faster-rcnn's VOC writer prints scores). Default: the shortest
   * text that parses back to exactly the same double, so evaluating the file gives the same
   * numbers as evaluating in memory.
   */
  readonly decimals?: number;
}

/** Prints a finite number for a text result file; throws on NaN/±Infinity (no evaluator reads them). */
export function formatNumber(value: number, options: NumberFormatOptions = {}): string {
  if (!Number.isFinite(value)) throw new RangeError(`result value must be finite, got ${value}`);
  if (options.decimals !== undefined) {
    const s = value.toFixed(options.decimals);
    // toFixed keeps the sign of values that round to zero ("-0.00"); evaluators read it as 0 anyway.
    return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
  }
  return String(value === 0 ? 0 : value);
}
