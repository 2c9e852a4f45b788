import { generateAnchors, gridAnchors, type Rng } from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import type { Backbone } from '../backbones/Backbone.js';
import { type BackboneFactory, createBackbone } from '../backbones/backboneRegistry.js';
import type { FasterRcnnConfig } from '../config/fasterRcnnConfig.js';
import { detectionsFromHead, type HeadResults } from '../inference/detectionsFromHead.js';
import {
  deltasForLabels,
  smoothL1Sum,
  softmaxCrossEntropyMean,
} from '../internal/detectionLosses.js';
import { bestGridAnchor, decodeHost, encodeHost, takeBoxes } from '../internal/hostBoxes.js';
import { tidyRead } from '../internal/tidyRead.js';
import { ParamStore } from '../layers/ParamStore.js';
import { assignProposalTargets } from '../roiHeads/assignProposalTargets.js';
import { BoxHead } from '../roiHeads/BoxHead.js';
import { assignAnchorTargets } from '../rpn/assignAnchorTargets.js';
import type { ProposalOptions } from '../rpn/generateProposals.js';
import { type HostProposals, proposalsForBatch } from '../rpn/proposalsForBatch.js';
import { RpnHead, type RpnMaps } from '../rpn/RpnHead.js';
import type {
  DetectionBatch,
  Detections,
  HeadOutputs,
  SampledRows,
  SampledTargets,
} from './types.js';

/** Named detection losses, as torchvision names them. */
export interface DetectionLosses {
  readonly rpn_cls: tf.Scalar;
  readonly rpn_reg: tf.Scalar;
  readonly rcn_cls: tf.Scalar;
  readonly rcn_reg: tf.Scalar;
}

/**
 * Everything one training forward pass produces. Tensors are recorded on the active gradient tape
 * and belong to the caller's `tf.tidy` / `variableGrads` scope.
 */
export interface TrainForward {
  /** Backbone output `[B, h, w, C]`. */
  readonly featureMap: tf.Tensor4D;
  /** Requested intermediate maps (hint / guided layer candidates) by layer name. */
  readonly features: Readonly<Record<string, tf.Tensor4D>>;
  /** Outputs at the sampled anchors (M rows) and RoIs (N rows). */
  readonly outputs: HeadOutputs;
  /** `[N, 4]` RCN deltas of each RoI's own label class. */
  readonly rcnDeltasForLabels: tf.Tensor2D;
  readonly targets: SampledTargets;
  readonly rows: SampledRows;
  /**
   * Standard Faster R-CNN losses (1/M and 1/N normalised, smooth L1 β = 1/9 RPN and 1 RCN),
   * computed on first access (read them inside the gradient tape).
   */
  readonly losses: DetectionLosses;
}

/** A teacher's outputs on a student's rows. */
export interface RowsForward {
  readonly outputs: HeadOutputs;
  readonly featureMap: tf.Tensor4D;
  readonly features: Readonly<Record<string, tf.Tensor4D>>;
}

export interface ForwardOptions {
  /** Backbone layers to return in `features`. */
  readonly collect?: readonly string[];
}

export interface TrainForwardOptions extends ForwardOptions {
  /**
   * Computes the training trunk (the backbone in training mode and the RPN head) in place of the
   * model's own layers, on the gradient tape: the same outputs and gradients, e.g. compiled
   * graphs (see `compileTrainingTrunk`). It must return the `collect`ed layers.
   */
  readonly trainingTrunk?: (images: tf.Tensor4D, collect: readonly string[]) => TrunkOutputs;
  /**
   * Computes the proposals from the RPN's outputs on the host, in place of
   * `proposalsOnHost` image by image: the same results, e.g. shared with a worker thread
   * (`ProposalThread`).
   */
  readonly proposals?: HostProposals;
}

/** What the backbone and RPN head compute on a batch: the trunk of every forward pass. */
export interface TrunkOutputs {
  readonly featureMap: tf.Tensor4D;
  /** The backbone layers asked for. */
  readonly features: Readonly<Record<string, tf.Tensor4D>>;
  readonly rpn: RpnMaps;
}

