// `pnpm --filter @kd/faster-rcnn bench` (third part): the trained MobileNetV2 backbone's forward +
// backward as the pretrained recipes run it (width 1, frozen batch norm, batch 8, 128 px, output
// stride 16 and 8), A/B in the same run, alternating: tfjs-core's ReLU6 gradient or kd's fused
// one, and each batch norm as a kernel or folded into its convolution on the tape. Gradients read
// back; median ms of KD_BENCH_RUNS (default 5) after a warm-up; KD_BENCH_BACKENDS as elsewhere;
// KD_BENCH_STRIDES=16 (or 8) times one network only.
import { loadavg } from 'node:os';
import { initBackend } from '@kd/tensor-ops';
import { useActivationGradient } from '@kd/tensor-ops/testing';
import * as tf from '@tensorflow/tfjs-core';
import { MobileNetV2 } from '../backbones/MobileNetV2.js';
import { ParamStore } from '../layers/ParamStore.js';
import { benchBackends } from '../testing/benchBackends.js';
import { median } from '../testing/median.js';
import { backboneTrainStep } from './backboneTrainStep.js';

const RUNS = Number(process.env.KD_BENCH_RUNS ?? 5);
const VARIANTS = [
  { relu6: 'tfjs', fold: false, label: "tfjs-core's ReLU6 gradient, batch-norm kernels" },
  { relu6: 'kd', fold: false, label: "kd's fused ReLU6 gradient, batch-norm kernels" },
  { relu6: 'kd', fold: true, label: "kd's fused ReLU6 gradient, batch norm folded on the tape" },
] as const;

function strides(): (8 | 16)[] {
  const asked = (process.env.KD_BENCH_STRIDES ?? '16,8').split(',').map((v) => Number(v.trim()));
  for (const v of asked)
    if (v !== 8 && v !== 16) throw new Error(`KD_BENCH_STRIDES: expected 16 and/or 8, got ${v}`);
  return asked as (8 | 16)[];
}

async function main(): Promise<void> {
  const load0 = loadavg();
  const rows: string[] = [];
  for (const backend of benchBackends()) {
    await initBackend({ backend });
    for (const outputStride of strides()) {
      const store = new ParamStore(1);
      const net = new MobileNetV2(store, 1, { outputStride, frozenBatchNorm: true });
      const x = tf.randomUniform([8, 128, 128, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
      const times: number[][] = VARIANTS.map(() => []);
      const before = tf.memory().numTensors;
      for (let r = 0; r <= RUNS; r++)
        VARIANTS.forEach((v, i) => {
          useActivationGradient('relu6', v.relu6);
          const t0 = performance.now();
          backboneTrainStep(
            () => net.forward(x, { training: true, foldFrozenBatchNorm: v.fold }).output,
            store.trainable(),
          );
          if (r > 0) times[i]!.push(performance.now() - t0); // run 0 warms up
        });
      useActivationGradient('relu6', 'kd');
      const leaked = tf.memory().numTensors - before;
      const ms = times.map(median);
      rows.push(
        `| ${backend} | stride ${outputStride} | ${ms.map((m) => m.toFixed(0)).join(' | ')} | ${(ms[0]! / ms[2]!).toFixed(2)}× | ${leaked} |`,
      );
      x.dispose();
      net.dispose();
      store.dispose();
    }
  }
  console.log(
    `MobileNetV2 (width 1, frozen batch norm) forward + backward, batch 8, 128 px, gradients read back; median ms of ${RUNS} after a warm-up, variants alternating; load average before ${load0.map((l) => l.toFixed(2)).join(' ')}, after ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `| backend | network | ${VARIANTS.map((v) => `${v.label} ms`).join(' | ')} | first ÷ last | tensors leaked |`,
  );
  console.log(`|---|---|${VARIANTS.map(() => '---|').join('')}---|---|`);
  for (const r of rows) console.log(r);
}

await main();
