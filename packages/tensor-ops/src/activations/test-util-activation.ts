// Shared tests of the masked activations (relu, relu6); test-util*: left out of the published package.
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { assertClose, fixture, noLeak } from '../test-util.js';
import type { MaskedActivation } from './maskedActivation.js';

/** A case of an activation's PyTorch fixture: flat NHWC values. */
export interface ActivationCase {
  readonly name: string;
  readonly shape: number[];
  readonly x: number[];
  readonly dy: number[];
  readonly y: number[];
  readonly dx: number[];
}

/** f(x) and the gradient of Σ f(x)·dy, read back. */
export function forwardAndGradient(
  f: (x: tf.Tensor) => tf.Tensor,
  x: readonly number[],
  dy: readonly number[],
  shape: readonly number[] = [x.length],
): [Float32Array, Float32Array] {
  return tf.tidy(() => {
    const xt = tf.tensor(x as number[], shape as number[]);
    const dyt = tf.tensor(dy as number[], shape as number[]);
    const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(f(a), dyt)));
    return [f(xt).dataSync() as Float32Array, g(xt).dataSync() as Float32Array];
  });
}

/**
 * Registers, in the calling `describe`, the tests every masked activation shares: forward and
 * gradient equal PyTorch's fixture `fixtureName` exactly, leak-free; and `a`'s gradient kernel on
 * `backend` equals `a.composite` on the case named `kernelCase`. Returns the fixture's cases.
 */
export function testActivationFixture(
  fixtureName: string,
  f: (x: tf.Tensor) => tf.Tensor,
  a: MaskedActivation,
  kernelCase: string,
  backend: string,
): ActivationCase[] {
  const { cases } = fixture(fixtureName) as { cases: ActivationCase[] };
  for (const c of cases) {
    test(`${c.name} ${c.shape.join('x')}`, async () => {
      const [y, dx] = await noLeak(() => forwardAndGradient(f, c.x, c.dy, c.shape));
      assertClose(y, c.y, 0, 0, 'forward');
      assertClose(dx, c.dx, 0, 0, 'gradient');
    });
  }
  test(`the ${a.gradKernelName} kernel registered on ${backend} equals the composite`, async () => {
    const c = cases.find((k) => k.name === kernelCase)!;
    const [kernel, composite] = await noLeak(() =>
      tf.tidy(() => {
        const x = tf.tensor(c.x, c.shape);
        const dy = tf.tensor(c.dy, c.shape);
        f(x); // registers the kernels on this backend
        return [
          (tf.engine().runKernel(a.gradKernelName, { dy, x }) as tf.Tensor).dataSync(),
          a.composite(dy, x).dataSync(),
        ];
      }),
    );
    assertClose(kernel!, composite!, 0, 0, 'kernel vs composite');
  });
  return cases;
}
