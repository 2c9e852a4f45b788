import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as E from 'fp-ts/lib/Either.js';
import {
  DEFAULT_FASTER_RCNN_CONFIG,
  decodeFasterRcnnConfig,
  KERAS_MOBILENETV2_INPUT,
} from './fasterRcnnConfig.js';

describe('decodeFasterRcnnConfig', () => {
  test('defaults are torchvision / py-faster-rcnn settings', () => {
    const r = decodeFasterRcnnConfig({ numClasses: 20 });
    assert.ok(E.isRight(r));
    assert.equal(r.right.rpn.batchSizePerImage, 256);
    assert.deepEqual(r.right.roiHead.boxWeights, [10, 10, 5, 5]);
    assert.deepEqual(r.right.anchors, DEFAULT_FASTER_RCNN_CONFIG.anchors);
  });

  test('bad values name their path and what was expected', () => {
    const r = decodeFasterRcnnConfig(
      { numClasses: 0, rpn: { fgIouThreshold: 1.5 }, backbone: { name: 'vgg19' } },
      'teacher.json',
    );
    assert.ok(E.isLeft(r));
    assert.match(r.left, /^teacher\.json: invalid Faster R-CNN config/);
    assert.match(r.left, /at numClasses: expected PositiveInt, got 0/);
    assert.match(r.left, /at rpn\.fgIouThreshold: expected UnitInterval, got 1\.5/);
    assert.match(r.left, /at backbone\.name: expected a backbone name \(vgg16, vggm, /);
  });

  test('unknown keys are errors, not silently dropped', () => {
    const r = decodeFasterRcnnConfig({ numClasses: 3, rpn: { nmsThresh: 0.7 } });
    assert.ok(E.isLeft(r));
    assert.match(r.left, /unknown key\(s\) rpn\.nmsThresh/);
  });

  test('optional backbone keys are accepted', () => {
    const r = decodeFasterRcnnConfig({
      numClasses: 3,
      backbone: { name: 'alexnet-tucker', tuckerRank: 0.5 },
    });
    assert.ok(E.isRight(r), E.isLeft(r) ? r.left : '');
    assert.equal(r.right.backbone.tuckerRank, 0.5);
  });

  test('pretrained MobileNetV2 defaults to the Keras [-1, 1] input and refuses what does not fit', () => {
    const r = decodeFasterRcnnConfig({
      numClasses: 3,
      backbone: { name: 'mobilenetv2', pretrained: 'nsfwjs' },
    });
    assert.ok(E.isRight(r), E.isLeft(r) ? r.left : '');
    assert.deepEqual(r.right.input, KERAS_MOBILENETV2_INPUT);
    const atrous = decodeFasterRcnnConfig({
      numClasses: 3,
      backbone: {
        name: 'mobilenetv2',
        pretrained: 'nsfwjs',
        outputStride: 8,
        frozenBatchNorm: true,
      },
    });
    assert.ok(E.isRight(atrous), E.isLeft(atrous) ? atrous.left : '');
    assert.equal(atrous.right.backbone.frozenBatchNorm, true);
    const frozen = decodeFasterRcnnConfig({
      numClasses: 3,
      backbone: { name: 'mobilenetv2', pretrained: 'nsfwjs', frozenStages: 3 },
    });
    assert.ok(E.isRight(frozen), E.isLeft(frozen) ? frozen.left : '');
    assert.equal(frozen.right.backbone.frozenStages, 3);
    const wrong: [Record<string, unknown>, RegExp][] = [
      [
        { backbone: { name: 'vgg16', pretrained: 'nsfwjs' } },
        /at backbone\.pretrained: ImageNet weights exist only for mobilenetv2, not vgg16/,
      ],
      [
        { backbone: { name: 'mobilenetv2', pretrained: 'nsfwjs', widthMultiplier: 0.5 } },
        /at backbone\.widthMultiplier: pretrained MobileNetV2 weights exist only at width 1\.0, got 0\.5/,
      ],
      [
        {
          backbone: { name: 'mobilenetv2', pretrained: 'nsfwjs' },
          input: { mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375] },
        },
        /at input: pretrained MobileNetV2 weights expect RGB scaled to \[-1, 1\]/,
      ],
      [
        { backbone: { name: 'vgg16', frozenBatchNorm: true } },
        /at backbone\.frozenBatchNorm: only mobilenetv2 has this option, not vgg16/,
      ],
      [{ backbone: { name: 'mobilenetv2', frozenBatchNorm: 'yes' } }, /backbone\.frozenBatchNorm/],
      [
        { backbone: { name: 'vgg16', frozenStages: 2 } },
        /at backbone\.frozenStages: only mobilenetv2 has this option, not vgg16/,
      ],
      [
        { backbone: { name: 'mobilenetv2', frozenStages: 7 } },
        /at backbone\.frozenStages: mobilenetv2 has 6 layers \(stem, block0–block4\), got 7/,
      ],
      [{ backbone: { name: 'mobilenetv2', frozenStages: 1.5 } }, /backbone\.frozenStages/],
      [
        { backbone: { name: 'mobilenetv2', outputStride: 8, stages: 3, frozenStages: 5 } },
        /at backbone\.frozenStages: mobilenetv2 has 4 layers \(stem, block0–block2\), got 5/,
      ],
      [
        { backbone: { name: 'mobilenetv2', stages: 3 } },
        /at backbone\.stages: a mobilenetv2 trunk of 3 stages ends at block2, stride 8; set backbone\.outputStride to 8 \(or 4 to dilate block2\)/,
      ],
      [
        { backbone: { name: 'vgg16', outputStride: 4 } },
        /at backbone\.outputStride: 4 is a mobilenetv2 option \(its stride-8 stages dilated\), not vgg16's; expected 8 or 16/,
      ],
      [{ backbone: { name: 'mobilenetv2', outputStride: 2 } }, /backbone\.outputStride/],
      [
        { backbone: { name: 'vgg16', stages: 4 } },
        /at backbone\.stages: only mobilenetv2 has this option, not vgg16/,
      ],
      [{ backbone: { name: 'mobilenetv2', stages: 2 } }, /backbone\.stages/],
    ];
    for (const [cfg, message] of wrong) {
      const w = decodeFasterRcnnConfig({ numClasses: 3, ...cfg }, 'student.json');
      assert.ok(E.isLeft(w));
      assert.match(w.left, /^student\.json: /);
      assert.match(w.left, message);
    }
  });
});
