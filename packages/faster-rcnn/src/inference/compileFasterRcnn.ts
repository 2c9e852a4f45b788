import {
  applyRoiAlignWeights,
  compileNativeGraph,
  type NativeGraph,
  roiAlignAxisWeights,
} from '@kd/tensor-ops';
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import type { FasterRcnn } from '../model/FasterRcnn.js';
import type { DetectionBatch, Detections } from '../model/types.js';
import { generateProposals } from '../rpn/generateProposals.js';
import { detectionsFromHead } from './detectionsFromHead.js';

/**
 * A detector whose tensor work runs as TensorFlow graphs in native sessions: {@link predict}
 * returns what {@link FasterRcnn.predict} returns, up to float32 rounding (fused kernels).
 */
export interface CompiledFasterRcnn {
  readonly model: FasterRcnn;
  /** As {@link FasterRcnn.predict}; the first batch of each image size compiles its graphs. */
  predict(batch: Pick<DetectionBatch, 'images' | 'metas'>): Promise<Detections[]>;
  /** Closes the sessions (the model is not disposed). */
  dispose(): void;
}

type Trunk = NativeGraph<'image', 'featureMap' | 'objectness' | 'deltas'>;
type Head = NativeGraph<'features' | 'wx' | 'wy', 'probs' | 'deltas'>;

interface Stages {
  readonly trunk: Trunk;
  /** Absent for RoIPool heads, which run op by op. */
  readonly head?: Head;
  readonly featureShape: readonly [1, number, number, number];
}

const orThrow = <A>(r: E.Either<string, A>): A => {
  if (E.isLeft(r)) throw new Error(r.left);
  return r.right;
};

function compileStages(model: FasterRcnn, height: number, width: number): Stages {
  const image = tf.zeros([1, height, width, 3]);
  let trunk: Trunk | undefined;
  try {
    trunk = orThrow(
      compileNativeGraph(
        ({ image }) => {
          const featureMap = model.backbone.forward(image as tf.Tensor4D, {
            training: false,
          }).output;
          const rpn = model.rpn.apply(featureMap);
          const [, k] = rpn.logits.shape;
          // What proposalsForBatch reads back: the softmax's foreground column.
          const objectness = tf.slice(tf.softmax(rpn.logits), [0, 0, 1], [1, k, 1]);
          return { featureMap, objectness, deltas: rpn.deltas };
        },
        { image },
      ),
    );
    const [, fh, fw, c] = featureShapeOf(trunk, image);
    const featureShape = [1, fh!, fw!, c!] as const;
    const o = model.boxHead.options;
    if (o.pooler !== 'align') return { trunk, featureShape };
    const k = model.proposalOptions('test').postNmsTopN;
    const example = {
      features: tf.zeros([...featureShape]),
      wx: tf.zeros([k * o.outputSize, fw!]),
      wy: tf.zeros([k, o.outputSize, fh!]),
    };
    try {
      const head = orThrow(
        compileNativeGraph(({ features, wx, wy }) => {
          const pooled = applyRoiAlignWeights(
            features as tf.Tensor4D,
            wx as tf.Tensor2D,
            wy as tf.Tensor3D,
          );
          const h = model.boxHead.classify(pooled);
          return { probs: tf.softmax(h.logits), deltas: h.deltas };
        }, example),
      );
      return { trunk, head, featureShape };
    } finally {
      tf.dispose(Object.values(example));
    }
  } catch (e) {
    trunk?.dispose();
    throw e;
  } finally {
    image.dispose();
  }
}

/** The trunk's feature-map shape, from one run on the example image. */
function featureShapeOf(trunk: Trunk, image: tf.Tensor): readonly number[] {
  const out = trunk.run({ image });
  const shape = out.featureMap.shape;
  tf.dispose(Object.values(out));
  return shape;
}

/**
 * Compiles a trained detector for inference on the native TensorFlow backend: the backbone and
 * RPN head become one graph per input size, the RoIAlign box head another (its RoIs padded to
 * the test-time `postNmsTopN`, the RoIAlign weights computed on the host and fed in); proposal
 * generation and post-processing stay the host loops {@link FasterRcnn.predict} uses. TensorFlow
 * then optimises each graph as a whole (constant folding of the folded batch norms, fused
 * convolution + bias + activation kernels), which op-by-op execution cannot.
 *
 * The model's weights are frozen into the graphs when they are compiled: compile after training.
 *
 * @returns Left when the backend is not `tensorflow`.
 * @example
 * const compiled = compileFasterRcnn(model);
 * if (E.isRight(compiled)) dets = await compiled.right.predict({ images, metas });
 */
