import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as E from 'fp-ts/lib/Either.js';
import { DEFAULT_FASTER_RCNN_CONFIG, decodeFasterRcnnConfig } from './fasterRcnnConfig.js';

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
    assert.match(r.left, /at backbone\.name: expected "vgg16" \| "vggm"/);
  });

  test('unknown keys are errors, not silently dropped', () => {
    const r = decodeFasterRcnnConfig({ numClasses: 3, rpn: { nmsThresh: 0.7 } });
    assert.ok(E.isLeft(r));
    assert.match(r.left, /unknown key\(s\) rpn\.nmsThresh/);
  });
});