export interface RowsForwardOptions extends ForwardOptions {
  /**
   * Computes the trunk in place of the model's own layers (same outputs, e.g. a compiled graph:
   * see `compileTrunk`); it must return the `collect`ed layers.
   */
  readonly trunk?: (images: tf.Tensor4D) => TrunkOutputs;
}

/**
 * Faster R-CNN (Ren et al. 2015) built for teacher–student training: a backbone, an RPN and a
 * RoI head whose weights live in one {@link ParamStore}, with the training forward pass exposing
 * the sampled rows, their outputs and targets, and a forward pass on given rows for teachers.
 */
export class FasterRcnn {
  readonly params: ParamStore;
  readonly backbone: Backbone;
  readonly rpn: RpnHead;
  readonly boxHead: BoxHead;
  private readonly baseAnchors: tf.Tensor2D;
  private readonly anchorCache = new Map<string, Float32Array>();
  /**
   * For `forwardOnRows` with another anchor grid: each student anchor's best-overlapping anchor of
   * this model, by the student's (cached, never modified) anchor array, then grid and scale. A pure
   * function of those, computed once for every student anchor instead of for each step's rows.
   */
  private readonly bestAnchorTables = new WeakMap<Float32Array, Map<string, Int32Array>>();

  /**
   * @param options.backbone builds this model's backbone instead of the one `config.backbone.name`
   * names (any object implementing `Backbone`, its weights created in the given store). A model
   * built so cannot be re-created from its checkpoint by name; `registerBackbone` can.
   */
  constructor(
    readonly config: FasterRcnnConfig,
    options: { readonly backbone?: BackboneFactory } = {},
  ) {
    this.params = new ParamStore(config.seed);
    this.backbone = (options.backbone ?? createBackbone)(config.backbone, this.params);
    const numAnchors = config.anchors.ratios.length * config.anchors.scales.length;
    this.rpn = new RpnHead(this.params, this.backbone.outChannels, config.rpn.channels, numAnchors);
    this.boxHead = new BoxHead(
      this.params,
      this.backbone.outChannels,
      config.numClasses,
      config.roiHead,
    );
    this.baseAnchors = generateAnchors(config.anchors);
  }

  get stride(): number {
    return this.backbone.stride;
  }

  /** The weights an optimiser updates (batch-norm running statistics excluded). */
  trainableVariables(): tf.Variable[] {
    return this.params.trainable();
  }

  /** A one-line summary for logs. */
  describe(): string {
    const b = this.config.backbone;
    return `FasterRcnn(${b.name}×${b.widthMultiplier ?? 1}, stride ${this.stride}, ${this.config.numClasses} classes, ${(this.params.numParameters() / 1e6).toFixed(2)}M parameters)`;
  }

  /** `[B, H, W, 3]` RGB in [0, 255] → normalised input. */
  normalize(images: tf.Tensor4D): tf.Tensor4D {
    const { mean, std } = this.config.input;
    return tf.tidy(
      () => tf.div(tf.sub(images, tf.tensor1d(mean)), tf.tensor1d(std)) as tf.Tensor4D,
    );
  }

  /** Anchors `[K*4]` of a feature map, order (y, x, anchor); cached per size. */
  anchors(featHeight: number, featWidth: number): Float32Array {
    const key = `${featHeight}x${featWidth}`;
    let a = this.anchorCache.get(key);
    if (!a) {
      a = tidyRead(() =>
        gridAnchors(this.baseAnchors, { featHeight, featWidth, stride: this.stride }),
      );
      this.anchorCache.set(key, a);
    }
    return a;
  }

  /** See {@link bestAnchorTables}. */
  private bestAnchorTable(
    studentAnchors: Float32Array,
    anchors: Float32Array,
    fh: number,
    fw: number,
    scale: number,
  ): Int32Array {
    let byGrid = this.bestAnchorTables.get(studentAnchors);
    if (!byGrid) {
      byGrid = new Map();
      this.bestAnchorTables.set(studentAnchors, byGrid);
    }
    const key = `${fh}x${fw}@${scale}`;
    let table = byGrid.get(key);
    if (!table) {
      table = bestGridAnchor(
        studentAnchors.map((v) => v * scale),
        anchors,
        {
          featHeight: fh,
          featWidth: fw,
          stride: this.stride,
          perCell: anchors.length / 4 / (fh * fw),
        },
      );
      byGrid.set(key, table);
    }
    return table;
  }

