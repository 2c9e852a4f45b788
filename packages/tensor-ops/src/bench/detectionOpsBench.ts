/**
 * Detection-ops benchmark: RoIAlign forward and forward+backward (7×7 output, 38×50×512 map,
 * 128 and 512 RoIs; and a training step's batch: 8 maps of 16×16×32, 128 RoIs each) and NMS (6,000 and 20,000 boxes) on the active backend, against torchvision
 * on CPU (2 threads) in the same run when `/usr/bin/python3 -c "import torchvision"` works.
 * Prints a table of medians and ratios (ours / torchvision; < 1 means we are faster).
 *
 * Usage: `pnpm --filter @kd/tensor-ops bench` (KD_BACKEND=cpu|wasm to choose; KD_BENCH_RUNS=n).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32, type Rng } from '@kd/random';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../backend/initBackend.js';
import { nms } from '../nms/nms.js';
import { roiAlign } from '../roi/roiAlign.js';
import { roiAlignWeights } from '../roi/roiAlignWeights.js';
import { REFERENCE_PYTHON, runReference, torchAvailable } from '../testing/runReference.js';

const RUNS = Number(process.env.KD_BENCH_RUNS ?? 5);
const FEAT: [number, number, number, number] = [1, 38, 50, 512];
const IMG_H = 38 * 16;
const IMG_W = 50 * 16;
/** A 128 px training batch's feature maps at stride 8 (the shapes recipes' students). */
const BATCH_FEAT: [number, number, number, number] = [8, 16, 16, 32];

/** Proposals-like RoIs: log-uniform sizes 16..400 px, inside the image. */
function randomRois(k: number, rng: Rng): Float32Array {
  const r = new Float32Array(k * 4);
  for (let i = 0; i < k; i++) {
    const w = 16 * Math.exp(rng.next() * Math.log(25));
    const h = 16 * Math.exp(rng.next() * Math.log(25));
    const x = rng.next() * Math.max(1, IMG_W - w);
    const y = rng.next() * Math.max(1, IMG_H - h);
    r.set([x, y, Math.min(IMG_W, x + w), Math.min(IMG_H, y + h)], 4 * i);
  }
  return r;
}

/** RPN-like proposals: jittered clusters around objects plus background boxes, distinct scores. */
function randomDetections(n: number, rng: Rng): { boxes: Float32Array; scores: Float32Array } {
  const boxes = new Float32Array(n * 4);
  const objects = Math.max(1, Math.floor(n / 60));
  const centres = Array.from({ length: objects }, () => [
    rng.next() * IMG_W,
    rng.next() * IMG_H,
    20 + rng.next() * 300,
    20 + rng.next() * 300,
  ]);
  for (let i = 0; i < n; i++) {
    let cx: number;
    let cy: number;
    let w: number;
    let h: number;
    if (rng.next() < 0.7) {
      const [ox, oy, ow, oh] = centres[rng.nextInt(objects)]! as [number, number, number, number];
      cx = ox + (rng.next() - 0.5) * 0.3 * ow;
      cy = oy + (rng.next() - 0.5) * 0.3 * oh;
      w = ow * (0.7 + 0.6 * rng.next());
      h = oh * (0.7 + 0.6 * rng.next());
    } else {
      cx = rng.next() * IMG_W;
      cy = rng.next() * IMG_H;
      w = 16 * Math.exp(rng.next() * Math.log(25));
      h = 16 * Math.exp(rng.next() * Math.log(25));
    }
    boxes.set([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], 4 * i);
  }
  // distinct scores: a random permutation of n levels (no ties, so keep lists are comparable)
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  }
  const scores = Float32Array.from(perm, (p) => (p + 1) / (n + 1));
  return { boxes, scores };
}

/**
 * Separable RoIAlign as kd computed it before one batched product replaced it: the columns of
 * each image by a slice and a product of their own (RoIs sorted by image, `perImage` each). Kept
 * here only to time what the batched product saves.
 */
