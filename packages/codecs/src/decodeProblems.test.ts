import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { decodeErrorPath } from './decodeErrorPath.js';
import { decodeProblems, formatDecodeErrors } from './decodeProblems.js';
import { showValue } from './showValue.js';

const Positive = t.refinement(t.number, (n) => n > 0, 'Positive');
const Config = t.exact(
  t.intersection([
    t.type({
      boxes: t.array(t.tuple([t.number, t.number])),
      mode: t.union([t.literal('a'), t.literal('b')]),
    }),
    t.partial({ scale: Positive }),
  ]),
);

const errorsOf = <A>(codec: t.Type<A>, value: unknown): t.Errors => {
  const r = codec.decode(value);
  assert.ok(E.isLeft(r), 'the value should not decode');
  return r.left;
};

test('paths skip intersection, union, exact and refinement members; arrays are indexed', () => {
  const errors = errorsOf(Config, {
    boxes: [
      [1, 2],
      [3, 'x'],
    ],
    mode: 'c',
    scale: -1,
  });
  assert.deepEqual(decodeProblems(errors, { root: 'config' }), [
    { where: 'config.boxes[1][1]', message: 'expected number, got "x"' },
    { where: 'config.mode', message: 'expected "a" | "b", got "c"' },
    { where: 'config.scale', message: 'expected Positive, got -1' },
  ]);
});

test('keys below a refined (branded) array or union are located like the unrefined ones', () => {
  const Shape = t.refinement(t.array(Positive), (a) => a.length === 2, 'Shape2');
  const Mode = t.refinement(t.union([t.literal('a'), t.number]), () => true, 'Mode');
  const errors = errorsOf(t.type({ shape: Shape, mode: Mode }), { shape: [3, 0], mode: 'b' });
  assert.deepEqual(decodeProblems(errors, { root: 'hint' }), [
    { where: 'hint.shape[1]', message: 'expected Positive, got 0' },
    { where: 'hint.mode', message: 'expected "a" | number, got "b"' },
  ]);
});

test('XML paths are XPath-like with 1-based indices', () => {
  const Doc = t.type({ annotation: t.type({ object: t.array(t.type({ xmin: t.number })) }) });
  const errors = errorsOf(Doc, { annotation: { object: [{ xmin: 1 }, { xmin: '2a' }] } });
  assert.equal(decodeErrorPath(errors[0]!.context, 'xml'), 'annotation/object[2]/xmin');
  assert.equal(decodeErrorPath(errors[0]!.context, 'json', '$'), '$.annotation.object[1].xmin');
});

test('formatDecodeErrors names the source and the root; a custom message replaces `expected`', () => {
  const WithMessage = new t.Type<number, number, unknown>(
    'Even',
    (u): u is number => typeof u === 'number' && u % 2 === 0,
    (u, c) =>
      typeof u === 'number' && u % 2 === 0
        ? t.success(u)
        : t.failure(u, c, 'expected an even number'),
    t.identity,
  );
  assert.deepEqual(formatDecodeErrors(errorsOf(t.type({ n: WithMessage }), { n: 3 }), 'run.json'), [
    'run.json: at n: expected an even number, got 3',
  ]);
  assert.deepEqual(formatDecodeErrors(errorsOf(t.number, 'x'), undefined), [
    'at (root): expected number, got "x"',
  ]);
  assert.deepEqual(
    formatDecodeErrors(errorsOf(t.type({ n: t.number }), {}), 'f', { root: 'cfg' }),
    ['f: at cfg.n: expected number, got nothing (missing)'],
  );
});

test('showValue cuts long values and keeps NaN and Infinity readable', () => {
  assert.equal(showValue(Number.NaN), 'NaN');
  assert.equal(showValue(-Infinity), '-Infinity');
  assert.equal(showValue('x'.repeat(100), 20), `"${'x'.repeat(16)}...`);
  assert.equal(showValue(undefined), 'nothing (missing)');
});

test('README example: the objective codec and its message', () => {
  const Objective = t.type({ temperature: t.number });
  assert.deepEqual(
    formatDecodeErrors(errorsOf(Objective, { temperature: 'hot' }), 'run.json', {
      root: 'objective',
    }),
    ['run.json: at objective.temperature: expected number, got "hot"'],
  );
});
