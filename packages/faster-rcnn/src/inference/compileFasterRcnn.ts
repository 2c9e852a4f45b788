import {
  applyRoiAlignWeights,
  compileNativeGraphPerShape,
  roiAlignAxisWeights,
} from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import type { FasterRcnn } from '../model/FasterRcnn.js';
import type { DetectionBatch, Detections } from '../model/types.js';
import { generateProposals } from '../rpn/generateProposals.js';
import { detectionsFromHead } from './detectionsFromHead.js';
import { nativeBackendRequired } from './nativeBackendRequired.js';

/**
 * A detector whose tensor work runs as TensorFlow graphs in native sessions: {@link predict}
 * returns what {@link FasterRcnn.predict} returns, up to float32 rounding (fused kernels).
 */
export interface CompiledFasterRcnn {
  readonly model: FasterRcnn;
  /** As {@link FasterRcnn.predict}; the first image of each size compiles its graphs. */
  predict(batch: Pick<DetectionBatch, 'images' | 'metas'>): Promise<Detections[]>;
  /** Closes the sessions (the model is not disposed). */
  dispose(): void;
}

const concat = (parts: readonly Float32Array[]): Float32Array => {
  const out = new Float32Array(parts.reduce((m, q) => m + q.length, 0));
  let o = 0;
  for (const q of parts) {
    out.set(q, o);
    o += q.length;
  }
  return out;
};

/**
 * Compiles a trained detector for inference on the native TensorFlow backend: the backbone and
 * RPN head (with the RPN softmax) become one graph per input size, the RoIAlign box head another
 * per feature-map size (its RoIs padded to the test-time `postNmsTopN`, the RoIAlign weights
 * computed on the host and fed in); images run one at a time; proposal generation and
 * post-processing are the host loops {@link FasterRcnn.predict} uses. TensorFlow then optimises
 * each graph as a whole (constant folding of the folded batch norms, fused convolution + bias +
 * activation kernels), which op-by-op execution cannot. A RoIPool head runs op by op.
 *
 * The model's weights are frozen into the graphs when they are compiled: compile after training.
 *
 * @returns Left when the backend is not `tensorflow`.
 * @example
 * const compiled = compileFasterRcnn(model);
 * if (E.isRight(compiled)) dets = await compiled.right.predict({ images, metas });
 */
export function compileFasterRcnn(model: FasterRcnn): E.Either<string, CompiledFasterRcnn> {
  const unavailable = nativeBackendRequired();
  if (unavailable !== undefined) return E.left(unavailable);
  const trunk = compileNativeGraphPerShape(({ image }) => {
    const t = model.trunk(image as tf.Tensor4D);
    const [, k] = t.rpn.logits.shape;
    // What proposalsForBatch reads back: the softmax's foreground column.
    const objectness = tf.slice(tf.softmax(t.rpn.logits), [0, 0, 1], [1, k, 1]);
    return { featureMap: t.featureMap, objectness, deltas: t.rpn.deltas };
  });
  const head = compileNativeGraphPerShape(({ features, wx, wy }) => {
    const pooled = applyRoiAlignWeights(
      features as tf.Tensor4D,
      wx as tf.Tensor2D,
      wy as tf.Tensor3D,
    );
    const h = model.boxHead.classify(pooled);
    return { probs: tf.softmax(h.logits), deltas: h.deltas };
  });
  const c1 = model.config.numClasses + 1;
  const options = model.proposalOptions('test');
  const box = model.boxHead.options;
  const kMax = options.postNmsTopN;
  const spatialScale = 1 / model.stride;
  let open = true;

  /** Class probabilities and deltas of `k` proposals (`[k * 4]` in `p`) on one image's map. */
  const runHead = (featureMap: tf.Tensor4D, p: Float32Array, k: number) => {
    const [, fh, fw, c] = featureMap.shape;
    if (box.pooler !== 'align') {
      const [pr, de] = tf.tidy(() => {
        const h = model.boxHead.apply(featureMap, p, new Int32Array(k), spatialScale);
        return [tf.softmax(h.logits), h.deltas];
      });
      const r = { probs: pr!.dataSync() as Float32Array, deltas: de!.dataSync() as Float32Array };
      tf.dispose([pr!, de!]);
      return r;
    }
    const ps = box.outputSize;
    const { wx, wy } = roiAlignAxisWeights([1, fh, fw, c], p, {
      outputSize: ps,
      spatialScale,
      samplingRatio: box.samplingRatio,
      aligned: box.aligned,
    });
    // Fixed-size inputs (one graph per map size); the padded RoIs' rows are dropped.
    const wxPad = new Float32Array(kMax * ps * fw);
    wxPad.set(wx);
    const wyPad = new Float32Array(kMax * ps * fh);
    wyPad.set(wy);
    const inputs = {
      features: featureMap,
      wx: tf.tensor2d(wxPad, [kMax * ps, fw]),
      wy: tf.tensor3d(wyPad, [kMax, ps, fh]),
    };
    const out = head.run(inputs);
    const r = {
      probs: (out.probs.dataSync() as Float32Array).slice(0, k * c1),
      deltas: (out.deltas.dataSync() as Float32Array).slice(0, k * 4 * c1),
    };
    tf.dispose([inputs.wx, inputs.wy, out.probs, out.deltas]);
    return r;
  };

  return E.right({
    model,
    async predict(batch) {
      if (!open) throw new Error('this compiled detector was disposed');
      const [n, h, w] = batch.images.shape;
      const rois: Float32Array[] = [];
      const probs: Float32Array[] = [];
      const deltas: Float32Array[] = [];
      for (let b = 0; b < n; b++) {
        const image = n === 1 ? batch.images : tf.slice(batch.images, [b, 0, 0, 0], [1, h, w, 3]);
        const t = trunk.run({ image });
        if (image !== batch.images) image.dispose();
        try {
          const featureMap = t.featureMap as tf.Tensor4D;
          const [, fh, fw] = featureMap.shape;
          const meta = batch.metas[b]!;
          const p = generateProposals(
            model.anchors(fh, fw),
            t.objectness.dataSync() as Float32Array,
            t.deltas.dataSync() as Float32Array,
            [meta.height, meta.width],
            options,
          ).boxes;
          const k = p.length / 4;
          if (k > kMax) throw new Error(`${k} proposals exceed the compiled head's ${kMax}`);
          const r =
            k === 0
              ? { probs: new Float32Array(0), deltas: new Float32Array(0) }
              : runHead(featureMap, p, k);
          rois.push(p);
          probs.push(r.probs);
          deltas.push(r.deltas);
        } finally {
          tf.dispose(Object.values(t));
        }
      }
      const roiImg = new Int32Array(rois.reduce((m, q) => m + q.length / 4, 0));
      let o = 0;
      rois.forEach((q, b) => {
        roiImg.fill(b, o, o + q.length / 4);
        o += q.length / 4;
      });
      return detectionsFromHead(
        { roiArr: concat(rois), roiImg, probs: concat(probs), boxDeltas: concat(deltas) },
        batch.metas,
        model.config,
      );
    },
    dispose() {
      trunk.dispose();
      head.dispose();
      open = false;
    },
  });
}
