import * as tf from '@tensorflow/tfjs-core';

/** Milliseconds of the three products of an fc layer's step, as tfjs computes them and alternatives. */
export interface DenseProductTimes {
  readonly forward: number;
  /** `dX = dy · Wᵀ` with `matMul(dy, W, false, true)`, as tfjs's MatMul gradient does. */
  readonly dxTransposeB: number;
  /** The same with an explicit `transpose(W)` and a plain matMul. */
  readonly dxExplicit: number;
  /** `dW = xᵀ · dy` with `matMul(x, dy, true, false)`, as tfjs's MatMul gradient does. */
  readonly dwTransposeA: number;
  readonly dwExplicit: number;
}

function once(f: () => tf.Tensor): number {
  tf.tidy(() => void f().dataSync());
  const t0 = performance.now();
  tf.tidy(() => void f().dataSync());
  return performance.now() - t0;
}

/**
 * Times the forward product and both gradient products of an fc layer `[n, din] · [din, dout]`,
 * with transposed-operand matMul (what tfjs-core's MatMul gradient emits) and with an explicit
 * transpose followed by a plain matMul. On wasm the transposed forms are an order of magnitude
 * slower, which is where most of a training step's fc-head backward time goes.
 */
export function denseGradientProducts(n: number, din: number, dout: number): DenseProductTimes {
  const x = tf.randomNormal([n, din], 0, 1, 'float32', 1) as tf.Tensor2D;
  const w = tf.randomNormal([din, dout], 0, 1, 'float32', 2) as tf.Tensor2D;
  const dy = tf.randomNormal([n, dout], 0, 1, 'float32', 3) as tf.Tensor2D;
  const out = {
    forward: once(() => tf.matMul(x, w)),
    dxTransposeB: once(() => tf.matMul(dy, w, false, true)),
    dxExplicit: once(() => tf.matMul(dy, tf.transpose(w))),
    dwTransposeA: once(() => tf.matMul(x, dy, true, false)),
    dwExplicit: once(() => tf.matMul(tf.transpose(x), dy)),
  };
  tf.dispose([x, w, dy]);
  return out;
}
