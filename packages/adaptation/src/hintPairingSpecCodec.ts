import { formatDecodeErrors } from '@kd/codecs';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as t from 'io-ts';
import type { HintPairingSpec } from './hintPairing.js';

const PositiveInt = t.refinement(t.number, (n) => Number.isInteger(n) && n > 0, 'PositiveInteger');
const Shape = t.refinement(
  t.array(PositiveInt),
  (s) => s.length === 3 || s.length === 1,
  'Shape [H, W, C] or [D]',
);
const MapSpecCodec = t.intersection([
  t.type({ name: t.string, shape: Shape }),
  t.partial({ stride: PositiveInt }),
]);

/** io-ts codec of the JSON form of `HintPairingSpec`. */
export const HintPairingSpecCodec = t.intersection([
  t.type({ teacher: MapSpecCodec, student: MapSpecCodec }),
  t.partial({
    adaptation: t.union([t.literal('conv1x1'), t.literal('conv3x3'), t.literal('fc')]),
    normalize: t.union([t.literal('none'), t.literal('channelL2')]),
    resolution: t.union([
      t.literal('auto'),
      t.literal('identity'),
      t.literal('bilinear'),
      t.literal('nearest'),
      t.literal('area'),
      t.literal('stride'),
      t.literal('pad'),
    ]),
    bias: t.boolean,
    seed: t.number,
  }),
]);

/**
 * Decodes a hint pairing from JSON (e.g. the `hint` block of a training config).
 * @returns the spec, or messages `source: at hint.student.shape.1: expected PositiveInteger, got 0`.
 */
export function decodeHintPairingSpec(
  json: unknown,
  source = 'config',
  path = 'hint',
): E.Either<readonly string[], HintPairingSpec> {
  return pipe(
    HintPairingSpecCodec.decode(json),
    E.mapLeft((errors) => formatDecodeErrors(errors, source, { root: path })),
  );
}
