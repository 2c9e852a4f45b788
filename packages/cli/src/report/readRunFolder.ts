import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatDecodeErrors } from '@kd/codecs';
import { decodeRunConfig, type RunConfig } from '@kd/distill';
import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import {
  EvalLineCodec,
  ScoresCodec,
  type ScoresFile,
  STEP_LINE_BOOKKEEPING,
  StepLineCodec,
} from './runFileCodecs.js';

/** A `kd train` / `kd distill` run folder, read and validated. */
export interface RunFolder {
  readonly dir: string;
  readonly config: RunConfig;
  /** One point per step and loss component, `loss` being the total; non-finite values left out. */
  readonly losses: readonly { step: number; component: string; value: number }[];
  readonly evals: readonly { step: number; mAP50: number; mAP: number }[];
  /** `scores.json`, when the run finished. */
  readonly scores: ScoresFile | undefined;
}

/** io-ts errors as `at a.b: expected T, got v` (one a place), joined for a one-line message. */
const describe = (errors: t.Errors): string => formatDecodeErrors(errors, undefined).join('; ');

function readJson(file: string): E.Either<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return E.left(`${file}: cannot read (${(err as Error).message})`);
  }
  try {
    return E.right(JSON.parse(text));
  } catch (err) {
    return E.left(`${file}: not valid JSON (${(err as Error).message})`);
  }
}

function readMetrics(file: string): E.Either<string, Pick<RunFolder, 'losses' | 'evals'>> {
  const losses: { step: number; component: string; value: number }[] = [];
  const evals: { step: number; mAP50: number; mAP: number }[] = [];
  if (!existsSync(file)) return E.right({ losses, evals });
  const lines = readFileSync(file, 'utf8').split('\n');
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const where = `${file}: line ${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      return E.left(`${where}: not valid JSON (${(err as Error).message})`);
    }
    if (typeof value === 'object' && value !== null && 'eval' in value) {
      const r = EvalLineCodec.decode(value);
      if (E.isLeft(r)) return E.left(`${where}: invalid evaluation line: ${describe(r.left)}`);
      evals.push({ step: r.right.step, mAP50: r.right.eval.mAP50, mAP: r.right.eval.mAP });
      continue;
    }
    const r = StepLineCodec.decode(value);
    if (E.isLeft(r)) return E.left(`${where}: invalid step line: ${describe(r.left)}`);
    const { step } = r.right;
    for (const [key, v] of Object.entries(r.right)) {
      if ((key !== 'loss' && STEP_LINE_BOOKKEEPING.has(key)) || v === null) continue;
      losses.push({ step, component: key === 'loss' ? 'total' : key, value: v });
    }
  }
  return E.right({ losses, evals });
}

/**
 * Reads a run folder's `config.json`, `metrics.jsonl` and (when present) `scores.json`, each
 * validated; an error names the file, the line or JSON path, and what was expected.
 */
export function readRunFolder(dir: string): E.Either<string, RunFolder> {
  const configFile = join(dir, 'config.json');
  const config = readJson(configFile);
  if (E.isLeft(config)) return config;
  const decoded = decodeRunConfig(config.right, configFile);
  if (E.isLeft(decoded)) return decoded;
  const metrics = readMetrics(join(dir, 'metrics.jsonl'));
  if (E.isLeft(metrics)) return metrics;
  const scoresFile = join(dir, 'scores.json');
  let scores: ScoresFile | undefined;
  if (existsSync(scoresFile)) {
    const raw = readJson(scoresFile);
    if (E.isLeft(raw)) return raw;
    const r = ScoresCodec.decode(raw.right);
    if (E.isLeft(r)) return E.left(`${scoresFile}: invalid scores: ${describe(r.left)}`);
    scores = r.right;
  }
  return E.right({ dir, config: decoded.right, ...metrics.right, scores });
}
