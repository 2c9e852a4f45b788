import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as E from 'fp-ts/lib/Either.js';
import { decodePaperObjectiveConfig } from './presets/objectiveConfig.js';
import { complement, constant, cosineWarmup, linear, product, stepwise } from './stack/schedule.js';

describe('schedules', () => {
  test('constant, linear, stepwise, cosine warm-up', () => {
    assert.equal(constant(0.3).at(1e6), 0.3);
    const l = linear({ from: 0, to: 1, startStep: 10, endStep: 20 });
    assert.deepEqual([0, 10, 15, 20, 99].map(l.at), [0, 0, 0.5, 1, 1]);
    const s = stepwise({
      initial: 0,
      changes: [
        { step: 50, value: 2 },
        { step: 10, value: 1 },
      ],
    });
    assert.deepEqual([0, 9, 10, 49, 50, 1000].map(s.at), [0, 0, 1, 1, 2, 2]);
    const c = cosineWarmup({ to: 2, warmupSteps: 100 });
    assert.equal(c.at(0), 0);
    assert.ok(Math.abs(c.at(50) - 1) < 1e-12);
    assert.ok(Math.abs(c.at(25) - (1 - Math.cos(Math.PI / 4))) < 1e-12);
    assert.equal(c.at(100), 2);
    assert.equal(c.at(1000), 2);
    assert.equal(complement(constant(0.25)).at(3), 0.75);
    assert.equal(product(2, constant(0.5), l).at(15), 0.5);
  });

  test('invalid schedules are rejected', () => {
    assert.throws(() => linear({ from: 0, to: 1, startStep: 5, endStep: 5 }), /endStep/);
    assert.throws(() => cosineWarmup({ to: 1, warmupSteps: 0 }), /warmupSteps/);
    assert.throws(() => constant(Number.NaN), /finite/);
  });
});

describe('objective config (io-ts)', () => {
  test('decodes numbers and schedule specs', () => {
    const r = decodePaperObjectiveConfig({
      mu: { type: 'linear', from: 1, to: 0.5, endStep: 1000 },
      temperature: 1,
      distillWeight: { type: 'cosineWarmup', to: 1, warmupSteps: 200 },
      boundedNormalization: 'positives',
    });
    assert.ok(E.isRight(r));
    if (E.isRight(r)) {
      assert.equal(typeof r.right.mu === 'object' && r.right.mu.at(500), 0.75);
      assert.equal(r.right.boundedNormalization, 'positives');
    }
  });

  test('errors name the file, the path and what was expected', () => {
    const r = decodePaperObjectiveConfig({ temperature: -1, nu: 'half' }, 'train.json');
    assert.ok(E.isLeft(r));
    if (E.isLeft(r)) {
      const msg = r.left.join('\n');
      assert.match(msg, /train\.json: at loss\.temperature: expected PositiveNumber, got -1/);
      assert.match(msg, /at loss\.nu: expected NonNegativeNumber, got "half"/);
    }
  });
});
