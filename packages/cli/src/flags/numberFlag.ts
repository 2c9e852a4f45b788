import { InvalidArgumentError } from 'commander';

/** The range a numeric flag accepts; bounds are inclusive. */
export interface NumberFlagRange {
  readonly min?: number;
  readonly max?: number;
  readonly integer?: boolean;
}

const describe = (range: NumberFlagRange): string => {
  const kind = range.integer ? 'an integer' : 'a number';
  if (range.min !== undefined && range.max !== undefined)
    return `${kind} in [${range.min}, ${range.max}]`;
  if (range.min !== undefined) return `${kind} ≥ ${range.min}`;
  if (range.max !== undefined) return `${kind} ≤ ${range.max}`;
  return `a finite ${range.integer ? 'integer' : 'number'}`;
};

/**
 * A commander argument parser for a numeric flag: the text must be a finite number (an integer when
 * asked) inside `range`. A bad value is a usage error that names the flag and what was expected, so
 * `--score abc` stops before any work instead of comparing against NaN.
 */
export function numberFlag(flag: string, range: NumberFlagRange = {}): (text: string) => number {
  return (text: string) => {
    const value = text.trim() === '' ? Number.NaN : Number(text);
    const ok =
      Number.isFinite(value) &&
      (!range.integer || Number.isInteger(value)) &&
      (range.min === undefined || value >= range.min) &&
      (range.max === undefined || value <= range.max);
    if (!ok) throw new InvalidArgumentError(`${flag}: expected ${describe(range)}, got '${text}'`);
    return value;
  };
}
