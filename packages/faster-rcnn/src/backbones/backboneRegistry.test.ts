import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { createRng, initBackend } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import { decodeFasterRcnnConfig } from '../config/fasterRcnnConfig.js';
import { rectangleBatch, tinyConfig } from '../internal/testing.js';
import type { ParamStore } from '../layers/ParamStore.js';
import { FasterRcnn } from '../model/FasterRcnn.js';
import type { Backbone, BackboneForward } from './Backbone.js';
import { backboneNames, createBackbone, registerBackbone } from './backboneRegistry.js';
import { BACKBONE_NAMES, type BackboneSpec } from './builtinBackbones.js';

/** A user's backbone: three 3×3 stride-2 convolutions with ReLU (stride 8), weights in the store. */
function threeConvs(spec: BackboneSpec, store: ParamStore): Backbone {
  const width = Math.max(4, Math.round(16 * (spec.widthMultiplier ?? 1)));
  const convs = [3, width, width].map((cin, i) => ({
    name: `c${i + 1}`,
    w: store.create(`backbone/c${i + 1}/w`, [3, 3, cin, width], {
      kind: 'heNormal',
      fanIn: 9 * cin,
    }),
    b: store.create(`backbone/c${i + 1}/b`, [width], { kind: 'zeros' }),
  }));
  return {
    name: spec.name,
    stride: 8,
    outChannels: width,
    layers: convs.map((c, i) => ({ name: c.name, stride: 2 ** (i + 1), channels: width })),
    // Like the built-ins, intermediate tensors are left to the caller's tidy scope.
    forward(images, { collect = [] }): BackboneForward {
      const features: Record<string, tf.Tensor4D> = {};
      let x = images;
      for (const c of convs) {
        x = tf.relu(tf.add(tf.conv2d(x, c.w as tf.Tensor4D, 2, 'same'), c.b)) as tf.Tensor4D;
        if (collect.includes(c.name)) features[c.name] = x;
      }
      return { output: x, features };
    },
  };
}

before(async () => {
  await initBackend({ backend: 'wasm' });
  registerBackbone('three-convs', threeConvs);
});

describe('backbone registry', () => {
  test('the built-ins are registered first; a registered name joins them', () => {
    assert.deepEqual(backboneNames(), [...BACKBONE_NAMES, 'three-convs']);
  });

  test('a name cannot be registered twice, built-in or not', () => {
    assert.throws(() => registerBackbone('vgg16', threeConvs), /'vgg16' is already registered/);
    assert.throws(() => registerBackbone('three-convs', threeConvs), /already registered/);
  });

  test('a config naming an unregistered backbone is refused with the names it may use', () => {
    const r = decodeFasterRcnnConfig({ numClasses: 2, backbone: { name: 'vgg19' } }, 'model.json');
    assert.ok(E.isLeft(r));
    assert.match(
      r.left,
      /at backbone\.name: expected a backbone name \(vgg16, vggm, alexnet, alexnet-tucker, resnet18, mobilenetv2, three-convs\), got "vgg19"/,
    );
    assert.throws(
      () => createBackbone({ name: 'vgg19' }, undefined as unknown as ParamStore),
      /unknown backbone 'vgg19': expected one of vgg16, .*three-convs \(registerBackbone adds one\)/,
    );
  });

  test('a registered backbone trains (every weight gets a gradient), predicts and leaks nothing', async () => {
    const model = new FasterRcnn(
      tinyConfig({ backbone: { name: 'three-convs', widthMultiplier: 0.5 } }),
    );
    assert.equal(model.backbone.name, 'three-convs');
    assert.equal(model.stride, 8);
    const batch = rectangleBatch(2, 64, 1);
    const vars = model.trainableVariables();
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => {
      const f = model.forwardTrain(batch, createRng(0), { collect: ['c2'] });
      return tf.addN(Object.values(f.losses)) as tf.Scalar;
    }, vars);
    const backboneWeights = model.params.entries().filter(([n]) => n.startsWith('backbone/'));
    assert.equal(backboneWeights.length, 6);
    for (const [n, v] of backboneWeights) {
      const g = grads[v.name];
      assert.ok(g && tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0]!) > 0, `${n}: no gradient`);
    }
    tf.dispose([value, ...Object.values(grads)]);
    assert.equal(tf.memory().numTensors, before, 'training forward');
    const dets = await model.predict(batch);
    assert.equal(dets.length, 2);
    assert.equal(tf.memory().numTensors, before, 'inference');
    batch.images.dispose();
    model.dispose();
  });

  test('FasterRcnn takes a one-off backbone factory in place of the named one', () => {
    let built = 0;
    const model = new FasterRcnn(tinyConfig(), {
      backbone: (spec, store) => {
        built++;
        return threeConvs({ ...spec, widthMultiplier: 0.25 }, store);
      },
    });
    assert.equal(built, 1);
    assert.equal(model.backbone.outChannels, 4);
    assert.ok(model.params.entries().some(([n]) => n === 'backbone/c3/w'));
    model.dispose();
  });
});