  /** The RPN proposal settings of training or of inference. */
  proposalOptions(mode: 'train' | 'test'): ProposalOptions {
    const r = this.config.rpn;
    return {
      preNmsTopN: mode === 'train' ? r.preNmsTopNTrain : r.preNmsTopNTest,
      postNmsTopN: mode === 'train' ? r.postNmsTopNTrain : r.postNmsTopNTest,
      nmsThreshold: r.nmsThreshold,
      minSize: r.minSize,
    };
  }

  /**
   * The training forward pass: backbone, RPN, anchor targets, proposals, proposal targets, RoI head,
   * and the four detection losses. Sampling uses `rng` (explicit seeds).
   */
  forwardTrain(batch: DetectionBatch, rng: Rng, options: TrainForwardOptions = {}): TrainForward {
    const targets = batch.targets;
    if (!targets || targets.length !== batch.metas.length) {
      throw new Error('forwardTrain: every image of the batch needs targets');
    }
    const pretrained = this.config.backbone.pretrained;
    if (pretrained !== undefined && !this.params.hasAssignedValues) {
      // A config asking for ImageNet weights must not silently train from random ones.
      throw new Error(
        `forwardTrain: backbone.pretrained is '${pretrained}' but no weights were loaded: ` +
          'call loadPretrainedBackbone(model) on a fresh model, or load a checkpoint',
      );
    }
    const cfg = this.config;
    const collect = options.collect ?? [];
    let trunk: TrunkOutputs;
    if (options.trainingTrunk) trunk = options.trainingTrunk(batch.images, collect);
    else {
      const b = this.backbone.forward(batch.images, { training: true, collect });
      trunk = { featureMap: b.output, features: b.features, rpn: this.rpn.apply(b.output) };
    }
    const { featureMap, features, rpn } = trunk;
    const [bsz, fh, fw] = featureMap.shape;
    const anchors = this.anchors(fh, fw);
    const k = anchors.length / 4;
    const proposals = proposalsForBatch(
      rpn,
      anchors,
      batch.metas,
      this.proposalOptions('train'),
      options.proposals,
    );

    const anchorImage: number[] = [];
    const anchorIndex: number[] = [];
    const rpnLabels: number[] = [];
    const rpnTargets: number[] = [];
    const rois: number[] = [];
    const roiImage: number[] = [];
    const rcnLabels: number[] = [];
    const rcnTargets: number[] = [];
    // Anchor sampling, then RoI sampling, image by image: the order in which `rng` is drawn.
    for (let b = 0; b < bsz; b++) {
      const gt = targets[b]!;
      const at = assignAnchorTargets(anchors, gt, cfg.rpn, rng);
      for (let i = 0; i < at.indices.length; i++) {
        anchorImage.push(b);
        anchorIndex.push(at.indices[i]!);
        rpnLabels.push(at.labels[i]!);
      }
      rpnTargets.push(...at.targets);
      const pt = assignProposalTargets(proposals[b]!, gt, cfg.roiHead, rng);
      rois.push(...pt.rois);
      for (let i = 0; i < pt.labels.length; i++) {
        roiImage.push(b);
        rcnLabels.push(pt.labels[i]!);
      }
      rcnTargets.push(...pt.targets);
    }

    const m = anchorIndex.length;
    const flatIdx = tf.tensor1d(
      anchorIndex.map((a, i) => anchorImage[i]! * k + a),
      'int32',
    );
    const rpnLogitsS = tf.gather(tf.reshape(rpn.logits, [bsz * k, 2]), flatIdx) as tf.Tensor2D;
    const rpnDeltasS = tf.gather(tf.reshape(rpn.deltas, [bsz * k, 4]), flatIdx) as tf.Tensor2D;
    const roiArr = Float32Array.from(rois);
    const roiImg = Int32Array.from(roiImage);
    const head = this.boxHead.apply(featureMap, roiArr, roiImg, 1 / this.stride);
    const rcnLabelArr = Int32Array.from(rcnLabels);
    const rpnLabelArr = Int32Array.from(rpnLabels);
    const rpnTargetsT = tf.tensor2d(Float32Array.from(rpnTargets), [m, 4]);
    const rcnTargetsT = tf.tensor2d(Float32Array.from(rcnTargets), [rcnLabelArr.length, 4]);
    const rcnDeltasForLabels = deltasForLabels(head.deltas, rcnLabelArr);
    // Computed on first use: an objective that replaces the detection losses never pays for them.
    let losses: DetectionLosses | undefined;
    const detectionLosses = (): DetectionLosses => {
      if (losses) return losses;
      const rpnPos = tf.tensor1d(Float32Array.from(rpnLabelArr, (l) => (l > 0 ? 1 : 0)));
      const rcnPos = tf.tensor1d(Float32Array.from(rcnLabelArr, (l) => (l > 0 ? 1 : 0)));
      losses = {
        rpn_cls: softmaxCrossEntropyMean(rpnLogitsS, rpnLabelArr),
        rpn_reg: smoothL1Sum(rpnDeltasS, rpnTargetsT, rpnPos, 1 / 9, m),
        rcn_cls: softmaxCrossEntropyMean(head.logits, rcnLabelArr),
        rcn_reg: smoothL1Sum(rcnDeltasForLabels, rcnTargetsT, rcnPos, 1, rcnLabelArr.length),
      };
      return losses;
    };
    return {
      featureMap,
      features,
      outputs: {
        rpnLogits: rpnLogitsS,
        rpnDeltas: rpnDeltasS,
        rcnLogits: head.logits,
        rcnDeltas: head.deltas,
      },
      rcnDeltasForLabels,
      targets: {
        rpnLabels: tf.tensor1d(rpnLabelArr, 'int32'),
        rpnTargets: rpnTargetsT,
        rcnLabels: tf.tensor1d(rcnLabelArr, 'int32'),
        rcnTargets: rcnTargetsT,
      },
      rows: {
        anchorImage: Int32Array.from(anchorImage),
        anchorIndex: Int32Array.from(anchorIndex),
        rois: roiArr,
        roiImage: roiImg,
        featureSize: [fh, fw],
      },
      get losses() {
        return detectionLosses();
      },
    };
  }

