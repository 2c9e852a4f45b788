import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as E from 'fp-ts/lib/Either.js';
import { kerasLayerOfWeight, mobileNetV2KerasName } from './mobileNetV2KerasNames.js';

describe('mobileNetV2KerasName', () => {
  test('maps our names onto keras.applications.MobileNetV2 weight names', () => {
    const cases: [string, string][] = [
      ['backbone/stem/conv/w', 'Conv1/kernel'],
      ['backbone/stem/bn/gamma', 'bn_Conv1/gamma'],
      ['backbone/stem/bn/running_var', 'bn_Conv1/moving_variance'],
      // Stage 0 (t = 1) is Keras's `expanded_conv`: no expansion layer.
      ['backbone/block0.0/dw/w', 'expanded_conv_depthwise/depthwise_kernel'],
      ['backbone/block0.0/project_bn/running_mean', 'expanded_conv_project_BN/moving_mean'],
      // Keras numbers blocks across stages: stage 1 is blocks 1–2, stage 2 3–5, stage 3 6–9, stage 4 10–12.
      ['backbone/block1.0/expand/w', 'block_1_expand/kernel'],
      ['backbone/block2.2/dw_bn/beta', 'block_5_depthwise_BN/beta'],
      ['backbone/block3.1/dw/w', 'block_7_depthwise/depthwise_kernel'],
      ['backbone/block4.2/project/w', 'block_12_project/kernel'],
      ['backbone/block4.2/expand_bn/gamma', 'block_12_expand_BN/gamma'],
    ];
    for (const [ours, keras] of cases) assert.deepEqual(mobileNetV2KerasName(ours), E.right(keras));
  });

  test('names outside the network are errors', () => {
    for (const bad of [
      'backbone/block4.3/dw/w', // stage 4 has 3 blocks
      'backbone/block5.0/dw/w', // no stage 5 below stride 32
      'backbone/stem/conv/b', // no bias in MobileNetV2
      'backbone/block1.0/expand_bn/w',
      'rpn/conv/w',
    ]) {
      const r = mobileNetV2KerasName(bad);
      assert.ok(E.isLeft(r), bad);
      assert.match(r.left, /is not a MobileNetV2 backbone parameter/);
    }
  });

  test('kerasLayerOfWeight strips the weight suffix', () => {
    assert.equal(kerasLayerOfWeight('block_8_depthwise/depthwise_kernel'), 'block_8_depthwise');
  });
});
