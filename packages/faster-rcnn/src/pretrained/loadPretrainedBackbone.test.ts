import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createRng, initBackend } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import * as E from 'fp-ts/lib/Either.js';
import { MOBILENETV2_BN_EPSILON } from '../backbones/MobileNetV2.js';
import { rectangleBatch, tinyConfig } from '../internal/testing.js';
import { FasterRcnn } from '../model/FasterRcnn.js';
import {
  type KerasModel,
  kerasLayers,
  kerasModelArtifacts,
  kerasWeightSpecs,
} from './kerasModelJson.js';
import { assignPretrainedBackbone, loadPretrainedBackbone } from './loadPretrainedBackbone.js';
import { mapPretrainedWeights } from './mapPretrainedWeights.js';
import { MOBILENETV2_KERAS_CUT } from './mobileNetV2KerasNames.js';
import { readKerasModel } from './readKerasModel.js';

let nsfwjs: KerasModel;
const dir = mkdtempSync(join(tmpdir(), 'kd-pretrained-'));
before(async () => {
  await initBackend({ backend: 'wasm' });
  nsfwjs = await readKerasModel('nsfwjs');
});
after(() => rmSync(dir, { recursive: true, force: true }));

const pretrainedConfig = (backbone: Record<string, unknown> = {}) =>
  tinyConfig({ backbone: { name: 'mobilenetv2', pretrained: 'nsfwjs', ...backbone } });

const backboneShapes = (model: FasterRcnn) =>
  model.params
    .entries()
    .filter(([n]) => n.startsWith('backbone/'))
    .map(([name, v]) => ({ name, shape: v.shape }));

/**
 * Runs our backbone and the Keras model cut at `block_12_add` on the same random pixels and checks
 * that the features agree within 1e-4 of their largest magnitude. Disposes what it creates.
 */
function assertBackboneEqualsKeras(
  model: FasterRcnn,
  keras: tfl.LayersModel,
  size: number,
  seed: number,
  kerasCut = MOBILENETV2_KERAS_CUT,
): void {
  const cut = tfl.model({
    inputs: keras.inputs,
    outputs: keras.getLayer(kerasCut).output as tfl.SymbolicTensor,
  });
  const pixels = tf.randomUniform([2, size, size, 3], 0, 255, 'float32', seed) as tf.Tensor4D;
  const ours = tf.tidy(
    () => model.backbone.forward(model.normalize(pixels), { training: false }).output,
  );
  // Keras MobileNetV2's own preprocessing: x / 127.5 − 1.
  const theirs = tf.tidy(() => cut.predict(tf.sub(tf.div(pixels, 127.5), 1)) as tf.Tensor);
  assert.deepEqual(theirs.shape, ours.shape);
  const maxAbs = tf.tidy(() => tf.max(tf.abs(theirs)).dataSync()[0]!);
  const maxDiff = tf.tidy(() => tf.max(tf.abs(tf.sub(ours, theirs))).dataSync()[0]!);
  assert.ok(maxAbs > 1, `features should not vanish (max |x| = ${maxAbs})`);
  assert.ok(maxDiff <= 1e-4 * maxAbs, `max |ours − keras| = ${maxDiff}, max |keras| = ${maxAbs}`);
  tf.dispose([pixels, ours, theirs]);
}

/**
 * The nsfwjs Keras MobileNetV2 made atrous as DeepLab does: Keras block `unstrided`'s explicit
 * (0, 1) padding and stride 2 become a 'same' stride-1 window, and the depthwise of each block in
 * `dilated` dilates by its rate. Same weights. The input is 112 px, which keeps the classifier's
 * flattened 7×7 map (the network loses one stride 2).
 */
