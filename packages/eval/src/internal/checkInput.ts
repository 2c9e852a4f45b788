import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { decodeWith } from './decodeJson.js';
import { evalError, KdEvalFailure } from './EvalError.js';

/**
 * Checks a reducer's plain-JS input with its io-ts codec, once at the entry: a valid value passes
 * through (the codec's type guard, cheap on valid input), an invalid one throws a
 * `KdEvalFailure` in the file readers' style, `source: $.path: expected …, got …`. A missing
 * camelCase key whose snake_case twin is present (`image_id` for `imageId`) says so.
 * @throws KdEvalFailure
 */
export const checkInput = <A, O>(
  codec: t.Type<A, O, unknown>,
  source: string,
  value: unknown,
): A => {
  const r = decodeWith(codec, source, value);
  if (E.isRight(r)) return r.right;
  const { where, message } = r.left;
  const key = /\.([a-z]+[A-Z]\w*)$/.exec(where)?.[1];
  const hint =
    key !== undefined && message.endsWith('got nothing (missing)')
      ? `; keys are camelCase (${key}, not ${key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)})`
      : '';
  throw new KdEvalFailure(evalError(source, where, `${message}${hint}`));
};