  /** The backbone (inference mode) and the RPN head on `images`, with the `collect`ed layers. */
  trunk(images: tf.Tensor4D, collect: readonly string[] = []): TrunkOutputs {
    const { output: featureMap, features } = this.backbone.forward(images, {
      training: false,
      collect,
    });
    return { featureMap, features, rpn: this.rpn.apply(featureMap) };
  }

  /**
   * Runs this (frozen) model on another model's sampled rows: its RPN at the same anchors and its
   * RoI head on the same RoIs. `scale` is this model's image size over the student's (2 for a
   * high-resolution teacher): RoIs are scaled by it; when the anchor grids differ, each student
   * anchor takes the best-overlapping anchor of this model and that anchor's prediction is
   * re-encoded relative to the student's anchor, so deltas are comparable row by row.
   * Batch-norm uses running statistics. Call it inside the student's tape or not: no variable of
   * this model is ever in the student's gradient list.
   */
  forwardOnRows(
    images: tf.Tensor4D,
    rows: SampledRows,
    studentAnchors: Float32Array,
    scale = 1,
    options: RowsForwardOptions = {},
  ): RowsForward {
    const { featureMap, features, rpn } = options.trunk
      ? options.trunk(images)
      : this.trunk(images, options.collect ?? []);
    const [bsz, fh, fw] = featureMap.shape;
    const anchors = this.anchors(fh, fw);
    const k = anchors.length / 4;
    const m = rows.anchorIndex.length;
    const aligned =
      scale === 1 &&
      fh === rows.featureSize[0] &&
      fw === rows.featureSize[1] &&
      anchors.length === studentAnchors.length;
    let rpnLogits: tf.Tensor2D;
    let rpnDeltas: tf.Tensor2D;
    if (aligned) {
      const idx = tf.tensor1d(
        Int32Array.from(rows.anchorIndex, (a, i) => rows.anchorImage[i]! * k + a),
        'int32',
      );
      rpnLogits = tf.gather(tf.reshape(rpn.logits, [bsz * k, 2]), idx) as tf.Tensor2D;
      rpnDeltas = tf.gather(tf.reshape(rpn.deltas, [bsz * k, 4]), idx) as tf.Tensor2D;
    } else {
      const sAnchors = takeBoxes(studentAnchors, rows.anchorIndex);
      const table = this.bestAnchorTable(studentAnchors, anchors, fh, fw, scale);
      const best = Int32Array.from(rows.anchorIndex, (a) => table[a]!);
      const idx = tf.tensor1d(
        Int32Array.from(best, (a, i) => rows.anchorImage[i]! * k + a),
        'int32',
      );
      rpnLogits = tf.gather(tf.reshape(rpn.logits, [bsz * k, 2]), idx) as tf.Tensor2D;
      const tDeltas = tf
        .gather(tf.reshape(rpn.deltas, [bsz * k, 4]), idx)
        .dataSync() as Float32Array;
      const boxes = decodeHost(tDeltas, takeBoxes(anchors, best), [1, 1, 1, 1]).map(
        (v) => v / scale,
      );
      rpnDeltas = tf.tensor2d(encodeHost(boxes, sAnchors, [1, 1, 1, 1]), [m, 4]);
    }
    const rois = scale === 1 ? rows.rois : rows.rois.map((v) => v * scale);
    const head = this.boxHead.apply(featureMap, rois, rows.roiImage, 1 / this.stride);
    return {
      outputs: { rpnLogits, rpnDeltas, rcnLogits: head.logits, rcnDeltas: head.deltas },
      featureMap,
      features,
    };
  }