export function compileFasterRcnn(model: FasterRcnn): E.Either<string, CompiledFasterRcnn> {
  if (tf.getBackend() !== 'tensorflow') {
    return E.left(
      `compiling a detector needs the native tensorflow backend (tfjs-node); the backend is '${tf.getBackend()}'`,
    );
  }
  const bySize = new Map<string, Stages>();
  let open = true;
  const stagesFor = (h: number, w: number): Stages => {
    const key = `${h}x${w}`;
    let s = bySize.get(key);
    if (s === undefined) {
      s = compileStages(model, h, w);
      bySize.set(key, s);
    }
    return s;
  };
  const c1 = model.config.numClasses + 1;
  const options = model.proposalOptions('test');
  const box = model.boxHead.options;
  return E.right({
    model,
    async predict(batch) {
      if (!open) throw new Error('this compiled detector was disposed');
      const [n, h, w] = batch.images.shape;
      const s = stagesFor(h, w);
      const [, fh, fw] = s.featureShape;
      const rois: Float32Array[] = [];
      const probs: Float32Array[] = [];
      const deltas: Float32Array[] = [];
      for (let b = 0; b < n; b++) {
        const image = n === 1 ? batch.images : tf.slice(batch.images, [b, 0, 0, 0], [1, h, w, 3]);
        const t = s.trunk.run({ image });
        if (image !== batch.images) image.dispose();
        try {
          const meta = batch.metas[b]!;
          const p = generateProposals(
            model.anchors(fh, fw),
            t.objectness.dataSync() as Float32Array,
            t.deltas.dataSync() as Float32Array,
            [meta.height, meta.width],
            options,
          ).boxes;
          const k = p.length / 4;
          rois.push(p);
          if (k === 0) {
            probs.push(new Float32Array(0));
            deltas.push(new Float32Array(0));
          } else if (s.head !== undefined) {
            const r = runHead(s.head, t.featureMap as tf.Tensor4D, p, k, 1 / model.stride);
            probs.push(r.probs.slice(0, k * c1));
            deltas.push(r.deltas.slice(0, k * 4 * c1));
          } else {
            const [pr, de] = tf.tidy(() => {
              const hd = model.boxHead.apply(
                t.featureMap as tf.Tensor4D,
                p,
                new Int32Array(k),
                1 / model.stride,
              );
              return [tf.softmax(hd.logits), hd.deltas];
            });
            probs.push(pr!.dataSync() as Float32Array);
            deltas.push(de!.dataSync() as Float32Array);
            tf.dispose([pr!, de!]);
          }
        } finally {
          tf.dispose(Object.values(t));
        }
      }
      const concat = (parts: Float32Array[]) => {
        const out = new Float32Array(parts.reduce((m, q) => m + q.length, 0));
        let o = 0;
        for (const q of parts) {
          out.set(q, o);
          o += q.length;
        }
        return out;
      };
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

      function runHead(
        head: Head,
        features: tf.Tensor4D,
        p: Float32Array,
        k: number,
        spatialScale: number,
      ) {
        const kMax = head.inputs.wy.shape[0]!;
        if (k > kMax) throw new Error(`${k} proposals exceed the compiled head's ${kMax}`);
        const ps = box.outputSize;
        const { wx, wy } = roiAlignAxisWeights([1, fh, fw, features.shape[3]], p, {
          outputSize: ps,
          spatialScale,
          samplingRatio: box.samplingRatio,
          aligned: box.aligned,
        });
        const wxPad = new Float32Array(kMax * ps * fw);
        wxPad.set(wx);
        const wyPad = new Float32Array(kMax * ps * fh);
        wyPad.set(wy);
        const wxT = tf.tensor2d(wxPad, [kMax * ps, fw]);
        const wyT = tf.tensor3d(wyPad, [kMax, ps, fh]);
        const out = head.run({ features, wx: wxT, wy: wyT });
        const result = {
          probs: out.probs.dataSync() as Float32Array,
          deltas: out.deltas.dataSync() as Float32Array,
        };
        tf.dispose([wxT, wyT, out.probs, out.deltas]);
        return result;
      }
    },
    dispose() {
      for (const s of bySize.values()) {
        s.trunk.dispose();
        s.head?.dispose();
      }
      bySize.clear();
      open = false;
    },
  });
}
