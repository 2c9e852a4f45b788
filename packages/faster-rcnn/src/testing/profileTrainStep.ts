import { type Rng, roiAlign } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import {
  deltasForLabels,
  smoothL1Sum,
  softmaxCrossEntropyMean,
} from '../internal/detectionLosses.js';
import type { FasterRcnn } from '../model/FasterRcnn.js';
import type { DetectionBatch } from '../model/types.js';
import { assignProposalTargets } from '../roiHeads/assignProposalTargets.js';
import { assignAnchorTargets } from '../rpn/assignAnchorTargets.js';
import { generateProposals } from '../rpn/generateProposals.js';
import { trainStep } from '../train/trainStep.js';
import { median } from './median.js';

/** Median wall-clock milliseconds of each part of a training step. */
export interface StepProfile {
  readonly sections: ReadonlyArray<readonly [name: string, ms: number]>;
  /** A real `trainStep` on the same batch. */
  readonly totalMs: number;
}

// Never return a typed array from tf.tidy: tidy walks its result element by element looking for
// tensors (tfjs-core walkTensorContainer, ~2 µs an element), which costs seconds on a feature map.

/** Runs `f` and returns its wall-clock milliseconds; `f` must read its results back (dataSync). */
function timed(f: () => void): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

function readAll(grads: tf.NamedTensorMap): void {
  for (const g of Object.values(grads)) g.dataSync();
}

/**
 * Where one training step's time goes, section by section, on the active backend. Each section
 * runs on its own, on the same batch and with the rows the real step samples, and is timed with
 * wall clock around its tfjs ops plus a `dataSync` of every result (tfjs is asynchronous only in
 * name on cpu/wasm, but the read-back keeps the accounting honest on every backend). A backward
 * section is (forward + backward) − forward, with gradients taken with respect to the section's
 * weights and its input feature map, as in the real step; seeds `dy` of backbone and RoIAlign
 * are random (their cost does not depend on the values). The sections add up to less than
 * `totalMs`: the remainder is gradient bookkeeping of the tape, the feature-map gradient sum and
 * what the sections cannot isolate.
 */