function roiAlignPerImage(
  features: tf.Tensor4D,
  rois: Float32Array,
  perImage: number,
  o: { outputSize: number; spatialScale: number; samplingRatio: number; aligned: boolean },
): tf.Tensor4D {
  const [N, H, W, C] = features.shape;
  const P = o.outputSize;
  const K = N * perImage;
  const bi = Int32Array.from({ length: K }, (_, i) => Math.floor(i / perImage));
  const { wx, wy } = roiAlignWeights(rois, bi, {
    batch: N,
    height: H,
    width: W,
    pooledHeight: P,
    pooledWidth: P,
    spatialScale: o.spatialScale,
    samplingRatio: o.samplingRatio,
    aligned: o.aligned,
  });
  return tf.tidy(() => {
    const byColumn = tf.reshape(tf.transpose(features, [0, 2, 1, 3]), [N, W, H * C]);
    const parts = Array.from({ length: N }, (_, b) =>
      tf.matMul(
        tf.tensor2d(wx.subarray(b * perImage * P * W, (b + 1) * perImage * P * W), [
          perImage * P,
          W,
        ]),
        tf.reshape(tf.slice(byColumn, [b, 0, 0], [1, W, H * C]), [W, H * C]),
      ),
    );
    const perRoi = tf.reshape(
      tf.transpose(tf.reshape(tf.concat(parts, 0), [K, P, H, C]), [0, 2, 1, 3]),
      [K, H, P * C],
    ) as tf.Tensor3D;
    return tf.reshape(tf.matMul(tf.tensor3d(wy, [K, P, H]), perRoi), [K, P, P, C]) as tf.Tensor4D;
  });
}

/**
 * Median ms of forward + backward on the training batch, kd's batched product against the
 * per-image products, `rounds` alternating calls each (same sizes every call, so that both reuse
 * their memory); also the largest difference between the two results.
 */
function batchedAgainstPerImage(
  feat: tf.Tensor4D,
  c: {
    rois: Float32Array;
    outputSize: number;
    spatialScale: number;
    samplingRatio: number;
    aligned: boolean;
  },
  rounds: number,
): { batched: number; perImage: number; maxDiff: number } {
  const [N] = feat.shape;
  const K = c.rois.length / 4;
  const bi = Int32Array.from({ length: K }, (_, i) => Math.floor(i / (K / N)));
  const dy = tf.randomNormal([K, c.outputSize, c.outputSize, feat.shape[3]], 0, 1, 'float32', 4);
  const grads = {
    batched: tf.grad((x: tf.Tensor) =>
      tf.sum(tf.mul(roiAlign(x as tf.Tensor4D, c.rois, bi, c), dy)),
    ),
    perImage: tf.grad((x: tf.Tensor) =>
      tf.sum(tf.mul(roiAlignPerImage(x as tf.Tensor4D, c.rois, K / N, c), dy)),
    ),
  };
  const times = { batched: [] as number[], perImage: [] as number[] };
  let maxDiff = 0;
  for (let r = -1; r < rounds; r++) {
    const g: tf.Tensor[] = [];
    for (const k of ['batched', 'perImage'] as const) {
      const t0 = performance.now();
      const x = grads[k](feat);
      x.dataSync();
      if (r >= 0) times[k].push(performance.now() - t0);
      g.push(x);
    }
    maxDiff = Math.max(
      maxDiff,
      tf.tidy(() => tf.max(tf.abs(tf.sub(g[0]!, g[1]!))).dataSync()[0]!),
    );
    tf.dispose(g);
  }
  dy.dispose();
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { batched: med(times.batched), perImage: med(times.perImage), maxDiff };
}

interface RefResult {
  torch: string;
  threads: number;
  roiAlign: { fwd: number; fwdBwd: number }[];
  nms: { ms: number; keep: number[] }[];
}

interface Row {
  op: string;
  ours: number;
  ref?: number;
  note?: string;
}

