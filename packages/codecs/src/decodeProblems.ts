import type * as t from 'io-ts';
import { decodeErrorPath, type PathStyle } from './decodeErrorPath.js';
import { showValue } from './showValue.js';

/** One place where input did not decode: where it is, and `expected X | Y, got <value>`. */
export interface DecodeProblem {
  readonly where: string;
  readonly message: string;
}

export interface DecodeProblemOptions {
  /** Path notation (default `json`). */
  readonly style?: PathStyle;
  /** What the path starts with: the name of the decoded value in its file (default none). */
  readonly root?: string;
}

/**
 * io-ts errors as one problem per place in the input, in the order io-ts found them. The members
 * of a union that all failed at one place are merged into `expected A | B`; a codec's own
 * message (`t.Type` with `message`) replaces the `expected …` part.
 */
export const decodeProblems = (
  errors: readonly t.ValidationError[],
  options: DecodeProblemOptions = {},
): DecodeProblem[] => {
  const byPlace = new Map<string, { expected: string[]; custom?: string; value: unknown }>();
  for (const e of errors) {
    const where = decodeErrorPath(e.context, options.style ?? 'json', options.root ?? '');
    const entry = byPlace.get(where) ?? { expected: [], value: e.value };
    const name = e.context[e.context.length - 1]?.type.name ?? 'a valid value';
    if (e.message !== undefined) entry.custom ??= e.message;
    else if (!entry.expected.includes(name)) entry.expected.push(name);
    byPlace.set(where, entry);
  }
  return [...byPlace].map(([where, { expected, custom, value }]) => ({
    where,
    message: `${custom ?? `expected ${expected.join(' | ')}`}, got ${showValue(value)}`,
  }));
};

/**
 * io-ts errors as lines `source: at where: expected X, got <value>` (see `decodeProblems`), or
 * `at where: …` when `source` is undefined; `(root)` stands for the decoded value itself.
 * @example
 * formatDecodeErrors(errors, 'run.json', { root: 'objective' })
 * // ['run.json: at objective.temperature: expected Positive, got -1']
 */
export const formatDecodeErrors = (
  errors: readonly t.ValidationError[],
  source: string | undefined,
  options: DecodeProblemOptions = {},
): string[] =>
  decodeProblems(errors, options).map(
    ({ where, message }) =>
      `${source === undefined ? '' : `${source}: `}at ${where === '' ? '(root)' : where}: ${message}`,
  );

/** One io-ts error as a problem (`decodeProblems` of that error alone). */
export const describeDecodeError = (
  error: t.ValidationError,
  options: DecodeProblemOptions = {},
): DecodeProblem => decodeProblems([error], options)[0]!;
