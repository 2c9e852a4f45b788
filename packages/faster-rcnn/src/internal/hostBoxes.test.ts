import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  type BoxCodingWeights,
  boxIou,
  decodeBoxes,
  encodeBoxes,
  generateAnchors,
  gridAnchors,
} from '@kd/tensor-ops';
import { describeEachBackend } from '@kd/tensor-ops/testing';
import * as tf from '@tensorflow/tfjs-core';
import { bestGridAnchor, decodeHost, encodeHost, iouHost } from './hostBoxes.js';

// The host loops against the tensor ops they stand in for, on tensor-ops' torchvision fixtures
// and on random boxes with degenerate cases, on every backend.

interface CodingFixture {
  readonly proposals: number[];
  readonly reference: number[];
  readonly cases: { convention: string; weights: number[]; encoded: number[] }[];
}
const fixturesDir = fileURLToPath(new URL('../fixtures/', import.meta.resolve('@kd/tensor-ops')));
const coding = JSON.parse(readFileSync(`${fixturesDir}coding.json`, 'utf8')) as CodingFixture;
const boxesFx = JSON.parse(readFileSync(`${fixturesDir}boxes.json`, 'utf8')) as {
  a: number[];
  b: number[];
  iou: number[];
};

/** mulberry32: a seeded stream in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `[n*4]` boxes: mostly ordinary, some of zero width/height, some with x2 < x1 or y2 < y1. */
function randomBoxes(n: number, seed: number): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(4 * n);
  for (let i = 0; i < n; i++) {
    const x1 = r() * 600 - 50;
    const y1 = r() * 400 - 50;
    const kind = r();
    const w = kind < 0.05 ? 0 : kind < 0.1 ? -r() * 40 : r() * 300;
    const h = kind > 0.95 ? 0 : kind > 0.9 ? -r() * 40 : r() * 300;
    out.set([x1, y1, x1 + w, y1 + h], 4 * i);
  }
  return out;
}

/** `[n*4]` deltas, a tenth of them huge (hitting the `dw` clip, or exp underflowing). */
function randomDeltas(n: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: 4 * n }, () => (r() < 0.1 ? r() * 40 - 20 : r() * 4 - 2));
}

/** Distance in float32 steps (0 when bit-identical or both NaN). */
function ulps(a: number, b: number): number {
  if (Number.isNaN(a) && Number.isNaN(b)) return 0;
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.POSITIVE_INFINITY;
  const key = (x: number) => {
    const u = new Uint32Array(new Float32Array([x]).buffer)[0]!;
    return u >>> 31 ? -(u & 0x7fffffff) : u;
  };
  return Math.abs(key(a) - key(b));
}

function assertBitEqual(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < actual.length; i++)
    if (
      ulps(actual[i]!, expected[i]!) !== 0 ||
      Object.is(actual[i], -0) !== Object.is(expected[i], -0)
    )
      assert.fail(`${what}[${i}]: host ${actual[i]} ≠ tensor ${expected[i]}`);
}

const read = (f: () => tf.Tensor): Float32Array => {
  const before = tf.memory().numTensors;
  const t = tf.tidy(f);
  const out = t.dataSync() as Float32Array;
  t.dispose();
  assert.equal(tf.memory().numTensors, before);
  return out;
};
const t2 = (v: Float32Array) => tf.tensor2d(v, [v.length / 4, 4]);

/**
 * Runs `run` with the active backend's float32 `op` (tf.exp / tf.log) in place of `Math`'s. The
 * host loops call it alternately for the `dw` and `dh` columns, which the tensor ops compute as
 * two separate `[N]` tensors; TensorFlow's SIMD exp/log give values that depend on an element's
 * place in its tensor (vector body vs scalar tail), so a first pass records the arguments, the
 * backend computes each column as one tensor in the same layout, and a second pass replays them.
 * Checks that the backend's values are within 2 ulp of the correctly rounded ones (TensorFlow's
 * vectorised log is 2 ulp off for some arguments).
 */
