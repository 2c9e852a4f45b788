import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import { type KdEvalError, KdEvalFailure } from './internal/EvalError.js';

/**
 * Runs one of the file APIs (`evaluateCocoFiles(…)`, `runVocEvalCli(…)`, …: fp-ts `TaskEither`
 * thunks) and returns a Promise, for code that does not use fp-ts: it resolves with the result
 * or rejects with a `KdEvalFailure` whose message is `file: where: message` and whose `detail`
 * is the `KdEvalError`.
 * @example
 * const { summary } = await toPromise(evaluateCocoFiles({ gt: 'gt.json', dets: 'dets.json' }));
 */
export async function toPromise<A>(task: TaskEither<KdEvalError, A>): Promise<A> {
  const r = await task();
  if (E.isLeft(r)) throw new KdEvalFailure(r.left);
  return r.right;
}
