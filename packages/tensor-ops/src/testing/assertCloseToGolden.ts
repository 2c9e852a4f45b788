import assert from 'node:assert/strict';

/**
 * `|a − e| ≤ atol·scale + rtol·|e|` elementwise, `scale` the largest expected magnitude (at least
 * 1), so that one tolerance fits a loss of 1e3 and one of 1e-3; every actual value must be finite.
 */
export function assertCloseToGolden(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  what: string,
  rtol = 2e-4,
  atol = 1e-5,
): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let scale = 1;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    assert.ok(Number.isFinite(a), `${what}[${i}] is not finite: ${a}`);
    assert.ok(
      Math.abs(a - e) <= atol * scale + rtol * Math.abs(e),
      `${what}[${i}]: got ${a}, expected ${e}`,
    );
  }
}