  /**
   * Inference: proposals with the test settings, the RoI head on them, per-class box decoding,
   * score threshold, per-class NMS, the best `detectionsPerImage`, boxes mapped back to original
   * image pixels. Tensors are freed before returning.
   */
  async predict(batch: Pick<DetectionBatch, 'images' | 'metas'>): Promise<Detections[]> {
    const cfg = this.config;
    let computed: HeadResults = {
      roiArr: new Float32Array(0),
      roiImg: new Int32Array(0),
      probs: new Float32Array(0),
      boxDeltas: new Float32Array(0),
    };
    // Host arrays leave the tidy through `computed`, not as its result (see tidyRead).
    tf.tidy(() => {
      const { featureMap, rpn } = this.trunk(batch.images);
      const [, fh, fw] = featureMap.shape;
      const anchors = this.anchors(fh, fw);
      const proposals = proposalsForBatch(rpn, anchors, batch.metas, this.proposalOptions('test'));
      const roiArr = new Float32Array(proposals.reduce((n, p) => n + p.length, 0));
      const roiImg = new Int32Array(roiArr.length / 4);
      let o = 0;
      proposals.forEach((p, b) => {
        roiArr.set(p, o);
        roiImg.fill(b, o / 4, (o + p.length) / 4);
        o += p.length;
      });
      if (roiImg.length === 0) {
        computed = { ...computed, roiArr, roiImg };
        return;
      }
      const head = this.boxHead.apply(featureMap, roiArr, roiImg, 1 / this.stride);
      computed = {
        roiArr,
        roiImg,
        probs: tf.softmax(head.logits).dataSync() as Float32Array,
        boxDeltas: head.deltas.dataSync() as Float32Array,
      };
    });
    return detectionsFromHead(computed, batch.metas, cfg);
  }

  dispose(): void {
    this.backbone.dispose?.();
    this.params.dispose();
    this.baseAnchors.dispose();
  }
}
