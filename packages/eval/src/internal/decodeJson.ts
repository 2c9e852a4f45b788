import { decodeProblems } from '@kd/codecs';
import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { evalError, type KdEvalError } from './EvalError.js';
import { jsonErrorOffset } from './jsonErrorOffset.js';

const lineCol = (text: string, pos: number): string => {
  let line = 1;
  let last = -1;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return `line ${line} column ${pos - last}`;
};

/** Deeper than any detection or annotation JSON nests (a COCO polygon list: 4 levels). */
export const MAX_JSON_DEPTH = 64;

/**
 * The JSON path (first levels) of a place nested deeper than `max` levels, or undefined. An
 * explicit stack: recursion (and JSON.stringify) would overflow on 10⁵-deep input.
 */
export const tooDeep = (value: unknown, max: number): string | undefined => {
  const stack: [unknown, number, string][] = [[value, 0, '$']];
  while (stack.length > 0) {
    const [v, depth, path] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return `${path}…`;
    const short = (k: string) => (depth < 4 ? `${path}${k}` : path);
    if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, depth + 1, short(`[${i}]`)]));
    else for (const [k, x] of Object.entries(v)) stack.push([x, depth + 1, short(`.${k}`)]);
  }
  return undefined;
};

/**
 * JSON.parse with an error that names the file and the line/column of the syntax error; a
 * document nested deeper than {@link MAX_JSON_DEPTH} levels is refused with its path.
 */
export const parseJson = (file: string, text: string): E.Either<KdEvalError, unknown> => {
  try {
    const value = JSON.parse(text) as unknown;
    const deep = tooDeep(value, MAX_JSON_DEPTH);
    if (deep !== undefined)
      return E.left(
        evalError(file, deep, `nested deeper than ${MAX_JSON_DEPTH} levels; expected flat records`),
      );
    return E.right(value);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const m = /position (\d+)/.exec(msg);
    const pos = m ? Number(m[1]) : jsonErrorOffset(text);
    const where = pos >= 0 ? lineCol(text, pos) : '';
    return E.left(evalError(file, where, `malformed JSON (${msg})`));
  }
};

/**
 * Decodes a value with an io-ts codec; the first failure becomes an KdEvalError naming the file,
 * the JSON path and the expected type.
 */
export const decodeWith = <A, O>(
  codec: t.Type<A, O, unknown>,
  file: string,
  value: unknown,
): E.Either<KdEvalError, A> => {
  // the type guard is several times cheaper than decode on 10⁵–10⁶ results; decode (which also
  // converts, e.g. numbers written as text) runs when the guard does not already accept the value
  if (codec.is(value)) return E.right(value);
  const r = codec.decode(value);
  if (E.isRight(r)) return E.right(r.right);
  const first = decodeProblems(r.left, { root: '$' })[0]!;
  return E.left(evalError(file, first.where, first.message));
};
