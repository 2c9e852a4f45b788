import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashBit } from './hashBit.js';
import { mulberry32 } from './mulberry32.js';
import { sampleWithoutReplacement } from './sampleWithoutReplacement.js';
import { sfc32 } from './sfc32.js';

// Golden streams, recorded from the generators before they moved here (tensor-ops' createRng,
// data's createRng and the CLI's flip bit): every seeded run (sampling, data order, augmentation,
// the synthetic dataset) must stay bit-identical.

test('mulberry32 reproduces its recorded stream, integers and state', () => {
  const r = mulberry32(42);
  assert.deepEqual(
    Array.from({ length: 6 }, () => r.next()),
    [
      0.6011037519201636, 0.44829055899754167, 0.8524657934904099, 0.6697340414393693,
      0.17481389874592423, 0.5265925421845168,
    ],
  );
  assert.deepEqual(
    Array.from({ length: 6 }, () => r.nextInt(1000)),
    [273, 624, 865, 472, 249, 882],
  );
  assert.equal(r.state(), 503953318);
  const neg = mulberry32(-7);
  assert.deepEqual(
    Array.from({ length: 3 }, () => neg.next()),
    [0.43306733411736786, 0.32539576734416187, 0.5442695003002882],
  );
  const resumed = mulberry32(r.state());
  assert.equal(resumed.next(), r.next());
});

test('sampleWithoutReplacement reproduces its recorded draw', () => {
  const pool = Int32Array.from({ length: 20 }, (_, i) => i);
  assert.deepEqual(
    Array.from(sampleWithoutReplacement(pool, 5, mulberry32(3))),
    [14, 1, 10, 4, 16],
  );
  assert.equal(pool[0], 0);
});

test('sfc32 reproduces its recorded stream, draws and forks', () => {
  const q = sfc32(42);
  assert.deepEqual(
    Array.from({ length: 4 }, () => q.next()),
    [0.23955312534235418, 0.5859209857881069, 0.09323416277766228, 0.19866962218657136],
  );
  assert.equal(q.uniform(-2, 3), 0.23550810478627682);
  assert.deepEqual([q.int(0, 9), q.int(-5, 5)], [8, 4]);
  assert.deepEqual([q.normal(), q.normal()], [-2.2449487373775554, 0.5965135796101033]);
  const f = q.fork();
  assert.deepEqual([f.next(), f.next()], [0.8260835157707334, 0.47978835366666317]);
  assert.equal(q.next(), 0.3518827832303941);
  const z = sfc32(0);
  assert.deepEqual([z.next(), z.next()], [0.9791452463250607, 0.8250711336731911]);
});

test('hashBit reproduces its recorded bits', () => {
  const bits = (seed: number, from: number) =>
    Array.from({ length: 32 }, (_, g) => (hashBit(seed, g + from) ? 1 : 0)).join('');
  assert.equal(bits(1, 0), '01001001001010101101101001100000');
  assert.equal(bits(7, 100), '10101100100011101111001010111101');
});
