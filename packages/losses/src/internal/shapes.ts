import type * as tf from '@tensorflow/tfjs-core';

/** Throws a message naming the argument, the expected shape and the actual one. */
export function expectShape(
  what: string,
  t: tf.Tensor,
  expected: readonly (number | null)[],
  meaning: string,
): void {
  const ok = t.rank === expected.length && expected.every((d, i) => d === null || d === t.shape[i]);
  if (!ok) {
    const exp = `[${expected.map((d) => (d === null ? '*' : String(d))).join(', ')}]`;
    throw new Error(`${what}: expected shape ${exp} (${meaning}), got [${t.shape.join(', ')}]`);
  }
}

export function expectSameShape(whatA: string, a: tf.Tensor, whatB: string, b: tf.Tensor): void {
  if (a.rank !== b.rank || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new Error(
      `${whatA} [${a.shape.join(', ')}] and ${whatB} [${b.shape.join(', ')}] must have the same shape`,
    );
  }
}