function withBackendFn<T>(
  op: (x: tf.Tensor) => tf.Tensor,
  mathFn: (x: number) => number,
  run: (fn: (x: number) => number) => T,
): T {
  const args: number[] = [];
  run((x) => {
    args.push(x);
    return Math.fround(mathFn(x));
  });
  const values = new Float32Array(args.length);
  for (const lane of [0, 1]) {
    const idx = args.map((_, i) => i).filter((i) => i % 2 === lane);
    const got = read(() => op(tf.tensor1d(idx.map((i) => args[i]!))));
    idx.forEach((i, j) => {
      values[i] = got[j]!;
      const d = ulps(got[j]!, Math.fround(mathFn(args[i]!)));
      assert.ok(d <= 2, `backend fn(${args[i]}) = ${got[j]}: ${d} ulp`);
    });
  }
  let call = 0;
  return run((x) => {
    assert.equal(x, args[call]);
    return values[call++]!;
  });
}

describeEachBackend('hostBoxes equals the tensor ops', (backend) => {
  const exactTranscendentals = backend === 'cpu';

  test('iouHost: bit for bit on the torchvision fixture and on random boxes', () => {
    const cases: [Float32Array, Float32Array][] = [
      [Float32Array.from(boxesFx.a), Float32Array.from(boxesFx.b)],
      [randomBoxes(300, 1), randomBoxes(40, 2)],
    ];
    for (const [a, b] of cases) {
      const expected = read(() => boxIou(t2(a), t2(b)));
      assertBitEqual(iouHost(a, b), expected, 'iou');
    }
    assert.deepEqual(
      Array.from(iouHost(Float32Array.from(boxesFx.a), Float32Array.from(boxesFx.b))),
      Array.from(
        read(() => boxIou(t2(Float32Array.from(boxesFx.a)), t2(Float32Array.from(boxesFx.b)))),
      ),
    );
  });

  const weightSets: BoxCodingWeights[] = [
    [1, 1, 1, 1],
    [10, 10, 5, 5],
  ];

  test("encodeHost: bit for bit given the backend's log (exactly so on cpu)", () => {
    const inputs: [Float32Array, Float32Array][] = [
      [Float32Array.from(coding.reference), Float32Array.from(coding.proposals)],
      [randomBoxes(3000, 3), randomBoxes(3000, 4)],
    ];
    for (const weights of weightSets)
      for (const [ref, props] of inputs) {
        const expected = read(() => encodeBoxes(t2(ref), t2(props), { weights }));
        if (exactTranscendentals)
          assertBitEqual(encodeHost(ref, props, weights), expected, 'encode');
        const actual = withBackendFn(tf.log, Math.log, (log) =>
          encodeHost(ref, props, weights, log),
        );
        assertBitEqual(actual, expected, 'encode');
      }
  });

  test('encodeHost matches the torchvision fixture', () => {
    const c = coding.cases.find((x) => x.convention === 'torchvision')!;
    const actual = encodeHost(
      Float32Array.from(coding.reference),
      Float32Array.from(coding.proposals),
      c.weights as unknown as BoxCodingWeights,
    );
    for (let i = 0; i < actual.length; i++)
      assert.ok(Math.abs(actual[i]! - c.encoded[i]!) <= 1e-6 * (1 + Math.abs(c.encoded[i]!)));
  });

  test("decodeHost: bit for bit given the backend's exp (exactly so on cpu), incl. clipped dw", () => {
    const ref = Float32Array.from(coding.reference);
    const props = Float32Array.from(coding.proposals);
    const inputs: [Float32Array, Float32Array][] = [
      [read(() => encodeBoxes(t2(ref), t2(props))), props],
      [randomDeltas(3000, 5), randomBoxes(3000, 6)],
    ];
    for (const weights of weightSets)
      for (const [deltas, boxes] of inputs) {
        const expected = read(() => decodeBoxes(t2(deltas), t2(boxes), { weights }));
        if (exactTranscendentals)
          assertBitEqual(decodeHost(deltas, boxes, weights), expected, 'decode');
        const actual = withBackendFn(tf.exp, Math.exp, (exp) =>
          decodeHost(deltas, boxes, weights, exp),
        );
        assertBitEqual(actual, expected, 'decode');
      }
  });

  test('empty inputs give empty outputs', () => {
    const none = new Float32Array(0);
    assert.equal(iouHost(none, randomBoxes(3, 7)).length, 0);
    assert.equal(encodeHost(none, none, [1, 1, 1, 1]).length, 0);
    assert.equal(decodeHost(none, none, [1, 1, 1, 1]).length, 0);
  });
});