export function profileTrainStep(
  model: FasterRcnn,
  batch: DetectionBatch,
  optimizer: tf.Optimizer,
  rng: Rng,
  runs: number,
): StepProfile {
  const targets = batch.targets!;
  const cfg = model.config;
  const byPrefix = (p: string) =>
    model.params
      .entries()
      .filter(([n]) => n.startsWith(p) && model.params.isTrainable(n))
      .map(([, v]) => v);
  const backboneVars = byPrefix('backbone/');
  const rpnVars = byPrefix('rpn/');
  const headVars = byPrefix('roi_head/');
  const times: Record<string, number[]> = {};
  const add = (name: string, ms: number) => {
    times[name] ??= [];
    times[name]!.push(Math.max(0, ms));
  };
  const poolOptions = {
    outputSize: cfg.roiHead.outputSize,
    spatialScale: 1 / model.stride,
    samplingRatio: cfg.roiHead.samplingRatio,
    aligned: cfg.roiHead.aligned,
  };

  const total: number[] = [];
  for (let run = 0; run < runs + 1; run++) {
    const warm = run === 0;
    // The real step, for the total (the first run only warms up).
    const ms = timed(() => trainStep(model, batch, { optimizer, rng }));
    if (warm) continue;
    total.push(ms);

    let feat!: tf.Tensor4D;
    const fwd = timed(() => {
      feat = model.backbone.forward(batch.images, { training: true }).output;
      feat.dataSync();
    });
    const dFeat = tf.randomNormal(feat.shape, 0, 1e-3, 'float32', run);
    const fwdBwd = timed(() => {
      const { value, grads } = tf.variableGrads(
        () =>
          tf.sum(
            tf.mul(model.backbone.forward(batch.images, { training: true }).output, dFeat),
          ) as tf.Scalar,
        backboneVars,
      );
      readAll(grads);
      tf.dispose([value, ...Object.values(grads)]);
    });
    const featVar = tf.variable(feat, true, `profile/feat${run}`);
    feat.dispose();
    dFeat.dispose();
    const [bsz, fh, fw] = featVar.shape as [number, number, number, number];
    const anchors = model.anchors(fh, fw);
    const k = anchors.length / 4;

    // RPN head forward and the host reads of objectness and deltas the proposals need.
    let objectness!: Float32Array;
    let deltas!: Float32Array;
    const rpnFwd = timed(() =>
      tf.tidy(() => {
        const rpn = model.rpn.apply(featVar);
        objectness = tf
          .slice(tf.softmax(rpn.logits), [0, 0, 1], [bsz, k, 1])
          .dataSync() as Float32Array;
        deltas = rpn.deltas.dataSync() as Float32Array;
      }),
    );

    // Host target assignment: anchor targets, proposals (decode, NMS), proposal targets.
    const rows: number[] = [];
    const rpnLabels: number[] = [];
    const rpnTargets: number[] = [];
    const rois: number[] = [];
    const roiImage: number[] = [];
    const rcnLabels: number[] = [];
    const rcnTargets: number[] = [];
    const host = timed(() => {
      for (let b = 0; b < bsz; b++) {
        const at = assignAnchorTargets(anchors, targets[b]!, cfg.rpn, rng);
        at.indices.forEach((a) => rows.push(b * k + a));
        rpnLabels.push(...at.labels);
        rpnTargets.push(...at.targets);
        const meta = batch.metas[b]!;
        const p = generateProposals(
          anchors,
          objectness.subarray(b * k, (b + 1) * k),
          deltas.subarray(b * k * 4, (b + 1) * k * 4),
          [meta.height, meta.width],
          {
            preNmsTopN: cfg.rpn.preNmsTopNTrain,
            postNmsTopN: cfg.rpn.postNmsTopNTrain,
            nmsThreshold: cfg.rpn.nmsThreshold,
            minSize: cfg.rpn.minSize,
          },
        );
        const pt = assignProposalTargets(p.boxes, targets[b]!, cfg.roiHead, rng);
        rois.push(...pt.rois);
        pt.labels.forEach((l) => {
          roiImage.push(b);
          rcnLabels.push(l);
        });
        rcnTargets.push(...pt.targets);
      }
    });
    const m = rows.length;
    const n = rcnLabels.length;
    const rpnLabelArr = Int32Array.from(rpnLabels);
    const rcnLabelArr = Int32Array.from(rcnLabels);
    const roiArr = Float32Array.from(rois);
    const roiImg = Int32Array.from(roiImage);

    const rpnLoss = (): tf.Scalar => {
      const rpn = model.rpn.apply(featVar);
      const idx = tf.tensor1d(rows, 'int32');
      const logits = tf.gather(tf.reshape(rpn.logits, [bsz * k, 2]), idx) as tf.Tensor2D;
      const d = tf.gather(tf.reshape(rpn.deltas, [bsz * k, 4]), idx) as tf.Tensor2D;
      const pos = tf.tensor1d(Float32Array.from(rpnLabelArr, (l) => (l > 0 ? 1 : 0)));
      return tf.add(
        softmaxCrossEntropyMean(logits, rpnLabelArr),
        smoothL1Sum(d, tf.tensor2d(rpnTargets, [m, 4]), pos, 1 / 9, m),
      ) as tf.Scalar;
    };
    // Only to split the backward out of (forward + backward): gather and loss are tiny.
    const rpnLossFwd = timed(() => tf.tidy(() => void rpnLoss().dataSync()));
    const rpnFwdBwd = timed(() => {
      const { value, grads } = tf.variableGrads(rpnLoss, [featVar, ...rpnVars]);
      readAll(grads);
      tf.dispose([value, ...Object.values(grads)]);
    });

    const alignFwd = timed(() =>
      tf.tidy(() => void roiAlign(featVar, roiArr, roiImg, poolOptions).dataSync()),
    );
    const dPooled = tf.randomNormal(
      [n, cfg.roiHead.outputSize, cfg.roiHead.outputSize, featVar.shape[3]],
      0,
      1e-3,
      'float32',
      run,
    );
    const alignFwdBwd = timed(() => {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.mul(roiAlign(featVar, roiArr, roiImg, poolOptions), dPooled)) as tf.Scalar,
        [featVar],
      );
      readAll(grads);
      tf.dispose([value, ...Object.values(grads)]);
    });
    dPooled.dispose();

    const headLoss = (): tf.Scalar => {
      const head = model.boxHead.apply(featVar, roiArr, roiImg, 1 / model.stride);
      const pos = tf.tensor1d(Float32Array.from(rcnLabelArr, (l) => (l > 0 ? 1 : 0)));
      return tf.add(
        softmaxCrossEntropyMean(head.logits, rcnLabelArr),
        smoothL1Sum(
          deltasForLabels(head.deltas, rcnLabelArr),
          tf.tensor2d(rcnTargets, [n, 4]),
          pos,
          1,
          n,
        ),
      ) as tf.Scalar;
    };
    const headFwd = timed(() => tf.tidy(() => void headLoss().dataSync()));
    const headFwdBwd = timed(() => {
      const { value, grads } = tf.variableGrads(headLoss, [featVar, ...headVars]);
      readAll(grads);
      tf.dispose([value, ...Object.values(grads)]);
    });
    featVar.dispose();

    // Optimiser: what trainStep does after the backward pass (decay, norm, momentum update).
    const vars = model.trainableVariables();
    const grads: tf.NamedTensorMap = {};
    for (const v of vars) grads[v.name] = tf.randomNormal(v.shape, 0, 1e-6, 'float32', run);
    const opt = timed(() => {
      const updated = tf.tidy(() => {
        const out: tf.NamedTensorMap = {};
        for (const v of vars)
          out[v.name] =
            v.rank > 1 ? tf.add(grads[v.name]!, tf.mul(v, 1e-4)) : tf.clone(grads[v.name]!);
        return out;
      });
      tf.tidy(
        () => void tf.addN(Object.values(updated).map((g) => tf.sum(tf.square(g)))).dataSync(),
      );
      optimizer.applyGradients(updated);
      for (const v of vars) v.dataSync();
      tf.dispose(Object.values(updated));
    });
    tf.dispose(Object.values(grads));

    add('backbone forward', fwd);
    add('backbone backward', fwdBwd - fwd);
    add('RPN head forward (+ read-back)', rpnFwd);
    add('host target assignment + proposals', host);
    add('RPN head + loss backward', rpnFwdBwd - rpnLossFwd);
    add('RoIAlign forward', alignFwd);
    add('RoIAlign backward', alignFwdBwd - alignFwd);
    add('fc head + RCN loss forward', headFwd - alignFwd);
    add('fc head + RCN loss backward', headFwdBwd - headFwd - (alignFwdBwd - alignFwd));
    add('optimizer (decay, norm, momentum)', opt);
  }
  return {
    sections: Object.entries(times).map(([name, xs]) => [name, median(xs)] as const),
    totalMs: median(total),
  };
}
