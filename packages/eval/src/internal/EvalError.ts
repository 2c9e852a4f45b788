/**
 * A user-facing evaluation error: which file, where in it (JSON path like `$.annotations[3].bbox`,
 * `line 12`, or an XML element path), and what was expected.
 */
export interface EvalError {
  readonly _tag: 'EvalError';
  readonly file: string;
  readonly where: string;
  readonly message: string;
}

export const evalError = (file: string, where: string, message: string): EvalError => ({
  _tag: 'EvalError',
  file,
  where,
  message,
});

/** `file: where: message` */
export const formatEvalError = (e: EvalError): string =>
  e.where === '' ? `${e.file}: ${e.message}` : `${e.file}: ${e.where}: ${e.message}`;
