import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { assertClose, finiteDifferenceError, fixture, noLeak, useCpu } from '../test-util.js';
import { boxArea } from './boxArea.js';
import { boxConvert } from './boxConvert.js';
import { boxIou } from './boxIou.js';
import { clipBoxes } from './clipBoxes.js';
import { removeSmallBoxes } from './removeSmallBoxes.js';

const fx = fixture('boxes.json');
before(useCpu);
const t2 = (v: number[]) => tf.tensor2d(v, [v.length / 4, 4]);

test('boxIou matches torchvision box_iou, and py-faster-rcnn bbox_overlaps with plusOne', async () => {
  await noLeak(() => {
    const a = t2(fx.a);
    const b = t2(fx.b);
    const iou = boxIou(a, b);
    assert.deepEqual(iou.shape, [7, 5]);
    assertClose(iou.dataSync(), fx.iou, 1e-4, 1e-7, 'iou');
    const a6 = tf.slice(a, [0, 0], [6, 4]);
    const iou1 = boxIou(a6, b, { plusOne: true });
    assertClose(iou1.dataSync(), fx.iouPlusOne, 1e-4, 1e-7, 'iou+1');
    tf.dispose([a, b, iou, a6, iou1]);
  });
});

test('boxIou is differentiable (finite differences, cpu)', async () => {
  await noLeak(() => {
    const b = t2([5, 1, 15, 11, 2, 3, 9, 7]);
    const x0 = Float32Array.from([1, 2, 10, 12, 4, 0, 12, 6.5]);
    const err = finiteDifferenceError((x) => boxIou(x as tf.Tensor2D, b), x0, [2, 4], 1e-2);
    assert.ok(err < 1e-2, `finite-difference error ${err}`);
    b.dispose();
  });
});

test('boxArea, clipBoxes, boxConvert match torchvision', async () => {
  await noLeak(() => {
    const a = t2(fx.a);
    const outs = [
      [boxArea(a), fx.areaA],
      [boxArea(a, { plusOne: true }), fx.areaAPlusOne],
      [clipBoxes(a, fx.clipSize), fx.clipA],
      [clipBoxes(a, fx.clipSize, { plusOne: true }), fx.clipAPlusOne],
      [boxConvert(a, 'xyxy', 'cxcywh'), fx.cxcywh],
      [boxConvert(a, 'xyxy', 'xywh'), fx.xywh],
    ] as const;
    for (const [t, e] of outs) assertClose(t.dataSync(), e, 1e-6, 1e-6);
    const xywh = boxConvert(a, 'xyxy', 'xywh');
    const c = boxConvert(xywh, 'xywh', 'cxcywh');
    assertClose(c.dataSync(), fx.xywhToCxcywh, 1e-6, 1e-5);
    const back = boxConvert(c, 'cxcywh', 'xyxy');
    assertClose(back.dataSync(), fx.a, 1e-5, 1e-4);
    // [N, 4k] class-specific boxes are clipped per 4-tuple
    const two = tf.tensor2d([[-5, -5, 500, 500, 1, 2, 3, 4]]);
    const clipped = clipBoxes(two, [100, 200]);
    assert.deepEqual(Array.from(clipped.dataSync()), [0, 0, 200, 100, 1, 2, 3, 4]);
    tf.dispose([a, xywh, c, back, two, clipped, ...outs.map((o) => o[0])]);
  });
});

test('removeSmallBoxes keeps the torchvision indices', async () => {
  await noLeak(async () => {
    const s = t2(fx.small);
    assert.deepEqual(Array.from(await removeSmallBoxes(s, fx.smallMin)), fx.smallKeep);
    assert.deepEqual(
      Array.from(await removeSmallBoxes(s, fx.smallMin, { plusOne: true })),
      fx.smallKeepPlusOne,
    );
    s.dispose();
  });
});
