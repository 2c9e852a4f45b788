import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { alternate, cpuPerWall, newTimed, speedUp, timed, timedCell } from './stepTimer.js';

describe('stepTimer', () => {
  test('alternate calls the functions in turn, one of each per round, and times each apart', () => {
    const calls: string[] = [];
    const [a, b, c] = alternate(
      3,
      () => calls.push('a'),
      () => calls.push('b'),
      () => calls.push('c'),
    );
    assert.deepEqual(calls, ['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c']);
    for (const t of [a, b, c]) {
      assert.equal(t.ms.length, 3);
      assert.ok(t.ms.every((ms) => ms >= 0));
      assert.ok(Math.abs(t.wallMs - t.ms.reduce((x, y) => x + y, 0)) < 1e-9);
    }
  });

  test('timed adds wall time and the CPU time of the work it runs', () => {
    const t = newTimed();
    timed(t, () => {
      const end = performance.now() + 30;
      while (performance.now() < end);
    });
    assert.equal(t.ms.length, 1);
    assert.ok(t.wallMs >= 30);
    // A busy loop: some CPU time, whatever else the machine runs (no bound on the ratio here).
    assert.ok(t.cpuUs > 0);
    assert.equal(cpuPerWall(t), t.cpuUs / 1000 / t.wallMs);
  });

  test('speedUp and timedCell format medians', () => {
    const slow = { ms: [30, 10, 20], cpuUs: 90_000, wallMs: 60 };
    const fast = { ms: [5, 10, 15], cpuUs: 30_000, wallMs: 30 };
    assert.equal(speedUp(slow, fast), '2.00×');
    assert.equal(timedCell(slow), '20 (1.50)');
    assert.equal(timedCell(fast, 1), '10.0 (1.00)');
  });
});
