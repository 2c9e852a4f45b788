import { decodeRunConfig, type RunConfig } from '@kd/distill';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { applyConfigOverrides } from './configOverrides.js';

/**
 * A decoded run config with `--set` overrides applied and decoded again by the same codec, so an
 * override is checked exactly like the file's own value; errors name the overrides.
 */
export function withOverrides(
  decoded: E.Either<string, RunConfig>,
  sets: readonly string[],
  source: string,
): E.Either<string, RunConfig> {
  if (sets.length === 0) return decoded;
  return pipe(
    decoded,
    E.chain((config) => applyConfigOverrides(config, sets)),
    E.chain((value) =>
      decodeRunConfig(value, `${source} with ${sets.map((s) => `--set ${s}`).join(' ')}`),
    ),
  );
}
