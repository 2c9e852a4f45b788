import { parseArgs } from 'node:util';

/** The flags every paper example takes. */
export interface ExampleFlags {
  /** The dataset root (`--voc DIR`, or the environment variable); undefined when neither is set. */
  readonly root: string | undefined;
  /** A trained teacher, run or checkpoint folder (`--teacher`). */
  readonly teacher: string | undefined;
  /** The output folder (`--out`). */
  readonly out: string;
  /** Training steps of each run when there is no data (`--steps`, default 30). */
  readonly steps: number;
}

/**
 * Parses `--<data> DIR --teacher RUN --out DIR --steps N` (node:util parseArgs, strict: an unknown
 * flag is an error). `pnpm start -- --flag` passes the `--` through to the program: it is dropped.
 *
 * @param o.data  the dataset flag's name (`voc` for `--voc`); `o.env` its environment variable.
 */
export function exampleFlags(o: { data: string; env: string; out: string }): ExampleFlags {
  const argv = process.argv.slice(2);
  const { values } = parseArgs({
    args: argv[0] === '--' ? argv.slice(1) : argv,
    options: {
      [o.data]: { type: 'string', default: process.env[o.env] },
      teacher: { type: 'string' },
      out: { type: 'string', default: o.out },
      steps: { type: 'string', default: '30' },
    },
  });
  const text = (k: string) => values[k] as string | undefined;
  return {
    root: text(o.data),
    teacher: text('teacher'),
    out: text('out')!,
    steps: Number(text('steps')),
  };
}
