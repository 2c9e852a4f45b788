import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as E from 'fp-ts/lib/Either.js';
import { applyConfigOverrides } from './configOverrides.js';

const base = { optim: { lr: 0.02, steps: 600 }, distill: { objective: { mu: 0.5 } } };

describe('applyConfigOverrides', () => {
  test('sets dotted keys with YAML-typed values, creating missing objects; the input is unchanged', () => {
    const r = applyConfigOverrides(base, [
      'optim.lr=0.01',
      'optim.flip=true',
      'optim.milestones=[100, 200]',
      'distill.objective.mu=0.7',
      'model.minSize=64',
      'name=my run',
    ]);
    assert.deepEqual(
      r,
      E.right({
        optim: { lr: 0.01, steps: 600, flip: true, milestones: [100, 200] },
        distill: { objective: { mu: 0.7 } },
        model: { minSize: 64 },
        name: 'my run',
      }),
    );
    assert.equal(base.optim.lr, 0.02);
  });
  test('a later assignment of the same key wins', () => {
    assert.deepEqual(
      applyConfigOverrides(base, ['optim.lr=1', 'optim.lr=2']),
      E.right({ ...base, optim: { lr: 2, steps: 600 } }),
    );
  });
  test('malformed assignments are named', () => {
    const cases: [string, RegExp][] = [
      ['optim.lr', /^--set optim\.lr: expected key=value/],
      ['=3', /^--set =3: expected key=value/],
      ['optim..lr=3', /^--set optim\.\.lr=3: '' is not a key/],
      ['optim.lr=[1,', /^--set optim\.lr=\[1,: value is not valid YAML/],
      ['optim.lr.x=1', /^--set optim\.lr\.x=1: optim\.lr is 0\.02, not an object/],
    ];
    for (const [arg, re] of cases) {
      const r = applyConfigOverrides(base, [arg]);
      assert.ok(E.isLeft(r) && re.test(r.left), `${arg}: ${JSON.stringify(r)}`);
    }
  });
});
