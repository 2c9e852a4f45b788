/**
 * A user-facing evaluation error: which file, where in it (JSON path like `$.annotations[3].bbox`,
 * `line 12`, or an XML element path), and what was expected.
 */
export interface KdEvalError {
  readonly _tag: 'KdEvalError';
  readonly file: string;
  readonly where: string;
  readonly message: string;
}

export const evalError = (file: string, where: string, message: string): KdEvalError => ({
  _tag: 'KdEvalError',
  file,
  where,
  message,
});

/** `file: where: message` */
export const formatEvalError = (e: KdEvalError): string =>
  e.where === '' ? `${e.file}: ${e.message}` : `${e.file}: ${e.where}: ${e.message}`;

/**
 * An evaluation error thrown, or given to a rejected Promise, where an Either cannot be returned
 * (`toPromise`, the reducers' `update`): its message is `file: where: message`, `detail` the
 * structured error.
 */
export class KdEvalFailure extends Error {
  override readonly name = 'KdEvalFailure';
  constructor(readonly detail: KdEvalError) {
    super(formatEvalError(detail));
  }
}