async function main(): Promise<void> {
  const info = await initBackend();
  const rng = mulberry32(2017);
  const feat = tf.randomNormal(FEAT, 0, 1, 'float32', 1) as tf.Tensor4D;
  const roiCases: Array<{
    k: number;
    rois: Float32Array;
    samplingRatio: number;
    outputSize: number;
    spatialScale: number;
    aligned: boolean;
    /** Several images: their maps' shape and each RoI's image (else `FEAT`, image 0). */
    featureShape?: [number, number, number, number];
    batchIndices?: number[];
  }> = [128, 512].flatMap((k) => {
    const rois = randomRois(k, rng);
    return [2, 0].map((samplingRatio) => ({
      k,
      rois,
      samplingRatio,
      outputSize: 7,
      spatialScale: 1 / 16,
      aligned: false,
    }));
  });
  {
    // RoIs inside 128 px images, 128 per image, as a training step samples them.
    const k = BATCH_FEAT[0] * 128;
    const rois = randomRois(k, rng).map((v) => (v * 128) / IMG_W);
    roiCases.push({
      k,
      rois,
      samplingRatio: 2,
      outputSize: 7,
      spatialScale: 1 / 8,
      aligned: true,
      featureShape: BATCH_FEAT,
      batchIndices: Array.from({ length: k }, (_, i) => Math.floor(i / 128)),
    });
  }
  const nmsCases = [6000, 20000].map((n) => ({
    n,
    ...randomDetections(n, rng),
    iouThreshold: 0.7,
  }));

  // Each op as a closure timed once per round; rounds alternate with a torchvision round so that
  // the load of a shared machine weighs on both sides alike. Medians over rounds.
  const ops: { op: string; run: () => Promise<unknown> | unknown; cleanup?: () => void }[] = [];
  // Finish the op by reading back one number (a sum), as torchvision's timing ends with a tensor
  // in memory: downloading the whole 12.8 MB output would time a copy, not the op. (Never return a
  // typed array from tf.tidy either: tidy walks it element by element.)
  const readAndDispose = (t: tf.Tensor): void => {
    const s = tf.sum(t);
    s.dataSync();
    tf.dispose([s, t]);
  };
  const batchFeat = tf.randomNormal(BATCH_FEAT, 0, 1, 'float32', 3) as tf.Tensor4D;
  for (const c of roiCases) {
    const bi = c.batchIndices ? Int32Array.from(c.batchIndices) : new Int32Array(c.k);
    const x = c.featureShape ? batchFeat : feat;
    const opts = {
      outputSize: c.outputSize,
      spatialScale: c.spatialScale,
      samplingRatio: c.samplingRatio,
      aligned: c.aligned,
    };
    const dy = tf.randomNormal([c.k, 7, 7, x.shape[3]], 0, 1, 'float32', 2);
    // Forward plus the vector-Jacobian product for a given dy, as torchvision's y.backward(dy).
    const grad = tf.grad((x: tf.Tensor) => roiAlign(x as tf.Tensor4D, c.rois, bi, opts));
    const sr = c.samplingRatio > 0 ? `sr ${c.samplingRatio}` : 'sr adaptive';
    const where = c.featureShape ? `, ${c.featureShape.join('×')} maps, aligned` : '';
    ops.push({
      op: `RoIAlign fwd      ${c.k} RoIs, ${sr}${where}`,
      run: () => readAndDispose(roiAlign(x, c.rois, bi, opts)),
    });
    ops.push({
      op: `RoIAlign fwd+bwd  ${c.k} RoIs, ${sr}${where}`,
      run: () => readAndDispose(grad(x, dy)),
      cleanup: () => dy.dispose(),
    });
  }
  const oursKeep: Int32Array[] = [];
  for (const c of nmsCases) {
    const b = tf.tensor2d(c.boxes, [c.n, 4]);
    const s = tf.tensor1d(c.scores);
    oursKeep.push(await nms(b, s, c.iouThreshold));
    ops.push({
      op: `NMS ${c.n} boxes, IoU ${c.iouThreshold}`,
      run: () => nms(b, s, c.iouThreshold),
      cleanup: () => tf.dispose([b, s]),
    });
  }

  const batchCase = roiCases.find((c) => c.featureShape)!;
  const saving = batchedAgainstPerImage(batchFeat, batchCase, 20);

  const dir = mkdtempSync(join(tmpdir(), 'kd-bench-'));
  const input = join(dir, 'inputs.json');
  writeFileSync(
    input,
    JSON.stringify({
      featureShape: FEAT,
      roiAlign: roiCases.map((c) => ({ ...c, rois: Array.from(c.rois) })),
      nms: nmsCases.map((c) => ({
        boxes: Array.from(c.boxes),
        scores: Array.from(c.scores),
        iouThreshold: c.iouThreshold,
      })),
    }),
  );
  const script = join(
    dirname(fileURLToPath(import.meta.url)),
    '..',
    '..',
    'bench',
    'detection_ops_reference.py',
  );
  const withTorch = torchAvailable();
  let refNote = withTorch
    ? ''
    : `torchvision reference not run: ${REFERENCE_PYTHON} cannot import torch`;
  const ours: number[][] = ops.map(() => []);
  const refs: number[][] = ops.map(() => []);
  let refKeep: number[][] = [];
  try {
    for (const o of ops) await o.run(); // warm-up
    for (let round = 0; round < RUNS; round++) {
      for (const [i, o] of ops.entries()) {
        const t0 = performance.now();
        await o.run();
        ours[i]!.push(performance.now() - t0);
      }
      if (!withTorch) continue;
      const ref = runReference<RefResult>(script, [input, '2', '1']);
      refNote = `torchvision CPU, torch ${ref.torch}, ${ref.threads} threads`;
      const flat = [...ref.roiAlign.flatMap((r) => [r.fwd, r.fwdBwd]), ...ref.nms.map((r) => r.ms)];
      flat.forEach((v, i) => refs[i]!.push(v));
      refKeep = ref.nms.map((r) => r.keep);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    for (const o of ops) o.cleanup?.();
    tf.dispose([feat, batchFeat]);
  }
  const median = (xs: number[]): number | undefined =>
    xs.length === 0 ? undefined : [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const rows: Row[] = ops.map((o, i) => ({
    op: o.op,
    ours: median(ours[i]!)!,
    ref: median(refs[i]!),
  }));
  oursKeep.forEach((k, i) => {
    const row = rows[roiCases.length * 2 + i]!;
    const r = refKeep[i];
    const same = r !== undefined && r.length === k.length && r.every((v, j) => v === k[j]);
    row.note = `${k.length} kept${r === undefined ? '' : same ? ', same keep list as torchvision' : ', KEEP LIST DIFFERS'}`;
  });

  console.log(
    `\n@kd/tensor-ops detection ops — backend ${info.name}, median ms of ${RUNS} rounds, each timing every op of ours then of the reference; reference: ${refNote}`,
  );
  console.log(
    'RoIAlign: 38x50x512 map, 7x7 output, spatial scale 1/16, aligned false, unless the row says otherwise (8 maps: spatial scale 1/8)',
  );
  const head = ['op', 'ours (ms)', 'torchvision (ms)', 'ours / tv', 'note'];
  const body = rows.map((r) => [
    r.op,
    r.ours.toFixed(1),
    r.ref === undefined ? '-' : r.ref.toFixed(1),
    r.ref === undefined ? '-' : (r.ours / r.ref).toFixed(2),
    r.note ?? '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const b of body) console.log(line(b));
  console.log(
    `RoIAlign forward + backward on the training batch (${BATCH_FEAT.join('×')} maps, 1,024 RoIs), median of 20 alternating calls: one batched product (kd) ${saving.batched.toFixed(1)} ms, a product per image (kd before) ${saving.perImage.toFixed(1)} ms; largest difference of the gradients ${saving.maxDiff}`,
  );
}

await main();
