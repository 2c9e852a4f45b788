import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidArgumentError } from 'commander';
import { numberFlag } from './numberFlag.js';

describe('numberFlag', () => {
  test('accepts finite numbers inside the range', () => {
    assert.equal(numberFlag('--score', { min: 0, max: 1 })('0.25'), 0.25);
    assert.equal(numberFlag('--min-size', { min: 1, integer: true })('600'), 600);
  });
  test('rejects text, NaN, infinities, empty text, out-of-range and non-integers, naming the flag', () => {
    const cases: [string, Parameters<typeof numberFlag>[1], string, RegExp][] = [
      ['--score', { min: 0, max: 1 }, 'abc', /^--score: expected a number in \[0, 1\], got 'abc'$/],
      ['--score', { min: 0, max: 1 }, 'NaN', /--score: expected a number in \[0, 1\]/],
      ['--score', { min: 0, max: 1 }, '1.5', /got '1\.5'/],
      ['--score', {}, 'Infinity', /--score: expected a finite number/],
      ['--score', {}, '', /--score: expected a finite number, got ''/],
      ['--min-size', { min: 1, integer: true }, '12.5', /--min-size: expected an integer ≥ 1/],
      ['--eval-images', { min: 1, integer: true }, 'abc', /--eval-images: expected an integer ≥ 1/],
    ];
    for (const [flag, range, text, re] of cases) {
      assert.throws(
        () => numberFlag(flag, range)(text),
        (e: unknown) => e instanceof InvalidArgumentError && re.test(e.message),
        `${flag} ${text}`,
      );
    }
  });
});
