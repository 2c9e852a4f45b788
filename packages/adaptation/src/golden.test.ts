import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { assertCloseToGolden, loadFixture, testBackends, useBackend } from '@kd/tensor-ops/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import { channelL2Normalize } from './channelL2Normalize.js';
import { convAdaptationForward } from './convAdaptation.js';
import { fcAdaptationForward } from './fcAdaptation.js';
import { createHintPairing } from './hintPairing.js';
import type { AxisResampling } from './interpolationMatrix.js';
import { resample } from './resample.js';

interface Enc {
  shape: number[];
  data: number[];
}
interface Case {
  name: string;
  kind: 'conv' | 'fc' | 'resample' | 'channelL2' | 'pairing';
  // biome-ignore lint/suspicious/noExplicitAny: per-kind JSON options
  options: any;
  inputs: Record<string, Enc>;
  upstream: Enc;
  expected: { output: Enc; grads: Record<string, Enc> };
}

const t = (e: Enc) => tf.tensor(e.data, e.shape, 'float32');
const { cases } = loadFixture<{ cases: Case[] }>(import.meta.url, 'adaptation-golden.json');

for (const backend of testBackends()) {
  describe(`golden values and gradients vs PyTorch 1.13 (float64), ${backend}`, () => {
    before(() => useBackend(backend));
    for (const c of cases) {
      test(c.name, () => {
        const before = tf.memory().numTensors;
        const x: Record<string, tf.Tensor> = {};
        for (const [k, v] of Object.entries(c.inputs)) x[k] = t(v);
        const keys = Object.keys(c.expected.grads);
        let pairingToDispose: (() => void) | undefined;
        let f: (...a: tf.Tensor[]) => tf.Tensor;
        const arg = (a: tf.Tensor[], k: string) => a[keys.indexOf(k)] ?? x[k];
        switch (c.kind) {
          case 'conv':
            f = (...a) =>
              convAdaptationForward(
                {
                  kernel: arg(a, 'kernel') as tf.Tensor4D,
                  ...(x.bias === undefined ? {} : { bias: arg(a, 'bias') as tf.Tensor1D }),
                },
                arg(a, 'x') as tf.Tensor4D,
              );
            break;
          case 'fc':
            f = (...a) =>
              fcAdaptationForward(
                { kernel: arg(a, 'kernel') as tf.Tensor2D, bias: arg(a, 'bias') as tf.Tensor1D },
                arg(a, 'x') as tf.Tensor2D,
              );
            break;
          case 'resample':
            f = (xx) =>
              resample(
                xx as tf.Tensor4D,
                c.options.outH,
                c.options.outW,
                c.options.mode as AxisResampling,
              );
            break;
          case 'channelL2':
            f = (xx) => channelL2Normalize(xx!);
            break;
          case 'pairing': {
            const p = createHintPairing({
              student: { name: 'student.conv3', shape: c.options.student },
              teacher: { name: 'teacher.conv5', shape: c.options.teacher },
              ...(c.options.adaptation === undefined ? {} : { adaptation: c.options.adaptation }),
            });
            assert.ok(E.isRight(p));
            const pairing = (p as E.Right<import('./hintPairing.js').HintPairing>).right;
            const [kernel, bias] = pairing.variables();
            kernel!.assign(x.kernel!);
            bias!.assign(x.bias as tf.Tensor1D);
            pairingToDispose = pairing.dispose;
            // gradients w.r.t. the pairing's own variables and its input
            const g = tf.tidy(() => {
              const up = t(c.upstream);
              const { value, grads } = tf.variableGrads(
                () => tf.sum(tf.mul(pairing.adapt(x.x!), up)) as tf.Scalar,
                [kernel!, bias!],
              );
              const dx = tf.grad((xx) => tf.sum(tf.mul(pairing.adapt(xx), up)))(x.x!);
              const out = pairing.adapt(x.x!);
              value.dispose();
              return { out, dx, dk: grads[kernel!.name]!, db: grads[bias!.name]! };
            });
            assertCloseToGolden(g.out.dataSync(), c.expected.output.data, `${c.name} output`);
            assertCloseToGolden(g.dx.dataSync(), c.expected.grads.x!.data, `${c.name} d/dx`);
            assertCloseToGolden(
              g.dk.dataSync(),
              c.expected.grads.kernel!.data,
              `${c.name} d/dkernel`,
            );
            assertCloseToGolden(g.db.dataSync(), c.expected.grads.bias!.data, `${c.name} d/dbias`);
            tf.dispose([g, x] as unknown as tf.TensorContainer);
            pairingToDispose();
            assert.equal(tf.memory().numTensors, before, 'tensors leaked');
            return;
          }
        }
        const out = tf.tidy(() => f(...keys.map((k) => x[k]!)));
        assert.deepEqual(out.shape, c.expected.output.shape);
        assertCloseToGolden(out.dataSync(), c.expected.output.data, `${c.name} output`);
        const up = t(c.upstream);
        const grads = tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(f(...a), up)))(
          keys.map((k) => x[k]!),
        );
        keys.forEach((k, i) => {
          assert.deepEqual(grads[i]!.shape, c.expected.grads[k]!.shape);
          assertCloseToGolden(grads[i]!.dataSync(), c.expected.grads[k]!.data, `${c.name} d/d${k}`);
        });
        tf.dispose([out, up, grads, x] as unknown as tf.TensorContainer);
        assert.equal(tf.memory().numTensors, before, 'tensors leaked');
      });
    }
  });
}
