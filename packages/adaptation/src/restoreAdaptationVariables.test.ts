import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { useCpu } from '@kd/tensor-ops/testing';
import * as tf from '@tensorflow/tfjs-core';
import { adaptationVariableKey } from './adaptationLayer.js';
import { createConvAdaptation } from './convAdaptation.js';
import { restoreAdaptationVariables } from './restoreAdaptationVariables.js';

before(useCpu);

test('the key drops only the process-wide counter', () => {
  assert.equal(adaptationVariableKey('kd_adaptation/conv_12/kernel'), 'kd_adaptation/conv/kernel');
  assert.equal(adaptationVariableKey('kd_adaptation/hint_2_7/bias'), 'kd_adaptation/hint_2/bias');
  assert.equal(adaptationVariableKey('backbone/conv1_1/w_3'), 'backbone/conv1_1/w_3');
});

test('weights saved by one layer reach a layer created later in the same process', () => {
  const saved = createConvAdaptation({ inChannels: 4, outChannels: 6, seed: 1 });
  // Another layer in between moves the counter, as a second run of the same process does.
  const other = createConvAdaptation({ inChannels: 4, outChannels: 6, seed: 2 });
  const fresh = createConvAdaptation({ inChannels: 4, outChannels: 6, seed: 3 });
  const weights = Object.fromEntries(saved.variables().map((v) => [v.name, v as tf.Tensor]));
  assert.notEqual(fresh.variables()[0]!.name, saved.variables()[0]!.name);
  assert.deepEqual(restoreAdaptationVariables(fresh.variables(), weights), []);
  fresh
    .variables()
    .forEach((v, i) => assert.deepEqual(v.dataSync(), saved.variables()[i]!.dataSync()));
  for (const l of [saved, other, fresh]) l.dispose();
});

test('a missing, extra or reshaped weight is reported and nothing is assigned', () => {
  const saved = createConvAdaptation({ inChannels: 4, outChannels: 6, seed: 1 });
  const fresh = createConvAdaptation({ inChannels: 4, outChannels: 6, seed: 3 });
  const before = fresh.variables().map((v) => Array.from(v.dataSync()));
  const [kernel, bias] = saved.variables();
  const wide = tf.zeros([1, 1, 4, 7]);
  const problems = restoreAdaptationVariables(fresh.variables(), {
    [kernel!.name]: wide,
    'kd_adaptation/other_1/kernel': bias!,
  });
  assert.deepEqual(problems, [
    `${kernel!.name} has shape [1,1,4,7], the layer's kd_adaptation/conv/kernel [1,1,4,6]`,
    'no saved weight for kd_adaptation/conv/bias',
    'saved kd_adaptation/other/kernel matches no variable of the layer',
  ]);
  fresh.variables().forEach((v, i) => assert.deepEqual(Array.from(v.dataSync()), before[i]));
  wide.dispose();
  saved.dispose();
  fresh.dispose();
});