/** The argmax of each full `iouHost` row, first index on ties, as forwardOnRows used to pick. */
function fullArgmax(boxes: Float32Array, anchors: Float32Array): Int32Array {
  const n = boxes.length / 4;
  const k = anchors.length / 4;
  const iou = iouHost(boxes, anchors);
  return Int32Array.from({ length: n }, (_, i) => {
    let bi = 0;
    let bv = -1;
    for (let j = 0; j < k; j++) {
      if (iou[i * k + j]! > bv) {
        bv = iou[i * k + j]!;
        bi = j;
      }
    }
    return bi;
  });
}

test('bestGridAnchor picks what the argmax of the full IoU row picks', () => {
  const cases = [
    // A teacher grid of kd's presets (32×32, stride 8, 9 anchors of base 16) and another shape.
    { h: 32, w: 32, stride: 8, base: 16, scales: [1.5, 3, 6], ratios: [0.5, 1, 2] },
    { h: 7, w: 11, stride: 16, base: 16, scales: [2, 4], ratios: [1] },
  ];
  for (const c of cases) {
    const base = generateAnchors({ baseSize: c.base, ratios: c.ratios, scales: c.scales });
    const anchors = tf.tidy(() =>
      gridAnchors(base, { featHeight: c.h, featWidth: c.w, stride: c.stride }).dataSync(),
    ) as Float32Array;
    const k = base.shape[0];
    base.dispose();
    // Random boxes (degenerate, outside the image, NaN-free and with NaN), student anchors scaled
    // onto the grid, and anchors of the grid itself (exact ties with duplicates).
    const r = rng(7);
    const nan = Float32Array.from([Number.NaN, 0, 10, 10, 1e6, 1e6, 1e6 + 5, 1e6 + 5]);
    const own = anchors.slice(0, 4 * 60);
    const near = Float32Array.from(anchors.slice(4 * 100, 4 * 400), (v) => v + (r() - 0.5) * 6);
    const boxes = new Float32Array([...randomBoxes(400, 3), ...nan, ...own, ...near]);
    const got = bestGridAnchor(boxes, anchors, {
      featHeight: c.h,
      featWidth: c.w,
      stride: c.stride,
      perCell: k,
    });
    assert.deepEqual(got, fullArgmax(boxes, anchors));
    // Each box's answer is its own: what forwardOnRows' table (every student anchor once, then
    // looked up for each step's rows) relies on.
    const rows = Int32Array.from({ length: 150 }, () => Math.floor(r() * (boxes.length / 4)));
    const subset = Float32Array.from(
      [...rows].flatMap((i) => [...boxes.subarray(4 * i, 4 * i + 4)]),
    );
    const grid = { featHeight: c.h, featWidth: c.w, stride: c.stride, perCell: k };
    assert.deepEqual(
      bestGridAnchor(subset, anchors, grid),
      Int32Array.from(rows, (i) => got[i]!),
    );
  }
  // Duplicated anchors: equal IoUs, the first index wins.
  const dup = new Float32Array([0, 0, 8, 8, 0, 0, 8, 8, 8, 0, 16, 8, 8, 0, 16, 8]);
  const q = new Float32Array([1, 1, 7, 7, 9, 1, 15, 7]);
  const got = bestGridAnchor(q, dup, { featHeight: 1, featWidth: 2, stride: 8, perCell: 2 });
  assert.deepEqual(got, fullArgmax(q, dup));
  assert.deepEqual([...got], [0, 2]);
  assert.throws(
    () => bestGridAnchor(q, dup, { featHeight: 2, featWidth: 2, stride: 8, perCell: 2 }),
    /4 anchors for a 2×2 grid of 2 per cell/,
  );
});