async function atrousKeras(
  unstrided: number,
  dilated: ReadonlyMap<number, number>,
): Promise<tfl.LayersModel> {
  const rate = new Map([...dilated].map(([i, r]) => [`block_${i}_depthwise`, r]));
  const layers = kerasLayers(nsfwjs.json).map((l) =>
    l.name === 'input_1'
      ? { ...l, config: { ...l.config, batch_input_shape: [null, 112, 112, 3] } }
      : l.name === `block_${unstrided}_pad`
        ? {
            ...l,
            config: {
              ...l.config,
              padding: [
                [1, 1],
                [1, 1],
              ],
            },
          }
        : l.name === `block_${unstrided}_depthwise`
          ? { ...l, config: { ...l.config, strides: [1, 1] } }
          : rate.has(l.name)
            ? { ...l, config: { ...l.config, dilation_rate: [rate.get(l.name), rate.get(l.name)] } }
            : l,
  );
  const top = nsfwjs.json.modelTopology as unknown as {
    model_config: { config: Record<string, unknown> };
  };
  const atrousJson = {
    ...nsfwjs.json,
    modelTopology: {
      ...top,
      model_config: { ...top.model_config, config: { ...top.model_config.config, layers } },
    },
  } as unknown as KerasModel['json'];
  const keras = await tfl.loadLayersModel(
    tf.io.fromMemory(kerasModelArtifacts({ ...nsfwjs, json: atrousJson })),
  );
  // tfjs-layers 4.22's DepthwiseConv2D ignores dilation_rate (it passes null to the op), so the
  // dilated layers call tfjs-core's dilated depthwise convolution directly (use_bias is false).
  for (const [name, r] of rate) {
    const layer = keras.getLayer(name) as unknown as {
      call: (inputs: tf.Tensor | tf.Tensor[]) => tf.Tensor;
      depthwiseKernel: { read: () => tf.Tensor4D };
    };
    layer.call = (inputs) =>
      tf.depthwiseConv2d(
        (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D,
        layer.depthwiseKernel.read(),
        1,
        'same',
        'NHWC',
        r,
      );
  }
  return keras;
}

describe('pretrained MobileNetV2 from nsfwjs', () => {
  test('every backbone parameter maps to a Keras weight up to the cut, and every such weight is used', () => {
    const model = new FasterRcnn(pretrainedConfig());
    const params = backboneShapes(model);
    const layers = kerasLayers(nsfwjs.json);
    const r = mapPretrainedWeights(params, layers, kerasWeightSpecs(nsfwjs.json), {
      source: nsfwjs.source,
      epsilon: MOBILENETV2_BN_EPSILON,
    });
    assert.ok(E.isRight(r), E.isLeft(r) ? r.left : '');
    assert.equal(r.right.pairs.length, params.length);
    // Stem conv + BN (5), block 0 without expansion (10), 12 blocks of conv+BN ×3 (15 each).
    assert.equal(params.length, 5 + 10 + 12 * 15);
    assert.deepEqual(r.right.unused, []);
    assert.equal(new Set(r.right.pairs.map((p) => p.weight)).size, params.length);
    // The cut is the last 96-channel block's residual sum, before block 13's stride-2 depthwise.
    const names = layers.map((l) => l.name);
    assert.equal(names.indexOf(MOBILENETV2_KERAS_CUT), 116);
    assert.equal(names[names.indexOf(MOBILENETV2_KERAS_CUT) + 1], 'block_13_expand');
    model.dispose();
  });

  test("the backbone's output equals the nsfwjs Keras model cut at block_12_add", async () => {
    const before = tf.memory().numTensors;
    const model = new FasterRcnn(pretrainedConfig());
    // Training a model whose config asks for pretrained weights it never got is an error.
    const batch = rectangleBatch(1, 64, 1);
    assert.throws(
      () => model.forwardTrain(batch, createRng(0)),
      /backbone\.pretrained is 'nsfwjs' but no weights were loaded: call loadPretrainedBackbone/,
    );
    batch.images.dispose();
    const report = await loadPretrainedBackbone(model);
    assert.equal(report.cut, 'block_12_add');
    assert.equal(report.stride, 16);
    assert.equal(report.loaded.length, backboneShapes(model).length);
    assert.ok(report.random.every((n) => !n.startsWith('backbone/')));
    assert.ok(report.random.some((n) => n.startsWith('rpn/')));

    const keras = await tfl.loadLayersModel(tf.io.fromMemory(kerasModelArtifacts(nsfwjs)));
    assertBackboneEqualsKeras(model, keras, 224, 7);
    keras.dispose();
    model.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  test('at output stride 8 the backbone equals the Keras model with block 6 unstrided and blocks 7–12 dilated ×2', async () => {
    const before = tf.memory().numTensors;
    const model = new FasterRcnn(pretrainedConfig({ outputStride: 8 }));
    const report = await loadPretrainedBackbone(model);
    assert.equal(report.stride, 8);
    assert.equal(model.backbone.stride, 8);
    // DeepLab's atrous MobileNetV2 written in Keras: block 6 unstrided, every later depthwise ×2.
    const keras = await atrousKeras(6, new Map([7, 8, 9, 10, 11, 12].map((i) => [i, 2])));
    assertBackboneEqualsKeras(model, keras, 112, 9);
    keras.dispose();
    model.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  test('a trunk of 3 stages equals the Keras model cut at block_5_add (32 channels, stride 8)', async () => {
    const before = tf.memory().numTensors;
    const model = new FasterRcnn(pretrainedConfig({ outputStride: 8, stages: 3 }));
    const report = await loadPretrainedBackbone(model);
    assert.equal(report.cut, 'block_5_add');
    assert.equal(report.stride, 8);
    assert.deepEqual(
      model.backbone.layers.map((l) => [l.name, l.stride, l.channels]),
      [
        ['stem', 2, 32],
        ['block0', 2, 16],
        ['block1', 4, 24],
        ['block2', 8, 32],
      ],
    );
    // Stem conv + BN (5), block 0 (10), blocks 1–5 (15 each): the full trunk's first 75 weights.
    assert.equal(report.loaded.length, 5 + 10 + 5 * 15);
    const keras = await tfl.loadLayersModel(tf.io.fromMemory(kerasModelArtifacts(nsfwjs)));
    assertBackboneEqualsKeras(model, keras, 224, 11, 'block_5_add');
    keras.dispose();
    model.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  test('at output stride 4 a trunk of 3 stages equals the Keras model with block 3 unstrided and blocks 4–5 dilated ×2, cut at block_5_add', async () => {
    const before = tf.memory().numTensors;
    const model = new FasterRcnn(pretrainedConfig({ outputStride: 4, stages: 3 }));
    const report = await loadPretrainedBackbone(model);
    assert.equal(report.cut, 'block_5_add');
    assert.equal(report.stride, 4);
    assert.deepEqual(
      model.backbone.layers.map((l) => [l.name, l.stride, l.channels]),
      [
        ['stem', 2, 32],
        ['block0', 2, 16],
        ['block1', 4, 24],
        ['block2', 4, 32],
      ],
    );
    const keras = await atrousKeras(3, new Map([4, 5].map((i) => [i, 2])));
    assertBackboneEqualsKeras(model, keras, 112, 13, 'block_5_add');
    keras.dispose();
    model.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  test('frozen batch norm trains on the ImageNet statistics and leaves them unchanged', async () => {
    const model = new FasterRcnn(pretrainedConfig({ outputStride: 8, frozenBatchNorm: true }));
    await loadPretrainedBackbone(model);
    const mean = 'backbone/block3.1/expand_bn/running_mean';
    const gamma = 'backbone/block3.1/expand_bn/gamma';
    const meanBefore = model.params.get(mean).dataSync().slice();
    const pixels = tf.randomUniform([2, 64, 64, 3], 0, 255, 'float32', 3) as tf.Tensor4D;
    const [train, infer] = tf.tidy(() => {
      const x = model.normalize(pixels);
      return [
        model.backbone.forward(x, { training: true }).output,
        model.backbone.forward(x, { training: false }).output,
      ];
    });
    // Inference folds the batch norms into the convolutions: equal up to float32 rounding.
    const scale = tf.tidy(() => tf.max(tf.abs(train!)).dataSync()[0]!);
    const gap = tf.tidy(() => tf.max(tf.abs(tf.sub(train!, infer!))).dataSync()[0]!);
    assert.ok(gap <= 1e-5 * scale, `train/inference gap ${gap} for values up to ${scale}`);
    assert.deepEqual(model.params.get(mean).dataSync(), meanBefore);
    // γ and β still get gradients.
    const g = tf.variableGrads(
      () =>
        tf.sum(
          model.backbone.forward(model.normalize(pixels), { training: true }).output,
        ) as tf.Scalar,
      [model.params.get(gamma)],
    );
    assert.ok(tf.tidy(() => tf.max(tf.abs(Object.values(g.grads)[0]!)).dataSync()[0]!) > 0);
    tf.dispose([pixels, train!, infer!, g.value, ...Object.values(g.grads)]);
    model.dispose();
  });

  test('reads a model.json with shards beside it as well', async () => {
    writeFileSync(
      join(dir, 'model.json'),
      JSON.stringify({
        modelTopology: nsfwjs.json.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: kerasWeightSpecs(nsfwjs.json) }],
      }),
    );
    writeFileSync(join(dir, 'weights.bin'), new Uint8Array(nsfwjs.weightData));
    const model = new FasterRcnn(pretrainedConfig({ pretrained: join(dir, 'model.json') }));
    const report = await loadPretrainedBackbone(model);
    assert.equal(report.source, join(dir, 'model.json'));
    const fromNsfwjs = new FasterRcnn(pretrainedConfig());
    await loadPretrainedBackbone(fromNsfwjs);
    const w = 'backbone/block4.2/project/w';
    assert.deepEqual(model.params.get(w).dataSync(), fromNsfwjs.params.get(w).dataSync());
    model.dispose();
    fromNsfwjs.dispose();
  });

  test('a width other than 1.0, another backbone or another normalisation is refused', () => {
    const narrow = new FasterRcnn(
      tinyConfig({ backbone: { name: 'mobilenetv2', widthMultiplier: 0.5 } }),
    );
    // Past the config's own check (which refuses it earlier), as a hand-built config could be.
    const narrowCfg = { ...narrow.config, input: pretrainedConfig().input };
    const r1 = assignPretrainedBackbone({ config: narrowCfg, params: narrow.params }, nsfwjs);
    assert.ok(E.isLeft(r1));
    assert.match(r1.left, /only at width 1\.0/);
    // The shape check alone also catches it, naming each weight.
    const r2 = mapPretrainedWeights(
      backboneShapes(narrow),
      kerasLayers(nsfwjs.json),
      kerasWeightSpecs(nsfwjs.json),
      { source: 'nsfwjs', epsilon: MOBILENETV2_BN_EPSILON },
    );
    assert.ok(E.isLeft(r2));
    assert.match(
      r2.left,
      /'Conv1\/kernel' has shape \[3,3,3,32\] but 'backbone\/stem\/conv\/w' has shape \[3,3,3,16\]/,
    );
    narrow.dispose();

    const vgg = new FasterRcnn(tinyConfig());
    const r3 = assignPretrainedBackbone(vgg, nsfwjs);
    assert.ok(E.isLeft(r3));
    assert.match(r3.left, /only a mobilenetv2 backbone, not vgg16/);
    vgg.dispose();

    const m = new FasterRcnn(tinyConfig({ backbone: { name: 'mobilenetv2' } }));
    const r4 = assignPretrainedBackbone(m, nsfwjs);
    assert.ok(E.isLeft(r4));
    assert.match(r4.left, /input normalisation must be Keras's x \/ 127\.5 − 1/);
    m.dispose();
  });

  test('a Keras model that is not our network is refused before anything is assigned', () => {
    const model = new FasterRcnn(pretrainedConfig());
    const layers = kerasLayers(nsfwjs.json).map((l) =>
      l.name === 'block_4_depthwise_BN'
        ? { ...l, config: { ...l.config, epsilon: 1e-5 } }
        : l.name === 'block_6_depthwise'
          ? { ...l, config: { ...l.config, strides: [1, 1] } }
          : l,
    );
    const specs = kerasWeightSpecs(nsfwjs.json).filter((w) => w.name !== 'block_9_expand/kernel');
    const r = mapPretrainedWeights(backboneShapes(model), layers, specs, {
      source: 'x.json',
      epsilon: MOBILENETV2_BN_EPSILON,
    });
    assert.ok(E.isLeft(r));
    assert.match(r.left, /^x\.json: does not fit kd's MobileNetV2 backbone/);
    assert.match(r.left, /no weight 'block_9_expand\/kernel' for 'backbone\/block3\.3\/expand\/w'/);
    assert.match(r.left, /'block_4_depthwise_BN' has epsilon 0\.00001, the backbone 0\.001/);
    assert.match(r.left, /'block_6_depthwise' has strides \[1,1\], the backbone 2/);
    const early = layers.filter((l) => l.name !== MOBILENETV2_KERAS_CUT);
    const r2 = mapPretrainedWeights(backboneShapes(model), early, specs, {
      source: 'x.json',
      epsilon: MOBILENETV2_BN_EPSILON,
    });
    assert.ok(E.isLeft(r2));
    assert.match(r2.left, /no layer 'block_12_add' \(the stride-16 cut\)/);
    model.dispose();
  });
});
