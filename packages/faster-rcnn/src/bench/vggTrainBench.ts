// `pnpm --filter @kd/faster-rcnn bench` (fourth part): the trained VGG backbone's forward +
// backward as the shapes recipes run it (vgg16 ×0.0625 and ×0.125, output stride 8, batch 8,
// 128 px; and the benchmark teacher's ×0.5), A/B in the same run, alternating: tfjs-core's ReLU
// gradient (`dy · step(x)`) or kd's fused `KdReluGrad`. Gradients read back; median ms of
// KD_BENCH_RUNS (default 7) after a warm-up; KD_BENCH_BACKENDS as elsewhere.
import { loadavg } from 'node:os';
import { initBackend } from '@kd/tensor-ops';
import { useActivationGradient } from '@kd/tensor-ops/testing';
import * as tf from '@tensorflow/tfjs-core';
import { createBackbone } from '../backbones/backboneRegistry.js';
import { ParamStore } from '../layers/ParamStore.js';
import { benchBackends } from '../testing/benchBackends.js';
import { median } from '../testing/median.js';
import { backboneTrainStep } from './backboneTrainStep.js';

const RUNS = Number(process.env.KD_BENCH_RUNS ?? 7);
const WIDTHS = [0.0625, 0.125, 0.5] as const;
const VARIANTS = ['tfjs', 'kd'] as const;

async function main(): Promise<void> {
  const load0 = loadavg();
  const rows: string[] = [];
  for (const backend of benchBackends()) {
    await initBackend({ backend });
    for (const widthMultiplier of WIDTHS) {
      const store = new ParamStore(1);
      const net = createBackbone({ name: 'vgg16', widthMultiplier, outputStride: 8 }, store);
      const x = tf.randomUniform([8, 128, 128, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
      const times: number[][] = VARIANTS.map(() => []);
      const before = tf.memory().numTensors;
      for (let r = 0; r <= RUNS; r++)
        VARIANTS.forEach((v, i) => {
          useActivationGradient('relu', v);
          const t0 = performance.now();
          backboneTrainStep(() => net.forward(x, { training: true }).output, store.trainable());
          if (r > 0) times[i]!.push(performance.now() - t0); // run 0 warms up
        });
      useActivationGradient('relu', 'kd');
      const leaked = tf.memory().numTensors - before;
      const [tfjs, kd] = times.map(median) as [number, number];
      rows.push(
        `| ${backend} | vgg16 ×${widthMultiplier} | ${tfjs.toFixed(0)} | ${kd.toFixed(0)} | ${(tfjs / kd).toFixed(2)}× | ${leaked} |`,
      );
      x.dispose();
      net.dispose?.();
      store.dispose();
    }
  }
  console.log(
    `VGG16 (output stride 8) forward + backward, batch 8, 128 px, gradients read back; median ms of ${RUNS} after a warm-up, variants alternating; load average before ${load0.map((l) => l.toFixed(2)).join(' ')}, after ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    "| backend | network | tfjs-core's ReLU gradient ms | kd's fused ReLU gradient ms | speed-up | tensors leaked |",
  );
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
}

await main();
