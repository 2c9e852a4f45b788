import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRng, initBackend } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import { rectangleBatch, tinyConfig } from '../internal/testing.js';
import { FasterRcnn } from '../model/FasterRcnn.js';
import type { ImageMeta } from '../model/types.js';
import { computeGradients } from '../train/computeGradients.js';
import { ProposalThread } from './ProposalThread.js';
import { proposalsOnHost, type RpnOnHost } from './proposalsForBatch.js';

/** Random RPN outputs for `n` images on a `fh × fw` feature map of `model`. */
function randomRpn(model: FasterRcnn, n: number, fh: number, fw: number, seed: number): RpnOnHost {
  const rng = createRng(seed);
  const anchors = model.anchors(fh, fw);
  const k = anchors.length / 4;
  const meta: ImageMeta = {
    height: fh * model.stride,
    width: fw * model.stride,
    scale: 1,
    originalHeight: fh * model.stride,
    originalWidth: fw * model.stride,
  };
  return {
    anchors,
    objectness: Float32Array.from({ length: n * k }, () => rng.next()),
    deltas: Float32Array.from({ length: n * k * 4 }, () => (rng.next() - 0.5) * 0.4),
    metas: Array.from({ length: n }, () => meta),
    options: { preNmsTopN: 300, postNmsTopN: 100, nmsThreshold: 0.7, minSize: 0 },
  };
}

describe('ProposalThread', () => {
  let thread: ProposalThread;
  let model: FasterRcnn;
  before(async () => {
    await initBackend({ backend: 'cpu' });
    thread = await ProposalThread.start();
    model = new FasterRcnn(tinyConfig());
  });
  after(async () => {
    await thread.dispose();
    model.dispose();
  });

  test('every image gets proposalsOnHost’s proposals, bit for bit, whatever the batch size', () => {
    for (const [n, seed] of [
      [1, 1],
      [2, 2],
      [5, 3],
      [8, 4],
    ] as const) {
      const rpn = randomRpn(model, n, 6, 7, seed);
      const shared = thread.run(rpn);
      const here = proposalsOnHost(rpn);
      assert.equal(shared.length, n);
      shared.forEach((boxes, b) => assert.deepEqual(boxes, here[b], `image ${b} of ${n}`));
      assert.ok(here.every((b) => b.length > 0));
    }
    assert.equal(thread.failure, undefined);
  });

  test('a training step with the thread computes the same losses and gradients', () => {
    const batch = rectangleBatch(4, 64, 5);
    const a = computeGradients(model, batch, { rng: createRng(9) });
    const b = computeGradients(model, batch, { rng: createRng(9), proposals: thread.run });
    assert.deepEqual(b.losses, a.losses);
    for (const [name, g] of Object.entries(a.grads)) {
      assert.deepEqual(b.grads[name]!.dataSync(), g.dataSync(), name);
    }
    tf.dispose([...Object.values(a.grads), ...Object.values(b.grads), batch.images]);
  });

  test('an error in this thread’s half is thrown, and the worker’s answer does not leak into the next call', () => {
    const rpn = randomRpn(model, 4, 5, 5, 21);
    let reads = 0;
    const height = rpn.metas[0]!.height;
    // Read once when the job is cloned for the worker, then failing in this thread's half.
    const meta0 = {
      ...rpn.metas[0]!,
      get height() {
        reads++;
        if (reads > 1) throw new Error('a bad image size');
        return height;
      },
    };
    assert.throws(
      () => thread.run({ ...rpn, metas: [meta0, ...rpn.metas.slice(1)] }),
      /a bad image size/,
    );
    const next = randomRpn(model, 4, 5, 5, 22);
    assert.deepEqual(thread.run(next), proposalsOnHost(next));
    assert.equal(thread.failure, undefined);
  });

  test('what cannot be handed over is computed here, and the thread says why from then on', async () => {
    const other = await ProposalThread.start();
    const rpn = randomRpn(model, 4, 5, 5, 11);
    // A function cannot be cloned to the worker.
    const odd = { ...rpn, metas: rpn.metas.map((m) => ({ ...m, note: () => 0 })) };
    assert.deepEqual(other.run(odd), proposalsOnHost(rpn));
    assert.match(other.failure ?? '', /could not be handed to the worker/);
    assert.deepEqual(other.run(rpn), proposalsOnHost(rpn));
    await other.dispose();
    assert.throws(() => other.run(rpn), /run after dispose/);
  });
});
